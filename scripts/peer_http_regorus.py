"""A minimal HTTP wrapper around regorus (Microsoft's Rego engine, the `celine-regorus` wheel)
deciding the W1 policy, for comparing `policyc serve` with a peer over HTTP on the same wrk load
(docs/serve.md, "Speed"): POST /v1/decide takes a W1 request in our request format and answers
{"allow": bool}. With --noop it answers without deciding: the floor of this wrapper's HTTP.

    python3 scripts/peer_http_regorus.py --bench ../shared/bench --data DATA --port 8282 [--noop]

Python's standard library HTTP server, one request at a time; the rule is the shared bench's
(../shared/bench/policy_model.py), so the decisions are the ones the peers were measured on."""
import argparse
import http.server
import json
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--bench", required=True)
parser.add_argument("--data", required=True)
parser.add_argument("--port", type=int, default=8282)
parser.add_argument("--noop", action="store_true")
arguments = parser.parse_args()
sys.path.insert(0, arguments.bench)
import policy_model as pm  # noqa: E402
import regorus  # noqa: E402

policy = pm.load_policy(arguments.data + "/policy_1000.json")
engine = regorus.Engine()
engine.add_policy("policy.rego", pm.REGO_POLICY)
engine.add_data_json(json.dumps(pm.rego_data(policy)))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in separate writes: without this, 40 ms of delayed ACK each

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if arguments.noop:
            answer = b'{"allow":false}'
        else:
            request = json.loads(body)
            engine.set_input({"role": request["user"]["role"], "model": request["model"], "feature": request["feature"],
                              "context_size": request["context_tokens"], "prompt": request.get("prompt", "")})
            answer = b'{"allow":true}' if engine.eval_rule(pm.REGO_RULE) else b'{"allow":false}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


# One thread: regorus's Engine is not shared across threads, and the GIL would serialise them anyway.
http.server.HTTPServer(("127.0.0.1", arguments.port), Handler).serve_forever()
