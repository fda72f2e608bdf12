-- wrk script: tantivy-cli serve (/api) over the queries of search.lua (the filter
-- `kind:mistake` becomes a plain word: that index has no such field), in turn.
--   wrk -t2 -c64 -d30s --latency -s benches/http/tantivy-cli.lua http://127.0.0.1:18282
local queries = {"hændelse", "change", "incident", "cab", "nedbrud", "leverandør", "service desk",
  "problem management", "ændring", "monitoring", "mistake change", "outage", "vagt",
  "backup restore", "release", "\"change freeze\"", "servcie", "beredskabsplan", "sla", "tools"}
local function enc(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api?nhits=10&q=" .. enc(queries[(i % #queries) + 1]))
end
