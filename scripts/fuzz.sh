#!/usr/bin/env bash
# Builds one libFuzzer target with address sanitizer and runs it for SECONDS.
#   scripts/fuzz.sh TARGET SECONDS [extra libFuzzer flags…]
# Targets are fuzz/targets/TARGET.swift. Seeds: fuzz/corpus/TARGET/ (kept in the repo, read
# only); inputs the run finds go to .build/fuzz/corpus-TARGET/ and are reused by the next run.
# Crashes, leaks and timeouts: fuzz/crashes/TARGET/ (turn each into a regression test).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh TARGET SECONDS}
seconds=${2:?usage: scripts/fuzz.sh TARGET SECONDS}
shift 2
if ! command -v swiftc >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swiftc ]]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi
build=.build/fuzz
mkdir -p "$build" "$build/corpus-$target" "fuzz/corpus/$target" "fuzz/crashes/$target"
flags=(-O -g -sanitize=fuzzer,address -parse-as-library -wmo -swift-version 6 -package-name PolicyLang)

# Each module is compiled whole into one object, as SwiftPM would, but instrumented.
swiftc "${flags[@]}" -module-name PolicyRuntime -emit-module -emit-module-path "$build/PolicyRuntime.swiftmodule" \
  -c $(find Sources/PolicyRuntime -name '*.swift' | sort) -o "$build/PolicyRuntime.o"
swiftc "${flags[@]}" -I "$build" -module-name PolicyLang -emit-module -emit-module-path "$build/PolicyLang.swiftmodule" \
  -c $(find Sources/PolicyLang -name '*.swift' | sort) -o "$build/PolicyLang.o"
swiftc "${flags[@]}" -I "$build" -module-name "Fuzz_$target" "fuzz/targets/$target.swift" \
  "$build/PolicyRuntime.o" "$build/PolicyLang.o" -o "$build/fuzz-$target"

# Leaks are failures, except the one-time plan each target keeps in a global (see the file).
export LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
# -timeout: one input taking over 10 s is a hang; -rss_limit_mb: memory blow-ups are failures.
exec "$build/fuzz-$target" "$build/corpus-$target" "fuzz/corpus/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
  -max_len=65536 -artifact_prefix="fuzz/crashes/$target/" -print_final_stats=1 "$@"
