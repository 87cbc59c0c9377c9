"""PolicyLang as a LiteLLM guardrail (docs/integrations.md).

Before each call (pre_call) the request LiteLLM is about to send — model, messages, tools,
max_tokens — goes to PolicyLang with the caller's identity, taken from LiteLLM's key and team:
the key's `user_id` (else the key's alias), its `team_id`, and the role, feature, department and
operations from the key's metadata (`policy_role`, `policy_feature`, `policy_department`,
`policy_operations`), else from the team's metadata. A decision other than `allow` blocks the
call with HTTP 403 and PolicyLang's reason codes. After each call (post_call) the model's
answer is checked as a completion: a response carrying a secret or bulk personal data is
blocked the same way.

Two ways to reach PolicyLang, chosen by the environment:
- POLICYLANG_URL (default http://127.0.0.1:8181): `policyc serve`, over HTTP;
- POLICYLANG_DOCUMENT=/path/compiled.json (with POLICYLANG_LIBRARY=/path/libpolicy_runtime.so):
  in-process, through the C library and bindings/python/policylang.py.
Failing closed: if PolicyLang cannot be reached or answers nonsense, the call is blocked (503).
"""
import json
import os
import urllib.request

from fastapi import HTTPException
from litellm.integrations.custom_guardrail import CustomGuardrail

_URL = os.environ.get("POLICYLANG_URL", "http://127.0.0.1:8181")
_DOCUMENT = os.environ.get("POLICYLANG_DOCUMENT")
_plan = None
if _DOCUMENT:
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bindings", "python"))
    import policylang  # noqa: E402

    _plan = policylang.Plan.from_file(_DOCUMENT)


def _identity(user_api_key_dict):
    """The caller, from LiteLLM's key and team: request fields and X-Policy-* header fields."""
    key_metadata = getattr(user_api_key_dict, "metadata", None) or {}
    team_metadata = getattr(user_api_key_dict, "team_metadata", None) or {}

    def setting(name):
        return key_metadata.get(name) or team_metadata.get(name)

    user = {k: v for k, v in {
        "id": getattr(user_api_key_dict, "user_id", None) or getattr(user_api_key_dict, "key_alias", None),
        "role": setting("policy_role"),
        "team": getattr(user_api_key_dict, "team_id", None),
        "department": setting("policy_department"),
    }.items() if v}
    operations = setting("policy_operations") or []
    if isinstance(operations, str):
        operations = [item.strip() for item in operations.split(",") if item.strip()]
    headers = {"X-Policy-User": user.get("id"), "X-Policy-Role": user.get("role"), "X-Policy-Team": user.get("team"),
               "X-Policy-Department": user.get("department"), "X-Policy-Feature": setting("policy_feature"),
               "X-Policy-Operations": ",".join(operations) if operations else None}
    return user, setting("policy_feature"), operations, {k: v for k, v in headers.items() if v}


def _estimated_tokens(messages):
    """The context size as `policyc serve` estimates it: a token per 3 bytes of the messages' JSON."""
    return (len(json.dumps(messages, separators=(",", ":")).encode()) + 2) // 3


def _post(path, body, headers):
    if _plan is not None and path == "/v1/decide":
        return _plan.decide(body)
    request = urllib.request.Request(_URL + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return json.loads(answer.read())
    except Exception as error:  # unreachable, a timeout, not JSON: fail closed
        raise HTTPException(status_code=503, detail={"error": "policylang_unavailable", "message": str(error)})


def _enforce(decision, stage):
    outcome = decision.get("decision")
    if outcome == "allow":
        return
    if outcome not in ("deny", "require_approval"):
        raise HTTPException(status_code=503, detail={"error": "policylang_unavailable", "message": "no decision"})
    reasons = decision.get("reasons", [])
    codes = ", ".join(reason.get("code", "") for reason in reasons)
    messages = "; ".join(reason.get("message", "") for reason in reasons)
    # LiteLLM passes `error` on to the client: the outcome, the stage, our reason codes and their
    # messages (which name rules and patterns, never the text a detector found).
    raise HTTPException(status_code=403, detail={"error": "policylang_%s (%s): %s: %s" % (outcome, stage, codes, messages)})


class PolicyLangGuardrail(CustomGuardrail):
    """Blocks what PolicyLang does not allow, before and after the model call."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    async def async_pre_call_hook(self, user_api_key_dict, cache, data, call_type):
        user, feature, operations, headers = _identity(user_api_key_dict)
        if _plan is not None:
            # In-process: the request format directly, mapped as `policyc serve` maps a Chat
            # Completions body (docs/serve.md): tools join `system` as text to be scanned.
            tools = (data.get("tools") or []) + (data.get("functions") or [])
            body = {"user": user, "model": data.get("model"), "messages": data.get("messages", []),
                    "context_tokens": _estimated_tokens(data.get("messages", []))}
            if tools:
                body["system"] = [{"type": "text", "text": json.dumps(tool, sort_keys=True)} for tool in tools]
            if data.get("max_tokens") or data.get("max_completion_tokens"):
                body["max_tokens"] = data.get("max_tokens") or data.get("max_completion_tokens")
            if feature:
                body["feature"] = feature
            if operations:
                body["operations"] = operations
            decision = _plan.decide(body)
        else:
            body = {key: data[key] for key in ("model", "messages", "tools", "functions", "max_tokens", "max_completion_tokens")
                    if key in data}
            decision = _post("/v1/chat/completions/check", body, headers)
        _enforce(decision, "request")
        return data

    async def async_post_call_success_hook(self, data, user_api_key_dict, response):
        user, feature, operations, _ = _identity(user_api_key_dict)
        texts = []
        for choice in getattr(response, "choices", None) or []:
            message = getattr(choice, "message", None)
            if message is not None and getattr(message, "content", None):
                texts.append(message.content)
        if not texts:
            return response
        body = {"user": user, "action": "completion", "model": data.get("model"), "response": "\n".join(texts),
                "context_tokens": _estimated_tokens(data.get("messages", []))}
        if feature:
            body["feature"] = feature
        if operations:
            body["operations"] = operations
        _enforce(_post("/v1/decide", body, {}), "response")
        return response
