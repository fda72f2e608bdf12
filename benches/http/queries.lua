-- The mixed query list of the HTTP benchmarks (Danish, English, phrases, a filter, a typo)
-- and URL encoding, loaded by the wrk scripts here with dofile from the repository root.
local queries = {"hændelse", "change", "incident", "cab", "nedbrud", "leverandør", "service desk",
  "problem management", "ændring", "monitoring", "kind:mistake change", "outage", "vagt",
  "backup restore", "release", "\"change freeze\"", "servcie", "beredskabsplan", "sla", "tools"}
local function enc(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
return {queries = queries, enc = enc}
