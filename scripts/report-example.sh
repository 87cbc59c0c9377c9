#!/usr/bin/env bash
# The compliance report for the bundled week of traffic (examples/requests/audit-week.jsonl),
# as docs/audit.md shows it: decides the week against examples/enterprise.pol with budgets
# metered and every decision recorded, writes the report in all three formats to OUT (default
# .build/report-example), and, where Debian's chromium is installed, a screenshot of the HTML
# (docs/report.png is made this way: scripts/report-example.sh && cp .build/report-example/report.png docs/).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-.build/report-example}
rm -rf "$out" && mkdir -p "$out"
swift build -c release --product policyc >/dev/null
policyc=.build/release/policyc
# A fixed key: this trail is an example, never a real one.
printf '%s\n' 5e1c2a9e7b3d5f60812a4c6e8b0d2f4a6c8e0a2b4d6f8091a3c5e7f9b1d3f5a7 > "$out/audit.key"
"$policyc" eval --policy examples/enterprise.pol --request examples/requests/audit-week.jsonl \
  --state "$out/state" --replay --audit "$out/trail" --audit-key "$out/audit.key" > "$out/decisions.jsonl"
"$policyc" audit verify --audit-key "$out/audit.key" "$out/trail"
for format in json md html; do
  "$policyc" report --audit "$out/trail" --policy examples/enterprise.pol --audit-key "$out/audit.key" \
    --from 2026-11-30 --to 2026-12-07 --format "$format" -o "$out/report.$format"
done
echo "wrote $out/report.json, $out/report.md and $out/report.html"
if command -v chromium >/dev/null 2>&1; then
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$out/chromium-profile" \
    --window-size=1280,1500 --screenshot="$PWD/$out/report.png" "file://$PWD/$out/report.html" >/dev/null 2>&1
  echo "wrote $out/report.png"
fi
