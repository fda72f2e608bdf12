#!/usr/bin/env python3
"""B7 leftovers: `erfa serve` killed with SIGKILL at random moments, then restarted.

Each cycle starts `erfa serve` on the same data folder, writes a few write-ups into the
content folder while it indexes and serves (new files, edits, deletions), and sends
SIGKILL at a random moment: during the start-up indexing, during a watcher commit, or
while idle. After the last cycle erfa starts once more and settles.

Pass: every start after a kill came up without help (no lock to remove); the index
folder is at most --max-ratio times the size of a fresh rebuild of the same content;
and the index equals the disk: the same number of write-ups as the fresh rebuild, the
same hit counts for the benchmark queries, every write-up written during the cycles
found by its own word, every deleted one gone; and no segment file is left that the
index's meta.json does not list (leftovers collected).

docs/RELIABILITY.md (B7) and docs/BENCHMARKS.md ("Reliability runs on demand").
"""

import os
import random
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as c  # noqa: E402

QUERIES = ["hændelse", "change", "incident", "cab", "nedbrud", "leverandør", "service desk",
           "problem management", "ændring", "monitoring", "kind:mistake change", "outage",
           "vagt", "backup restore", "release", "\"change freeze\"", "beredskabsplan", "sla"]


def main():
    p = c.parser(__doc__)
    p.add_argument("--cycles", type=int, default=20, help="kill/restart cycles (default 20)")
    p.add_argument("--up-min", type=float, default=0.3, help="least seconds before the kill (default 0.3)")
    p.add_argument("--up-max", type=float, default=8.0, help="most seconds before the kill (default 8)")
    p.add_argument("--writes", type=int, default=6, help="writes per cycle (default 6)")
    p.add_argument("--commit-every", type=int, default=200,
                   help="erfa serve --commit-every while catching up at start (default 200)")
    p.add_argument("--max-ratio", type=float, default=2.0, help="index size bound against a fresh rebuild (default 2)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: from the clock, printed)")
    a = p.parse_args()
    seed = a.seed if a.seed is not None else int(time.time())
    rng = random.Random(seed)
    erfa = c.binary(a.erfa)
    src = a.content or c.corpus(a.size)
    work = c.workdir("b7", keep=a.keep)
    content = c.copy_corpus(src, os.path.join(work, "content"))
    data = os.path.join(work, "data")
    index_dir = os.path.join(data, "index")
    c.log(f"B7: {a.cycles} cycles, seed {seed}, corpus {src}, work {work}, load {c.load_average()}")

    # Write-ups to copy front matter and text from: published ones.
    pool = []
    for dirpath, _, files in os.walk(content):
        for name in files:
            if name.endswith(".md"):
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                if "\nstatus: published\n" in text:
                    pool.append(path)
    pool.sort()
    written = {}   # word -> path of a write-up that must be found
    deleted = []   # words of write-ups deleted afterwards
    failures = []
    staging = os.path.join(work, "staging")
    os.makedirs(staging)
    counter = 0

    def put(path, text):
        tmp = os.path.join(staging, "next.md")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)

    def one_write():
        nonlocal counter
        counter += 1
        roll = rng.random()
        if roll < 0.5 or not written:
            word = f"bsyvleftover{counter}"
            base = rng.choice(pool)
            with open(base, encoding="utf-8") as f:
                text = f.read()
            head, sep, body = text.partition("\n---\n")
            lines = [line if not line.startswith("title: ") else f"title: Crash test {counter}"
                     for line in head.split("\n")]
            text = "\n".join(lines) + sep + body + f"\n\nMarker {word}.\n"
            folder = os.path.join(content, "b7")
            os.makedirs(folder, exist_ok=True)
            path = os.path.join(folder, f"crash-{counter}.md")
            put(path, text)
            written[word] = path
        elif roll < 0.8:
            word = rng.choice(sorted(written))
            path = written[word]
            with open(path, encoding="utf-8") as f:
                text = f.read()
            put(path, text + f"\nEdited in write {counter}.\n")
        else:
            word = rng.choice(sorted(written))
            os.remove(written.pop(word))
            deleted.append(word)

    sizes = []
    for cycle in range(1, a.cycles + 1):
        server = c.Server(erfa, content, data, extra=["--commit-every", str(a.commit_every)],
                          log_path=os.path.join(work, "serve.log")).start()
        up = rng.uniform(a.up_min, a.up_max)
        started = time.monotonic()
        write_at = sorted(rng.uniform(0, up) for _ in range(a.writes))
        for t in write_at:
            time.sleep(max(0.0, t - (time.monotonic() - started)))
            one_write()
        time.sleep(max(0.0, up - (time.monotonic() - started)))
        if not server.alive():
            failures.append(f"cycle {cycle}: erfa ended by itself (exit {server.proc.returncode}); see {server.log_path}")
            break
        ready_before_kill = c.get(server.port, "/api/health", timeout=0.5)[0] == 200
        server.kill9()
        size = c.dir_bytes(index_dir)
        sizes.append(size)
        lost = c.orphans(index_dir)
        c.log(f"cycle {cycle:2}: killed after {up:.1f} s ({'serving' if ready_before_kill else 'still starting'}), "
              f"index {size / 1e6:.1f} MB, segments (full, public) {c.segments(index_dir)}, "
              f"unlisted segment files {lost[0]} ({lost[1] / 1e6:.1f} MB)")

    # The last start: it must come up by itself and catch up with the folder.
    server = c.Server(erfa, content, data, log_path=os.path.join(work, "serve.log")).start()
    t0 = time.monotonic()
    if not server.wait_ready(timeout=300):
        failures.append(f"the start after the last kill did not become ready; see {server.log_path}")
        return c.verdict(failures)
    server.settle(quiet=3.0)
    c.log(f"final start ready in {time.monotonic() - t0:.1f} s")
    final_size = c.dir_bytes(index_dir)
    final_segments = c.segments(index_dir)
    final_orphans = c.orphans(index_dir)
    final = server.health().get("index") or {}

    def counts(port):
        out = {}
        for q in QUERIES + sorted(written) + deleted:
            # Marker words exactly as typed: a deleted one must not find its neighbour.
            literal = "&literal=1" if q.startswith("bsyv") else ""
            status, body = c.get_json(port, "/api/search?q=" + urllib.parse.quote(q) + literal)
            out[q] = body.get("total") if status == 200 and body else f"status {status}"
        return out

    got = counts(server.port)
    code = server.stop()
    if code != 0:
        failures.append(f"the last erfa serve stopped with exit status {code} on SIGTERM")

    # A fresh rebuild of the same content.
    fresh = os.path.join(work, "fresh")
    subprocess.run([erfa, "--content", content, "--data", fresh, "index", "--rebuild"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    fresh_size = c.dir_bytes(os.path.join(fresh, "index"))
    reference = c.Server(erfa, content, fresh, log_path=os.path.join(work, "fresh.log")).start()
    if not reference.wait_ready(timeout=300):
        failures.append("the fresh rebuild's erfa serve did not become ready")
        return c.verdict(failures)
    reference.settle(quiet=2.0)
    want = counts(reference.port)
    fresh_figures = reference.health().get("index") or {}
    reference.stop()

    ratio = final_size / fresh_size if fresh_size else float("inf")
    peak = max(sizes) if sizes else 0
    print()
    print(f"cycles: {len(sizes)}; writes: {counter} ({len(written)} new write-ups kept, {len(deleted)} deleted)")
    print(f"index after each kill: min {min(sizes) / 1e6:.1f} MB, max {peak / 1e6:.1f} MB" if sizes else "")
    print(f"index after the final start: {final_size / 1e6:.1f} MB, segments (full, public) {final_segments}; "
          f"fresh rebuild: {fresh_size / 1e6:.1f} MB; ratio {ratio:.2f} (peak after a kill {peak / fresh_size:.2f})")
    print(f"segment files no meta.json lists after the final start: {final_orphans[0]} "
          f"({final_orphans[1] / 1e6:.2f} MB)")
    print(f"write-ups: after the kills {final.get('writeups')}, fresh rebuild {fresh_figures.get('writeups')}")
    print(f"load average: {c.load_average()}")

    if ratio > a.max_ratio:
        failures.append(f"index {final_size} bytes is {ratio:.2f} x the fresh rebuild ({fresh_size} bytes)")
    if final_orphans[0]:
        failures.append(f"{final_orphans[0]} segment files left that no meta.json lists")
    if final.get("writeups") != fresh_figures.get("writeups"):
        failures.append(f"write-ups {final.get('writeups')} after the kills, {fresh_figures.get('writeups')} rebuilt")
    for q in QUERIES:
        if got[q] != want[q]:
            failures.append(f"query {q!r}: {got[q]} hits after the kills, {want[q]} rebuilt")
    for word in written:
        if got[word] != 1:
            failures.append(f"written write-up {word}: {got[word]} hits (want 1)")
    for word in deleted:
        if got[word] != 0:
            failures.append(f"deleted write-up {word}: {got[word]} hits (want 0)")
    return c.verdict(failures)


if __name__ == "__main__":
    sys.exit(main())
