"""PolicyLang as a LiteLLM guardrail (docs/integrations.md).

Before each call (pre_call) what LiteLLM is about to send — chat `messages`, a text completion's
`prompt`, a Responses or embeddings `input`, Anthropic's `system`, the `tools` offered, `max_tokens`
— is made into PolicyLang's request format with the caller's identity and decided. After each
call (post_call, and for a stream once it is whole, before any of it reaches the client) every
text of the answer — message content, text completions, tool-call arguments — is decided as a
completion. A decision other than `allow` blocks with HTTP 403 and PolicyLang's reason codes.

Who is asking comes from LiteLLM's key and team: the key's `user_id` (else its alias), its
`team_id`, and `policy_role`, `policy_feature`, `policy_department`, `policy_operations` from the
team's metadata, else the key's. Team metadata comes first because LiteLLM lets a key's owner
edit the key's metadata: set roles on teams where users make their own keys.

Two ways to reach PolicyLang, chosen by the environment, deciding the same requests:
- POLICYLANG_URL (default http://127.0.0.1:8181): `policyc serve`, `POST /v1/decide`;
- POLICYLANG_DOCUMENT=/path/compiled.json (with POLICYLANG_LIBRARY=/path/libpolicy_runtime.so):
  in-process, through the C library and bindings/python/policylang.py.
Failing closed: if PolicyLang cannot be reached within POLICYLANG_TIMEOUT seconds (default 5) or
answers something that is not a decision, the call is blocked (503).
"""
import asyncio
import json
import os
import urllib.request

from fastapi import HTTPException
from litellm._logging import verbose_proxy_logger
from litellm.integrations.custom_guardrail import CustomGuardrail

_URL = os.environ.get("POLICYLANG_URL", "http://127.0.0.1:8181")
_TIMEOUT = float(os.environ.get("POLICYLANG_TIMEOUT", "5"))
_DOCUMENT = os.environ.get("POLICYLANG_DOCUMENT")
_plan = None
if _DOCUMENT:
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bindings", "python"))
    import policylang  # noqa: E402

    _plan = policylang.Plan.from_file(_DOCUMENT)


def _dumps(value):
    """JSON as `policyc serve` writes it: compact, UTF-8 (no \\u escapes, which the scanners would read as text)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _identity(user_api_key_dict):
    """The caller, from LiteLLM's key and team, as the request format's fields."""
    key_metadata = getattr(user_api_key_dict, "metadata", None) or {}
    team_metadata = getattr(user_api_key_dict, "team_metadata", None) or {}

    def setting(name):
        value = team_metadata.get(name)
        return value if value else key_metadata.get(name)

    user = {k: v for k, v in {
        "id": getattr(user_api_key_dict, "user_id", None) or getattr(user_api_key_dict, "key_alias", None),
        "role": setting("policy_role"),
        "team": getattr(user_api_key_dict, "team_id", None),
        "department": setting("policy_department"),
    }.items() if v}
    fields = {"user": user}
    if setting("policy_feature"):
        fields["feature"] = setting("policy_feature")
    operations = setting("policy_operations") or []
    if isinstance(operations, str):
        operations = [item.strip() for item in operations.split(",") if item.strip()]
    if operations:
        fields["operations"] = list(operations)
    return fields


def _as_messages(value):
    """A `prompt` or `input` (a string, a list of strings, or a list of messages) as messages."""
    if isinstance(value, str):
        return [{"role": "user", "content": value}]
    if isinstance(value, list):
        return [item if isinstance(item, dict) else {"role": "user", "content": item if isinstance(item, str) else _dumps(item)}
                for item in value]
    return [{"role": "user", "content": _dumps(value)}]


def _request(data, identity):
    """The request format (docs/runtime.md) for what LiteLLM is about to send: every text it holds."""
    messages = list(data.get("messages") or [])
    for key in ("prompt", "input"):
        if data.get(key) is not None:
            messages += _as_messages(data[key])
    system = []
    if isinstance(data.get("system"), str):
        system.append({"type": "text", "text": data["system"]})
    elif isinstance(data.get("system"), list):
        system += data["system"]
    for tool in (data.get("tools") or []) + (data.get("functions") or []):
        # A tool's name, description and parameters are text the model reads.
        system.append({"type": "text", "text": _dumps(tool)})
    body = dict(identity, model=data.get("model"), messages=messages,
                context_tokens=(len(_dumps(messages).encode()) + 2) // 3)
    if system:
        body["system"] = system
    tokens = data.get("max_tokens") or data.get("max_completion_tokens") or data.get("max_output_tokens")
    if isinstance(tokens, int):
        body["max_tokens"] = tokens
    return body


def _texts(value, out):
    """Every string in an answer's choices (content, text, tool-call arguments, refusals)."""
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("role", "type", "id", "finish_reason", "index", "object", "model"):
                _texts(item, out)
    elif isinstance(value, list):
        for item in value:
            _texts(item, out)
    return out


def _answer_texts(response):
    """The texts of a response object (chat or text completion, Responses API)."""
    try:
        dumped = response.model_dump() if hasattr(response, "model_dump") else dict(response)
    except Exception:
        dumped = {"choices": [str(response)]}
    return _texts([dumped.get("choices"), dumped.get("output")], [])


def _post(body):
    request = urllib.request.Request(_URL + "/v1/decide", data=_dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=_TIMEOUT) as answer:
        return json.loads(answer.read())


async def _decide(body):
    """PolicyLang's decision, failing closed. Through serve, the HTTP call runs on a thread with a
    timeout, off LiteLLM's event loop; in process, the decision (a few microseconds, the GIL
    released by ctypes) runs inline, where a thread hop would cost more than it."""
    try:
        if _plan is not None:
            decision = _plan.decide(_dumps(body))
        else:
            decision = await asyncio.wait_for(asyncio.to_thread(_post, body), timeout=_TIMEOUT)
    except Exception as error:
        verbose_proxy_logger.error("policylang: no decision: %r", error)
        raise HTTPException(status_code=503, detail={"error": "policylang_unavailable: no decision could be had; the call is blocked"})
    if not isinstance(decision, dict) or decision.get("decision") not in ("allow", "deny", "require_approval"):
        raise HTTPException(status_code=503, detail={"error": "policylang_unavailable: the answer was not a decision; the call is blocked"})
    return decision


def _enforce(decision, stage):
    outcome = decision["decision"]
    if outcome == "allow":
        return
    reasons = [reason for reason in decision.get("reasons", []) if isinstance(reason, dict)]
    codes = ", ".join(str(reason.get("code", "")) for reason in reasons)
    messages = "; ".join(str(reason.get("message", "")) for reason in reasons)
    # LiteLLM passes `error` on to the client: the outcome, the stage, our reason codes and their
    # messages (which name rules and patterns, never the text a detector found).
    raise HTTPException(status_code=403, detail={"error": "policylang_%s (%s): %s: %s" % (outcome, stage, codes, messages)})


class PolicyLangGuardrail(CustomGuardrail):
    """Blocks what PolicyLang does not allow, before and after the model call."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    async def async_pre_call_hook(self, user_api_key_dict, cache, data, call_type):
        _enforce(await _decide(_request(data, _identity(user_api_key_dict))), "request")
        return data

    async def _check_answer(self, data, user_api_key_dict, texts):
        if not texts:
            return
        body = _request(data, _identity(user_api_key_dict))
        body.update(action="completion", response="\n".join(texts))
        body.pop("max_tokens", None)
        _enforce(await _decide(body), "response")

    async def async_post_call_success_hook(self, data, user_api_key_dict, response):
        await self._check_answer(data, user_api_key_dict, _answer_texts(response))
        return response

    async def async_post_call_streaming_iterator_hook(self, user_api_key_dict, response, request_data):
        # A stream is held until it is whole and its text decided: nothing reaches the client
        # before the answer is allowed.
        chunks = []
        texts = []
        async for chunk in response:
            chunks.append(chunk)
            _texts(_answer_texts(chunk), texts)
        await self._check_answer(request_data, user_api_key_dict, ["".join(texts)] if texts else [])
        for chunk in chunks:
            yield chunk
