#!/usr/bin/env bash
# Produces the editor screenshot for the docs (docs/editors.png by default): Neovim in xterm
# under Xvfb, talking to `policyc lsp`, showing a P2004 "unknown model" diagnostic as virtual
# text and the hover popup for a role.
#
#   scripts/editor-screenshot.sh [output.png]
#
# Works on a throwaway copy of examples/*.pol; nothing in the repository is modified except the
# output image. Needs Debian's neovim (0.7+), xvfb, xterm, imagemagick and xdotool (installed
# with apt-get if missing).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
OUT="${1:-$REPO_ROOT/docs/editors.png}"
case "$OUT" in /*) ;; *) OUT="$PWD/$OUT" ;; esac

COLS=92
ROWS=26
FONT="DejaVu Sans Mono"
FONT_SIZE=13

log() { printf '[editor-screenshot] %s\n' "$*" >&2; }

# --- 1. packages --------------------------------------------------------------------------
PKGS=(neovim xvfb xterm x11-apps imagemagick xdotool)
missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  log "installing: ${missing[*]}"
  $SUDO apt-get update
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

# --- 2. policyc ---------------------------------------------------------------------------
POLICYC="$REPO_ROOT/.build/debug/policyc"
if [[ ! -x "$POLICYC" ]]; then
  log "building policyc"
  (cd "$REPO_ROOT" && swift build --product policyc)
fi
export PATH="$(dirname "$POLICYC"):$PATH"
command -v policyc >/dev/null

# --- processes and cleanup ----------------------------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/policy-editor-shot.XXXXXX")"
XVFB_PID=""
XTERM_PID=""

kill_pid() { # pid: TERM, wait up to ~2 s, then KILL
  local pid=$1 i
  [[ -n "$pid" ]] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 20); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$? nvim_pids="" lsp_pids="" p
  if [[ -n "$XTERM_PID" ]]; then
    nvim_pids="$(pgrep -P "$XTERM_PID" 2>/dev/null || true)"
    for p in $nvim_pids; do lsp_pids+=" $(pgrep -P "$p" 2>/dev/null || true)"; done
    kill_pid "$XTERM_PID"
    for p in $nvim_pids $lsp_pids; do kill_pid "$p"; done
  fi
  kill_pid "$XVFB_PID"
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 3. workspace with one deliberate error -----------------------------------------------
WS="$WORK/ws"
STATE="$WORK/state"
mkdir -p "$WS" "$STATE" "$WORK/xdg/config" "$WORK/xdg/data" "$WORK/xdg/state" "$WORK/xdg/cache"
cp "$REPO_ROOT"/examples/*.pol "$WS"/
# Role junior_developer: `models "claude-3-sonnet"` -> `"claude-3-sonet"` (P2004 unknown model).
python3 - "$WS/enterprise.pol" <<'PY'
import re, sys
path = sys.argv[1]
lines = open(path, encoding="utf-8").read().split("\n")
in_role = False
for i, line in enumerate(lines):
    if re.match(r"\s*role\s+junior_developer\b", line):
        in_role = True
    elif in_role and re.match(r"\s*models\b", line):
        assert '"claude-3-sonnet"' in line, line
        lines[i] = line.replace('"claude-3-sonnet"', '"claude-3-sonet"', 1)
        break
else:
    sys.exit("enterprise.pol: no models line in role junior_developer")
open(path, "w", encoding="utf-8").write("\n".join(lines))
PY
ERR_LINE=$(grep -n '"claude-3-sonet"' "$WS/enterprise.pol" | head -1 | cut -d: -f1)
ROLE_DECL_LINE=$(grep -n '^role junior_developer' "$WS/enterprise.pol" | cut -d: -f1)
HOVER_LINE=$(grep -n '^role contractor' "$WS/enterprise.pol" | cut -d: -f1)
log "error on line $ERR_LINE; hover on line $HOVER_LINE"

# --- 4. init.lua --------------------------------------------------------------------------
cat >"$WORK/init.lua" <<'LUA'
-- Minimal Neovim 0.7 setup for policyc lsp (no vim.lsp.start before 0.8).
local state = os.getenv("POL_SHOT_STATE")
local function mark(name)
  if state then local f = io.open(state .. "/" .. name, "w"); if f then f:write("1"); f:close() end end
end

vim.cmd("syntax on")  -- before our autocmds, so the pol syntax below is not cleared afterwards
vim.o.termguicolors = true
vim.o.number = true
vim.o.wrap = false
vim.o.signcolumn = "yes"
vim.o.cursorline = true
vim.o.showmode = false
vim.o.ruler = false
vim.o.laststatus = 2
vim.o.shortmess = vim.o.shortmess .. "IF"
vim.o.swapfile = false
_G.pol_errors = function() return #vim.diagnostic.get(0, { severity = vim.diagnostic.severity.ERROR }) end
vim.o.statusline = " %f  %y%=policyc lsp  ✘ %{v:lua.pol_errors()} "
vim.cmd("colorscheme slate")
vim.cmd([[
  hi Normal       guibg=#1e1e1e guifg=#d4d4d4
  hi EndOfBuffer  guibg=#1e1e1e guifg=#3c3c3c
  hi LineNr       guibg=#1e1e1e guifg=#858585
  hi CursorLineNr guibg=#262626 guifg=#c6c6c6 gui=NONE
  hi CursorLine   guibg=#262626 gui=NONE
  hi SignColumn   guibg=#1e1e1e
  hi StatusLine   guibg=#007acc guifg=#ffffff gui=NONE
  hi StatusLineNC guibg=#333333 guifg=#aaaaaa gui=NONE
  hi NormalFloat  guibg=#252526 guifg=#d4d4d4
  hi FloatBorder  guibg=#252526 guifg=#808080
  hi DiagnosticError             guifg=#f14c4c
  hi DiagnosticVirtualTextError  guifg=#f14c4c guibg=#3a1d1d
  hi DiagnosticUnderlineError    gui=undercurl guisp=#f14c4c
  hi link markdownError Normal
]])

-- Tiny syntax for .pol
vim.cmd("autocmd BufRead,BufNewFile *.pol set filetype=pol")
vim.api.nvim_create_autocmd("Syntax", { pattern = "pol", callback = function()
  vim.cmd([[
    syntax keyword polKeyword policy version import model role alert usage budget rule test when then
    syntax keyword polField provider context price models features operations max_context audit block requires_approval severity controls scope period limit warn_at output_estimate reservation_timeout
    syntax keyword polOp and or not has per input output
    syntax match polNumber /\v\$?<\d[0-9.,]*[kmhds]?>\%?/
    syntax region polString start=/"/ skip=/\\"/ end=/"/
    syntax match polComment /#.*$/
    hi polKeyword guifg=#569cd6 gui=bold
    hi polField   guifg=#9cdcfe
    hi polOp      guifg=#c586c0
    hi polNumber  guifg=#b5cea8
    hi polString  guifg=#ce9178
    hi polComment guifg=#6a9955 gui=italic
  ]])
end })
vim.api.nvim_create_autocmd("FileType", { pattern = "pol", callback = function(a)
  _G.pol_client = _G.pol_client or vim.lsp.start_client({
    name = "policyc",
    cmd = { "policyc", "lsp" },
    root_dir = os.getenv("POL_SHOT_ROOT") or vim.fn.getcwd(),
  })
  vim.lsp.buf_attach_client(a.buf, _G.pol_client)
end })

vim.diagnostic.config({ virtual_text = { prefix = "■", spacing = 2,
  format = function(d) return d.code and (d.code .. " " .. d.message) or d.message end }, signs = true, underline = true, severity_sort = true })
vim.fn.sign_define("DiagnosticSignError", { text = "✘", texthl = "DiagnosticSignError" })
vim.api.nvim_create_autocmd("DiagnosticChanged", { callback = function()
  if #vim.diagnostic.get(nil, { severity = vim.diagnostic.severity.ERROR }) > 0 then mark("diagnostics") end
end })

local hover = vim.lsp.with(vim.lsp.handlers.hover, { border = "rounded" })
vim.lsp.handlers["textDocument/hover"] = function(err, result, ctx, config)
  local bufnr, winnr = hover(err, result, ctx, config)
  if winnr then mark("hover") end
  return bufnr, winnr
end
LUA

# --- 5. X, xterm, nvim --------------------------------------------------------------------
DISPLAY_NUM=""
for n in $(seq 97 160); do
  if [[ ! -e "/tmp/.X$n-lock" && ! -e "/tmp/.X11-unix/X$n" ]]; then DISPLAY_NUM=$n; break; fi
done
[[ -n "$DISPLAY_NUM" ]] || { log "no free X display"; exit 1; }
export DISPLAY=":$DISPLAY_NUM"
Xvfb "$DISPLAY" -screen 0 1600x900x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
for _ in $(seq 50); do
  [[ -S "/tmp/.X11-unix/X$DISPLAY_NUM" ]] && break
  kill -0 "$XVFB_PID" 2>/dev/null || { cat "$WORK/xvfb.log" >&2; exit 1; }
  sleep 0.1
done
sleep 0.5
log "Xvfb on $DISPLAY (pid $XVFB_PID)"

wait_for() { # file timeout-seconds
  local f=$1 t=$2 i
  for i in $(seq $((t * 10))); do [[ -e "$f" ]] && return 0; sleep 0.1; done
  return 1
}

(
  cd "$WS"
  exec env POL_SHOT_STATE="$STATE" POL_SHOT_ROOT="$WS" \
    XDG_CONFIG_HOME="$WORK/xdg/config" XDG_DATA_HOME="$WORK/xdg/data" \
    XDG_STATE_HOME="$WORK/xdg/state" XDG_CACHE_HOME="$WORK/xdg/cache" \
    LANG=C.UTF-8 LC_ALL=C.UTF-8 \
    xterm -u8 -geometry "${COLS}x${ROWS}+0+0" -fa "$FONT" -fs "$FONT_SIZE" \
      -bg '#1e1e1e' -fg '#d4d4d4' -b 0 -bw 0 +sb -T "enterprise.pol - nvim" \
      -xrm 'XTerm*cursorBlink: false' -xrm 'XTerm*termName: xterm-256color' \
      -e nvim -i NONE -n -u "$WORK/init.lua" enterprise.pol
) >"$WORK/xterm.log" 2>&1 &
XTERM_PID=$!

WID=""
for _ in $(seq 100); do
  WID="$(xdotool search --onlyvisible --class xterm 2>/dev/null | head -1 || true)"
  [[ -n "$WID" ]] && break
  kill -0 "$XTERM_PID" 2>/dev/null || { cat "$WORK/xterm.log" >&2; exit 1; }
  sleep 0.1
done
[[ -n "$WID" ]] || { log "xterm window did not appear"; exit 1; }
eval "$(xdotool getwindowgeometry --shell "$WID")"   # WIDTH HEIGHT X Y
log "xterm window $WID: ${WIDTH}x${HEIGHT}+${X}+${Y}"
# No window manager: focus follows the pointer, so park it over the terminal (bottom-right).
xdotool mousemove $((X + WIDTH - 2)) $((Y + HEIGHT - 2))

# The server publishes diagnostics after didOpen; wait for them, then a little longer.
if ! wait_for "$STATE/diagnostics" 30; then log "no diagnostics from policyc within 30 s"; exit 1; fi
sleep 3

keys() { xdotool key --clearmodifiers "$@"; sleep 0.3; }
typ() { xdotool type --delay 25 -- "$1"; sleep 0.3; }

# Scroll so the role with the error is at the top, then put the cursor on `contractor`
# (a few lines below): the popup opens below the cursor and leaves the diagnostic visible.
keys Escape
typ ":${ROLE_DECL_LINE}"; keys Return
typ "zt"
typ ":${HOVER_LINE}"; keys Return
typ "w"
typ ":lua vim.lsp.buf.hover()"; keys Return
if ! wait_for "$STATE/hover" 15; then log "hover popup did not open"; exit 1; fi
sleep 1.5

mkdir -p "$(dirname "$OUT")"
import -window root -crop "${WIDTH}x${HEIGHT}+${X}+${Y}" +repage "$OUT"
log "wrote $OUT ($(identify -format '%wx%h' "$OUT"))"
