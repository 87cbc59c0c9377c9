"""µs per decision through the C library from Python (ctypes), beside nothing else:

    POLICYLANG_LIBRARY=.build/release/libpolicy_runtime.so python3 bindings/python/bench.py DIR/w1.json DIR/w1-requests.jsonl

(`policyc-bench runtime --data DATA --only w1 --write DIR` writes both.) Prints the median and p99
of 5 rounds over the requests, and the same for an empty ctypes call, the floor of any binding."""
import ctypes
import statistics
import sys
import time

sys.path.insert(0, __import__("os").path.dirname(__file__))
import policylang  # noqa: E402

plan = policylang.Plan.from_file(sys.argv[1])
with open(sys.argv[2], "rb") as file:
    requests = [line for line in file.read().split(b"\n") if line][:10000]

for request in requests[:1000]:
    plan.decide_json(request)
rounds = []
for _ in range(5):
    start = time.perf_counter_ns()
    for request in requests:
        plan.decide_json(request)
    rounds.append((time.perf_counter_ns() - start) / len(requests) / 1000)
floor = []
version = policylang._lib.policy_runtime_version
for _ in range(5):
    start = time.perf_counter_ns()
    for _ in range(len(requests)):
        version()
    floor.append((time.perf_counter_ns() - start) / len(requests) / 1000)
print("decide_json via ctypes: %.2f µs/decision (median of 5 rounds of %d; rounds %s)"
      % (statistics.median(rounds), len(requests), ", ".join("%.2f" % r for r in rounds)))
print("an empty ctypes call:   %.2f µs" % statistics.median(floor))
