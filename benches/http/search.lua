-- wrk script: /api/search over the 20 mixed queries of queries.lua, in turn. Repeated
-- queries: measures erfa with its result cache warm. Run from the repository root:
--   wrk -t2 -c64 -d30s --latency -s benches/http/search.lua http://127.0.0.1:18181
local q = dofile("benches/http/queries.lua")
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/search?q=" .. q.enc(q.queries[(i % #q.queries) + 1]))
end
