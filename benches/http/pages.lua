-- wrk script: the HTML pages in turn: the home page, the browse page, a search page and
-- write-up pages. The write-ups are named by ERFA_SLUGS (slugs separated by commas), e.g.
-- as benches/reliability/c1_baseline.py sets it. Run from the repository root:
--   ERFA_SLUGS=change/000001-a,cab/000002-b \
--   wrk -t2 -c64 -d30s --latency -s benches/http/pages.lua http://127.0.0.1:18181
local q = dofile("benches/http/queries.lua")
local paths = {"/", "/browse", "/?q=" .. q.enc("incident")}
for slug in string.gmatch(os.getenv("ERFA_SLUGS") or "", "[^,]+") do
  paths[#paths + 1] = "/w/" .. slug
end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
