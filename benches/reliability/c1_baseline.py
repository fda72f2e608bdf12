#!/usr/bin/env python3
"""C1 baseline: wrk against a release `erfa serve` on loopback, search and pages.

Starts `erfa serve` (local mode) on a copy of the generated corpus and runs, one after
the other, `wrk -t2 -c64 --latency` with benches/http/search.lua (20 mixed queries, the
result cache warm), benches/http/search-cold.lua (600 distinct requests, searched
afresh) and benches/http/pages.lua (the home page, browse, a search page and 20
write-up pages), each for --seconds.

Pass: no socket errors and no answers other than 2xx/3xx in any run; searches
(warm and afresh) p99 < --search-p99 ms at >= --search-rate requests/s; pages
p99 < --pages-p99 ms.

docs/RELIABILITY.md (C1) and docs/BENCHMARKS.md ("Reliability runs on demand").
"""

import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as c  # noqa: E402
import wrk  # noqa: E402


def main():
    p = c.parser(__doc__)
    p.add_argument("--seconds", type=int, default=30, help="seconds per wrk run (default 30)")
    p.add_argument("--connections", type=int, default=64, help="wrk connections (default 64)")
    p.add_argument("--search-p99", type=float, default=50.0, help="search p99 bound, ms (default 50)")
    p.add_argument("--search-rate", type=float, default=1000.0, help="least search requests/s (default 1000)")
    p.add_argument("--pages-p99", type=float, default=100.0, help="pages p99 bound, ms (default 100)")
    a = p.parse_args()
    erfa = c.binary(a.erfa)
    src = a.content or c.corpus(a.size)
    work = c.workdir("c1", keep=a.keep)
    content = c.copy_corpus(src, os.path.join(work, "content"))
    server = c.Server(erfa, content, os.path.join(work, "data")).start()
    c.log(f"C1: corpus {src}, port {server.port}, load {c.load_average()}")
    if not server.wait_ready():
        return c.verdict([f"erfa serve did not become ready; see {server.log_path}"])
    server.settle()
    slugs = []
    for q in ("change", "incident", "hændelse", "problem"):
        _, body = c.get_json(server.port, "/api/search?per_page=5&q=" + urllib.parse.quote(q))
        slugs += [h["slug"] for h in (body or {}).get("hits", [])]
    env = {"ERFA_SLUGS": ",".join(dict.fromkeys(slugs))}
    runs = [
        ("search (cache warm)", "benches/http/search.lua", "search"),
        ("search (afresh)", "benches/http/search-cold.lua", "search"),
        ("pages", "benches/http/pages.lua", "pages"),
    ]
    failures = []
    results = []
    for name, script, kind in runs:
        load = c.load_average()
        r = wrk.run(server.port, script=os.path.join(c.ROOT, script), connections=a.connections,
                    seconds=a.seconds, env=env)
        rss = c.proc_status(server.pid, "VmRSS")
        results.append((name, r))
        print(wrk.line(name, r) + f"  load {load}  RSS {rss / 1024:.0f} MiB", flush=True)
        errors = sum(r["socket_errors"].values())
        if r["requests"] == 0:
            failures.append(f"{name}: wrk made no requests:\n{r['report']}")
            continue
        if errors or r["non2xx"]:
            failures.append(f"{name}: {errors} socket errors, {r['non2xx']} non-2xx/3xx answers")
        bound = a.search_p99 if kind == "search" else a.pages_p99
        if not r["p99"] < bound:
            failures.append(f"{name}: p99 {r['p99']:.2f} ms, bound {bound} ms")
        if kind == "search" and r["requests_per_s"] < a.search_rate:
            failures.append(f"{name}: {r['requests_per_s']:.0f} requests/s, bound {a.search_rate:.0f}")
    if not server.alive():
        failures.append("erfa serve ended during the runs")
    print(f"load average after: {c.load_average()}")
    return c.verdict(failures)


if __name__ == "__main__":
    sys.exit(main())
