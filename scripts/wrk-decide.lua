-- wrk script for `policyc serve`: POSTs the requests of a JSON Lines file to /v1/decide in turn,
-- each wrk thread starting at its own offset. Usage:
--   wrk -t2 -c64 -d10s --latency -s scripts/wrk-decide.lua http://127.0.0.1:8181 -- REQUESTS.jsonl
local bodies = {}
local counter = 0

function init(args)
  local path = args[1] or "w1-requests.jsonl"
  for line in io.lines(path) do
    if #line > 0 then bodies[#bodies + 1] = line end
  end
  counter = math.random(#bodies)
end

function request()
  counter = counter % #bodies + 1
  return wrk.format("POST", "/v1/decide", { ["Content-Type"] = "application/json" }, bodies[counter])
end
