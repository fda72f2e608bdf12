-- wrk script: /api/search over the peer harness's queries (its queries file, see
-- docs/BENCHMARKS.md, "The peer harness, with erfa's column"), each on pages 1 to 3:
-- 720 requests for its 240 queries. The harness repeats 18 of its queries, so 666 of the
-- requests are distinct, more than the result cache keeps (512): the repeats may be
-- answered from the cache, the rest are searched afresh. wrk's threads start evenly
-- apart in the list, so none finds another's answers kept; set ERFA_WRK_THREADS to wrk's
-- -t (default 2). The paths come from harness-fresh.py; wrk runs on without a script when
-- the paths file cannot be read, so check that it exists first:
--   python3 benches/http/harness-fresh.py /tmp/q10k.jsonl > /tmp/fresh-paths.txt
--   ERFA_PATHS=/tmp/fresh-paths.txt wrk -t2 -c64 -d10s --latency \
--     -s benches/http/harness-fresh.lua http://127.0.0.1:18181
local paths = {}
for line in io.lines(os.getenv("ERFA_PATHS") or "/tmp/fresh-paths.txt") do
  paths[#paths + 1] = line
end
local spread = tonumber(os.getenv("ERFA_WRK_THREADS") or "2")
local threads = 0
setup = function(thread)
  thread:set("start", (threads % spread) * math.floor(#paths / spread))
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
