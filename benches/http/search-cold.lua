-- wrk script: /api/search over the queries of queries.lua, each on pages 1 to 30: 600
-- distinct requests in turn, more than the result cache keeps (512), so nearly every
-- request is searched afresh. Run from the repository root:
--   wrk -t2 -c64 -d30s --latency -s benches/http/search-cold.lua http://127.0.0.1:18181
local q = dofile("benches/http/queries.lua")
local i = 0
request = function()
  i = i + 1
  local query = q.queries[(i % #q.queries) + 1]
  local page = (math.floor(i / #q.queries) % 30) + 1
  return wrk.format("GET", "/api/search?q=" .. q.enc(query) .. "&page=" .. page)
end
