-- wrk script: /api/search over the peer harness's queries (its queries file, see
-- docs/BENCHMARKS.md, "The peer harness, with erfa's column"), each on pages 1 to 3:
-- 720 distinct requests for its 240 queries, more than the result cache keeps (512), so
-- every request is searched afresh. wrk's two threads start half the list apart, so
-- neither finds the other's answers kept. The paths come from harness-fresh.py:
--   python3 benches/http/harness-fresh.py /tmp/q10k.jsonl > /tmp/fresh-paths.txt
--   ERFA_PATHS=/tmp/fresh-paths.txt wrk -t2 -c64 -d10s --latency \
--     -s benches/http/harness-fresh.lua http://127.0.0.1:18181
local paths = {}
for line in io.lines(os.getenv("ERFA_PATHS") or "/tmp/fresh-paths.txt") do
  paths[#paths + 1] = line
end
local threads = 0
setup = function(thread)
  thread:set("start", threads * math.floor(#paths / 2))
  threads = threads + 1
end
local i = 0
init = function(args)
  i = start or 0
end
request = function()
  i = i + 1
  if i > #paths then i = 1 end
  return wrk.format("GET", paths[i])
end
