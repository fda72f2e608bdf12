#!/usr/bin/env python3
"""Search under write churn: memory and throughput of `erfa serve` while files change.

Starts `erfa serve` on a content folder (its index already built in the data folder, or
built on the first start), loads it with wrk (`--connections` connections searching the
queries in turn for `--seconds`) while one write-up gets a line appended every
`--every` seconds, and samples the server's private memory (RssAnon) and peak (VmHWM)
from /proc every 0.5 s. With `--baseline` the same load runs first without edits, so the
throughput ratio is measured in one run. Loopback only; the server is stopped at the end.

    cargo build --release --locked
    python3 benches/http/churn.py --content /tmp/c10k --data /tmp/c10k-data --baseline

The queries are benches/http/queries.lua's 20 by default, or the `q` field of each line
of a JSON-lines file (`--queries`), the first 200. The edited write-up is copied into the
content folder as `zz-churn/churn.md` and removed at the end. Exit status 0; the figures
are printed as a table (and as JSON with `--json`).
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def default_queries():
    text = open(os.path.join(HERE, "queries.lua"), encoding="utf-8").read()
    block = text[text.index("{") + 1 : text.index("}")]
    return re.findall(r'"((?:[^"\\]|\\.)*)"', block)


def read_queries(path):
    if path is None:
        return [q.replace('\\"', '"') for q in default_queries()]
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                out.append(json.loads(line)["q"])
    return out[:200]


def lua_script(queries, path):
    items = ",\n".join(json.dumps(q, ensure_ascii=False) for q in queries)
    with open(path, "w", encoding="utf-8") as f:
        f.write(
            "local queries = {\n" + items + "\n}\n"
            "local function enc(s)\n"
            "  return (s:gsub('[^%w%-_%.~]', function(c) return string.format('%%%02X', string.byte(c)) end))\n"
            "end\n"
            "local i = 0\n"
            "request = function()\n"
            "  i = i + 1\n"
            "  return wrk.format('GET', '/api/search?q=' .. enc(queries[(i % #queries) + 1]))\n"
            "end\n"
        )


def proc_status(pid):
    fields = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("RssAnon", "VmHWM", "VmRSS"):
                    fields[key] = int(value.split()[0]) // 1024
    except FileNotFoundError:
        pass
    return fields


def wait_healthy(url, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/api/health", timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:
            pass
        time.sleep(0.2)
    sys.exit(f"the server did not answer at {url} within {timeout} s")


def wrk(url, script, connections, seconds):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: (.*)", out)
    return {
        "req_per_s": rate,
        "p99_ms": float(p99.group(1)) * scale,
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket.group(1) if socket else "none",
    }


def run(args, pid, url, script, edit):
    samples = []
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            samples.append(proc_status(pid))
            stop.wait(0.5)

    edits = [0]

    def editor():
        path = os.path.join(args.content, "zz-churn", "churn.md")
        while not stop.is_set():
            with open(path, "a", encoding="utf-8") as f:
                f.write(f"\nEdit {edits[0]} churn word{edits[0] % 50}.\n")
            edits[0] += 1
            stop.wait(args.every)

    threads = [threading.Thread(target=sample)]
    if edit:
        threads.append(threading.Thread(target=editor))
    for t in threads:
        t.start()
    try:
        result = wrk(url, script, args.connections, args.seconds)
    finally:
        stop.set()
        for t in threads:
            t.join()
    anon = [s["RssAnon"] for s in samples if "RssAnon" in s]
    result["rss_anon_start_mb"] = anon[0] if anon else None
    result["rss_anon_peak_mb"] = max(anon) if anon else None
    result["rss_anon_end_mb"] = anon[-1] if anon else None
    result["vm_hwm_mb"] = samples[-1].get("VmHWM") if samples else None
    result["edits"] = edits[0]
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--content", required=True, help="content folder (e.g. a generated corpus)")
    p.add_argument("--data", required=True, help="data folder (kept between runs)")
    p.add_argument("--erfa", default=os.path.join(ROOT, "target", "release", "erfa"), help="the erfa binary")
    p.add_argument("--port", type=int, default=18191)
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--seconds", type=int, default=120)
    p.add_argument("--every", type=float, default=0.2, help="seconds between edits")
    p.add_argument("--queries", help="JSON-lines file with a `q` per line (first 200 used)")
    p.add_argument("--baseline", action="store_true", help="first run the same load without edits")
    p.add_argument("--settle", type=int, default=20, help="seconds to watch memory after the edits stop")
    p.add_argument("--json", action="store_true")
    p.add_argument("--serve-arg", action="append", default=[], help="extra argument for erfa serve")
    args = p.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    if not os.path.exists(args.erfa):
        sys.exit(f"{args.erfa} is missing: cargo build --release --locked")

    churn_dir = os.path.join(args.content, "zz-churn")
    os.makedirs(churn_dir, exist_ok=True)
    with open(os.path.join(churn_dir, "churn.md"), "w", encoding="utf-8") as f:
        f.write(
            "---\ntitle: Churn\nkind: lesson\npractices: [change-enablement]\nlanguage: en\n"
            "date: 2026-01-01\nstatus: published\nvisibility: members\n---\n## Lesson learned\n\nStart.\n"
        )
    script = tempfile.NamedTemporaryFile(suffix=".lua", delete=False).name
    lua_script(read_queries(args.queries), script)
    url = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [args.erfa, "serve", "--content", args.content, "--data", args.data,
         "--bind", f"127.0.0.1:{args.port}", *args.serve_arg],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results = {}
    try:
        wait_healthy(url, 600)
        time.sleep(2)
        if args.baseline:
            results["without_edits"] = run(args, server.pid, url, script, edit=False)
        results["with_edits"] = run(args, server.pid, url, script, edit=True)
        settle = []
        for _ in range(args.settle * 2):
            settle.append(proc_status(server.pid).get("RssAnon"))
            time.sleep(0.5)
        results["rss_anon_after_settle_mb"] = settle[-1] if settle else None
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(churn_dir, ignore_errors=True)
        os.unlink(script)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"| run | req/s | p99 ms | RssAnon start / peak / end MB | VmHWM MB | edits | non-2xx |")
    print("|---|---:|---:|---|---:|---:|---:|")
    for name in ("without_edits", "with_edits"):
        r = results.get(name)
        if r:
            print(
                f"| {name.replace('_', ' ')} | {r['req_per_s']:,.0f} | {r['p99_ms']:.1f} | "
                f"{r['rss_anon_start_mb']} / {r['rss_anon_peak_mb']} / {r['rss_anon_end_mb']} | "
                f"{r['vm_hwm_mb']} | {r['edits']} | {r['non_2xx']} |"
            )
    if "without_edits" in results:
        ratio = results["with_edits"]["req_per_s"] / results["without_edits"]["req_per_s"]
        print(f"\nthroughput with edits: {ratio:.0%} of without")
    print(f"RssAnon {args.settle} s after the edits stopped: {results['rss_anon_after_settle_mb']} MB")


if __name__ == "__main__":
    main()
