#!/usr/bin/env bash
# PolicyLang as a LiteLLM guardrail, end to end (docs/integrations.md). Installs LiteLLM and the
# official `openai` client from PyPI into a virtualenv (.build/litellm-venv, reused), builds
# policyc and libpolicy_runtime.so, starts the LiteLLM proxy on loopback with two mock models (no
# network to any provider) and the guardrail of integrations/litellm, and runs
# integrations/litellm/test_integration.py against it twice: through `policyc serve`, then
# in-process through the C library. Exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
venv=${LITELLM_VENV:-$root/.build/litellm-venv}
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# LiteLLM's version is pinned: its guardrail hooks change between releases.
litellm_version=1.108.7
if [[ ! -x $venv/bin/litellm ]] || ! "$venv/bin/pip" show litellm 2>/dev/null | grep -q "^Version: $litellm_version$"; then
  echo "installing litellm[proxy]==$litellm_version and openai into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
  "$venv/bin/pip" install -q "litellm[proxy]==$litellm_version" openai
fi

swift build -c release --product policyc >/dev/null
swift build -c release --product policy_runtime >/dev/null
policyc=$root/.build/release/policyc
"$policyc" compile examples/enterprise.pol -o "$work/enterprise.json"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_for() {  # URL, what, log
  for _ in $(seq 120); do
    if python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$1" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "error: $2 did not start; its log:" >&2
  tail -40 "$3" >&2
  return 1
}

run_proxy() {  # label, then environment assignments for the guardrail (and EXPECT for the test)
  local label=$1; shift
  local port; port=$(free_port)
  # exec: the pid is LiteLLM's own, so that killing it stops the proxy.
  (cd integrations/litellm && exec env "$@" LITELLM_MASTER_KEY="sk-$(python3 -c 'import secrets; print(secrets.token_hex(24))')" PYTHONPATH="$root/integrations/litellm" \
     "$venv/bin/litellm" --config config.yaml --host 127.0.0.1 --port "$port" >"$work/litellm-$label.log" 2>&1) &
  local pid=$!
  pids+=("$pid")
  wait_for "http://127.0.0.1:$port/health/liveliness" "the LiteLLM proxy ($label)" "$work/litellm-$label.log"
  echo "== $label: LiteLLM on 127.0.0.1:$port"
  env "$@" "$venv/bin/python" integrations/litellm/test_integration.py "http://127.0.0.1:$port"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

serve_port=$(free_port)
"$policyc" serve --policy "$work/enterprise.json" --listen "127.0.0.1:$serve_port" 2>"$work/serve.log" &
pids+=($!)
wait_for "http://127.0.0.1:$serve_port/v1/health" "policyc serve" "$work/serve.log"

run_proxy serve POLICYLANG_URL="http://127.0.0.1:$serve_port"
run_proxy library POLICYLANG_DOCUMENT="$work/enterprise.json" POLICYLANG_LIBRARY="$root/.build/release/libpolicy_runtime.so"
# Failing closed: PolicyLang unreachable (a port nothing listens on).
run_proxy unavailable POLICYLANG_URL="http://127.0.0.1:$(free_port)" POLICYLANG_TIMEOUT=2 EXPECT=unavailable
echo "the LiteLLM integration passed, through policyc serve and in-process, and fails closed"
