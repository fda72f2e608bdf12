-- wrk script: tantivy-cli serve (/api) over the queries of queries.lua (the filter
-- `kind:mistake` becomes a plain word: that index has no such field), in turn. Run from
-- the repository root:
--   wrk -t2 -c64 -d30s --latency -s benches/http/tantivy-cli.lua http://127.0.0.1:18282
local q = dofile("benches/http/queries.lua")
local i = 0
request = function()
  i = i + 1
  local query = q.queries[(i % #q.queries) + 1]:gsub("kind:mistake", "mistake")
  return wrk.format("GET", "/api?nhits=10&q=" .. q.enc(query))
end
