-- wrk script: /api/search over the same 20 queries, each on pages 1 to 30: 600 distinct
-- requests in turn, more than the result cache keeps (512), so nearly every request is
-- searched afresh.
--   wrk -t2 -c64 -d30s --latency -s benches/http/search-cold.lua http://127.0.0.1:18181
local queries = {"hændelse", "change", "incident", "cab", "nedbrud", "leverandør", "service desk",
  "problem management", "ændring", "monitoring", "kind:mistake change", "outage", "vagt",
  "backup restore", "release", "\"change freeze\"", "servcie", "beredskabsplan", "sla", "tools"}
local function enc(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local i = 0
request = function()
  i = i + 1
  local q = queries[(i % #queries) + 1]
  local page = (math.floor(i / #queries) % 30) + 1
  return wrk.format("GET", "/api/search?q=" .. enc(q) .. "&page=" .. page)
end
