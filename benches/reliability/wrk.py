"""Runs wrk and reads its --latency report (docs/BENCHMARKS.md)."""

import os
import re
import subprocess

import common as c

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(m.group(1)) * UNITS[m.group(2)] if m else float("nan")


def run(port, path="/", script=None, threads=2, connections=64, seconds=30, env=None, timeout_s=None):
    """wrk against http://127.0.0.1:port/path; a dict of the figures and the raw report."""
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if timeout_s:
        cmd.append(f"--timeout={timeout_s}s")
    if script:
        cmd += ["-s", script]
    cmd.append(f"http://127.0.0.1:{port}{path}")
    full_env = dict(os.environ)
    full_env.update(env or {})
    out = subprocess.run(cmd, cwd=c.ROOT, env=full_env, capture_output=True, text=True,
                         timeout=seconds + 120).stdout
    r = {"report": out, "requests_per_s": 0.0, "requests": 0, "non2xx": 0,
         "socket_errors": {"connect": 0, "read": 0, "write": 0, "timeout": 0}}
    for pct in ("50", "75", "90", "99"):
        m = re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", out, re.M)
        r[f"p{pct}"] = _ms(m.group(1)) if m else float("nan")
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if m:
        r["requests_per_s"] = float(m.group(1))
    m = re.search(r"(\d+) requests in", out)
    if m:
        r["requests"] = int(m.group(1))
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if m:
        r["non2xx"] = int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        r["socket_errors"] = dict(zip(("connect", "read", "write", "timeout"), map(int, m.groups())))
    return r


def line(name, r):
    e = r["socket_errors"]
    return (f"{name:<22} {r['requests_per_s']:>9.0f} req/s  p50 {r['p50']:7.2f} ms  p99 {r['p99']:7.2f} ms  "
            f"non-2xx {r['non2xx']}  socket errors {sum(e.values())} "
            f"(connect {e['connect']}, read {e['read']}, write {e['write']}, timeout {e['timeout']})")
