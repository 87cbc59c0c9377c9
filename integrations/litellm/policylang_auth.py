"""The keys of the integration test (scripts/integration-litellm.sh) and their identities, as
LiteLLM's key database would hold them: `user_id`, `team_id` and metadata. LiteLLM's custom auth
hook (`general_settings.custom_auth`) returns them without a database; in production the same
fields come from keys made with LiteLLM's `/key/generate`."""
from fastapi import HTTPException
from litellm.proxy._types import UserAPIKeyAuth

KEYS = {
    "sk-contractor": dict(user_id="u-17", team_id="vendor-x",
                          metadata={"policy_role": "contractor", "policy_feature": "ask_mode"}),
    "sk-senior": dict(user_id="u-7", team_id="platform",
                      metadata={"policy_role": "senior_developer", "policy_feature": "agent_mode"}),
    # A key whose team sets the role: the team's metadata wins over what a key's owner could set.
    "sk-promoted": dict(user_id="u-18", team_id="vendor-x", team_metadata={"policy_role": "contractor", "policy_feature": "ask_mode"},
                        metadata={"policy_role": "senior_developer"}),
    # A key with no role at all: PolicyLang denies it (unknown_role).
    "sk-norole": dict(user_id="u-99", team_id="nobody"),
}


async def user_api_key_auth(request, api_key: str) -> UserAPIKeyAuth:
    key = api_key.removeprefix("Bearer ").strip()
    if key not in KEYS:
        raise HTTPException(status_code=401, detail={"error": "unknown key"})
    return UserAPIKeyAuth(api_key=key, **KEYS[key])
