-- wrk script: /api/search over 20 mixed queries (Danish, English, phrases, filters, a
-- typo), in turn. Repeated queries: measures erfa with its result cache warm.
--   wrk -t2 -c64 -d30s --latency -s benches/http/search.lua http://127.0.0.1:18181
local queries = {"hændelse", "change", "incident", "cab", "nedbrud", "leverandør", "service desk",
  "problem management", "ændring", "monitoring", "kind:mistake change", "outage", "vagt",
  "backup restore", "release", "\"change freeze\"", "servcie", "beredskabsplan", "sla", "tools"}
local function enc(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/search?q=" .. enc(queries[(i % #queries) + 1]))
end
