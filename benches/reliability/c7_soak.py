#!/usr/bin/env python3
"""C7 soak: a steady mixed load against `erfa serve` for --minutes (default 120).

--clients keep-alive connections search (words of the benchmark query list, pages 1 to
5) and load pages (home, browse, write-ups) at about --rate requests a second in all,
and every --edit-every seconds a write-up is written into the content folder (a new one,
an edit, or now and then a deletion), which the watcher indexes. Every --sample seconds
the script reads the server's RSS (/proc/PID/status), open file descriptors, mapped
regions and those of deleted files (/proc/PID/maps), and the segments of both indexes
(meta.json).

Pass: no errors (every answer 2xx/3xx, every write-up written found by its own word at
the end); erfa runs throughout; over the last half of the run RSS grows less than
--rss-growth (10 %) along its least-squares line, open fds stay within --fd-slack (5)
of the first sample of that half, mapped regions of deleted files stay <= 50 and
segments <= 16 in each index at every sample.

docs/RELIABILITY.md (C7) and docs/BENCHMARKS.md ("Reliability runs on demand").
"""

import asyncio
import os
import random
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as c  # noqa: E402
from httpload import Conn  # noqa: E402

QUERIES = ["hændelse", "change", "incident", "cab", "nedbrud", "leverandør", "service desk",
           "problem management", "ændring", "monitoring", "kind:mistake change", "outage",
           "vagt", "backup restore", "release", "\"change freeze\"", "servcie", "beredskabsplan"]


def steady_growth(points):
    """Growth over the span of `points` (t, value) along their least-squares line, as a
    share of their mean: one sample's ups and downs (caches filling and emptying) do not
    count, a steady climb does."""
    n = len(points)
    if n < 2:
        return 0.0
    mt = sum(t for t, _ in points) / n
    mv = sum(v for _, v in points) / n
    var = sum((t - mt) ** 2 for t, _ in points)
    slope = sum((t - mt) * (v - mv) for t, v in points) / var if var else 0.0
    return slope * (points[-1][0] - points[0][0]) / mv


def main():
    p = c.parser(__doc__)
    p.add_argument("--minutes", type=float, default=120.0, help="length of the run (default 120)")
    p.add_argument("--clients", type=int, default=4, help="keep-alive connections (default 4)")
    p.add_argument("--rate", type=float, default=100.0, help="requests per second in all (default 100)")
    p.add_argument("--edit-every", type=float, default=10.0, help="seconds between writes (default 10)")
    p.add_argument("--sample", type=float, default=30.0, help="seconds between samples (default 30)")
    p.add_argument("--rss-growth", type=float, default=0.10, help="RSS growth allowed in the last half (default 0.10)")
    p.add_argument("--fd-slack", type=int, default=5, help="open fds allowed off in the last half (default 5)")
    p.add_argument("--max-deleted-maps", type=int, default=50, help="mapped regions of deleted files (default 50)")
    p.add_argument("--max-segments", type=int, default=16, help="segments of either index (default 16)")
    p.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    a = p.parse_args()
    rng = random.Random(a.seed)
    erfa = c.binary(a.erfa)
    src = a.content or c.corpus(a.size)
    work = c.workdir("c7", keep=a.keep)
    content = c.copy_corpus(src, os.path.join(work, "content"))
    data = os.path.join(work, "data")
    index_dir = os.path.join(data, "index")
    server = c.Server(erfa, content, data).start()
    c.log(f"C7: {a.minutes:g} min, port {server.port}, work {work}, load {c.load_average()}")
    if not server.wait_ready():
        return c.verdict([f"erfa serve did not become ready; see {server.log_path}"])
    server.settle()
    slugs = []
    for q in ("change", "incident", "hændelse", "problem"):
        _, body = c.get_json(server.port, "/api/search?per_page=5&q=" + urllib.parse.quote(q))
        slugs += [h["slug"] for h in (body or {}).get("hits", [])]
    pages = ["/", "/browse", "/?q=incident"] + [f"/w/{s}" for s in dict.fromkeys(slugs)]
    pool = sorted(os.path.join(d, f) for d, _, fs in os.walk(content) for f in fs
                  if f.endswith(".md"))
    pool = [f for f in pool if "\nstatus: published\n" in open(f, encoding="utf-8").read()]
    staging = os.path.join(work, "staging")
    os.makedirs(staging)
    folder = os.path.join(content, "soak")
    os.makedirs(folder)
    written, deleted = {}, []
    counts = {"requests": 0, "errors": [], "writes": 0}
    samples = []
    end = time.monotonic() + a.minutes * 60.0
    t_start = time.monotonic()

    def put(path, text):
        tmp = os.path.join(staging, "next.md")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)

    def one_write():
        counts["writes"] += 1
        n = counts["writes"]
        roll = rng.random()
        if roll < 0.5 or not written:
            word = f"soakmarker{n}"
            with open(rng.choice(pool), encoding="utf-8") as f:
                text = f.read()
            head, sep, body = text.partition("\n---\n")
            head = "\n".join(f"title: Soak {n}" if line.startswith("title: ") else line
                             for line in head.split("\n"))
            path = os.path.join(folder, f"soak-{n}.md")
            put(path, head + sep + body + f"\n\nMarker {word}.\n")
            written[word] = path
        elif roll < 0.9:
            path = written[rng.choice(sorted(written))]
            with open(path, encoding="utf-8") as f:
                text = f.read()
            put(path, text + f"\nEdit {n}.\n")
        else:
            word = rng.choice(sorted(written))
            os.remove(written.pop(word))
            deleted.append(word)

    def sample():
        maps, deleted_maps = c.mmaps(server.pid)
        s = {"t": time.monotonic() - t_start, "rss": c.proc_status(server.pid, "VmRSS"),
             "anon": c.proc_status(server.pid, "RssAnon"),
             "fds": c.open_fds(server.pid), "maps": maps, "deleted_maps": deleted_maps,
             "segments": c.segments(index_dir), "requests": counts["requests"],
             "writes": counts["writes"], "load": c.load_average()}
        samples.append(s)
        c.log(f"t {s['t'] / 60:5.1f} min  RSS {s['rss'] / 1024:6.1f} MiB (anon {s['anon'] / 1024:6.1f})  fds {s['fds']:4}  "
              f"maps {s['maps']:5} ({s['deleted_maps']} deleted)  segments {s['segments'][0]:2}+{s['segments'][1]:<2}  "
              f"requests {s['requests']:7}  writes {s['writes']:4}  load {s['load']}")

    async def client(k):
        conn = Conn(server.port)
        per = a.clients / a.rate
        i = k
        while time.monotonic() < end:
            i += 1
            if i % 3 == 0:
                path = pages[i % len(pages)]
            else:
                path = "/api/search?q=" + urllib.parse.quote(QUERIES[i % len(QUERIES)]) + f"&page={1 + i % 5}"
            t0 = time.monotonic()
            try:
                ans = await conn.get(path, timeout=30.0)
                counts["requests"] += 1
                if ans.status >= 400:
                    counts["errors"].append(f"{path}: {ans.status}")
            except Exception as e:  # noqa: BLE001 - counted as an error
                counts["errors"].append(f"{path}: {type(e).__name__}")
                conn.close()
            await asyncio.sleep(max(0.0, per - (time.monotonic() - t0)))
        conn.close()

    async def editor():
        while time.monotonic() < end:
            await asyncio.sleep(a.edit_every)
            one_write()

    async def sampler():
        sample()
        while time.monotonic() < end:
            await asyncio.sleep(min(a.sample, max(0.0, end - time.monotonic())))
            if not server.alive():
                return
            sample()

    async def run():
        await asyncio.gather(sampler(), editor(), *[client(k) for k in range(a.clients)])

    asyncio.run(run())
    failures = []
    if not server.alive():
        failures.append(f"erfa serve ended (exit {server.proc.returncode}); see {server.log_path}")
        return c.verdict(failures)
    server.settle(quiet=2.0)
    for word in written:
        _, body = c.get_json(server.port, f"/api/search?q={word}&literal=1")
        if (body or {}).get("total") != 1:
            failures.append(f"written write-up {word}: {(body or {}).get('total')} hits (want 1)")
    for word in deleted:
        _, body = c.get_json(server.port, f"/api/search?q={word}&literal=1")
        if (body or {}).get("total") != 0:
            failures.append(f"deleted write-up {word}: {(body or {}).get('total')} hits (want 0)")
    half = [s for s in samples if s["t"] >= samples[-1]["t"] / 2]
    first, last = half[0], half[-1]
    growth = steady_growth([(s["t"], s["rss"]) for s in half])
    fd_range = (min(s["fds"] for s in half) - first["fds"], max(s["fds"] for s in half) - first["fds"])
    print()
    print(f"{a.minutes:g} min: {counts['requests']} requests ({counts['requests'] / (a.minutes * 60):.0f}/s), "
          f"{len(counts['errors'])} errors, {counts['writes']} writes ({len(written)} new write-ups kept, "
          f"{len(deleted)} deleted)")
    print(f"RSS MiB: start {samples[0]['rss'] / 1024:.1f}, half {first['rss'] / 1024:.1f}, end {last['rss'] / 1024:.1f}, "
          f"max {max(s['rss'] for s in samples) / 1024:.1f}; steady growth over the last half {growth * 100:+.1f} % (first to last sample {(last['rss'] - first['rss']) / first['rss'] * 100:+.1f} %)")
    anon = steady_growth([(s["t"], s["anon"]) for s in half])
    print(f"private memory (RssAnon) MiB: start {samples[0]['anon'] / 1024:.1f}, end {last['anon'] / 1024:.1f}; "
          f"steady growth over the last half {anon * 100:+.1f} %")
    print(f"fds: start {samples[0]['fds']}, last half {first['fds']} {fd_range[0]:+}/{fd_range[1]:+}; "
          f"maps max {max(s['maps'] for s in samples)}, deleted max {max(s['deleted_maps'] for s in samples)}; "
          f"segments (full, public) max {max(max(s['segments']) for s in samples)}, end {last['segments']}")
    print(f"load average: {c.load_average()}")
    if counts["errors"]:
        failures.append(f"{len(counts['errors'])} errors, e.g. {counts['errors'][:5]}")
    if growth > a.rss_growth:
        failures.append(f"RSS grew {growth * 100:.1f} % over the last half (bound {a.rss_growth * 100:.0f} %)")
    if max(abs(x) for x in fd_range) > a.fd_slack:
        failures.append(f"open fds moved {fd_range} in the last half (bound ±{a.fd_slack})")
    if max(s["deleted_maps"] for s in samples) > a.max_deleted_maps:
        failures.append(f"{max(s['deleted_maps'] for s in samples)} mapped regions of deleted files")
    if max(max(s["segments"]) for s in samples) > a.max_segments:
        failures.append(f"{max(max(s['segments']) for s in samples)} segments in one index")
    if len(samples) < 3:
        failures.append("fewer than 3 samples: run longer")
    return c.verdict(failures)


if __name__ == "__main__":
    sys.exit(main())
