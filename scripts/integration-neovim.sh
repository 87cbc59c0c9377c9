#!/usr/bin/env bash
# `policyc lsp` driven by a real editor's language client: Neovim (Debian's package, headless)
# runs scripts/neovim/session.lua against a copy of examples/*.pol with one typo in it — the
# diagnostics, a quick fix, hover, definition across an import, references, completion,
# formatting and a rename, each checked. Installs neovim with apt-get when it is missing.
#
#   scripts/integration-neovim.sh            (uses .build/debug/policyc, building it if needed)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

if ! command -v nvim >/dev/null 2>&1; then
  as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
  as_root apt-get install -y --no-install-recommends neovim >/dev/null 2>&1 \
    || { as_root apt-get update >/dev/null 2>&1 && as_root apt-get install -y --no-install-recommends neovim >/dev/null; }
fi
policyc="$root/.build/debug/policyc"
[[ -x "$policyc" ]] || swift build --product policyc

workspace="$(mktemp -d "${TMPDIR:-/tmp}/policyc-neovim.XXXXXX")"
trap 'rm -rf "$workspace"' EXIT
cp examples/*.pol "$workspace/"
# The typo: a role's model, so the server reports P2004 with a "did you mean".
python3 - "$workspace/enterprise.pol" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
assert '"claude-3-sonnet"' in text
open(path, "w").write(text.replace('"claude-3-sonnet"\n', '"claude-3-sonet"\n', 1))
PY
[[ $(grep -c '"claude-3-sonet"' "$workspace/enterprise.pol") == 1 ]]

POLICY_WORKSPACE="$workspace" POLICYC="$policyc" HOME="$workspace" XDG_STATE_HOME="$workspace/state" \
  timeout 120 nvim --headless -u NONE -i NONE -n -c "luafile $root/scripts/neovim/session.lua"
