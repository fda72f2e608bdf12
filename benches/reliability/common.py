"""What the reliability scripts share: the release binary, a generated corpus, an
`erfa serve` on loopback that is stopped whatever happens, and readings from /proc.

Python 3 standard library only. The scripts run from anywhere; paths are found from
this file. See docs/BENCHMARKS.md, "Reliability runs on demand".
"""

import argparse
import atexit
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TARGET = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
BINARY = os.path.join(TARGET, "release", "erfa")

_cleanups = []


def on_exit(fn):
    """Runs `fn` at exit, on SIGINT/SIGTERM too; the last registered runs first."""
    _cleanups.append(fn)


def _cleanup():
    while _cleanups:
        fn = _cleanups.pop()
        try:
            fn()
        except Exception as e:  # keep cleaning up the rest
            print(f"cleanup: {e}", file=sys.stderr)


atexit.register(_cleanup)


def _on_signal(signum, _frame):
    _cleanup()
    sys.exit(128 + signum)


signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def parser(doc):
    """The scripts' argument parser, with the options every one of them has: --size,
    --content, --erfa and --keep."""
    p = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", type=int, default=2000, help="generated write-ups (default 2000)")
    p.add_argument("--content", help="serve a copy of this content folder instead of the generated corpus")
    p.add_argument("--erfa", help="the erfa binary (default target/release/erfa)")
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    return p


def binary(path=None):
    """The release `erfa`; says how to build it when missing."""
    path = path or BINARY
    if not os.access(path, os.X_OK):
        sys.exit(f"no release binary at {path}: run `cargo build --release --locked` first")
    return path


def corpus(size, seed=2026):
    """The generated corpus of `size` write-ups in the benchmarks' cache (docs/BENCHMARKS.md,
    "Generated corpus"), made with the indexing benchmark when missing."""
    pattern = os.path.join(TARGET, "erfa-bench", f"corpus-n{size}-s{seed}-p20-g*")
    found = [d for d in sorted(glob.glob(pattern)) if os.path.exists(os.path.join(d, ".complete"))]
    if not found:
        if seed != 2026:
            sys.exit(f"no corpus {pattern}; only the default seed is made here")
        log(f"making the generated corpus of {size} write-ups (cargo bench --bench indexing)")
        subprocess.run(
            ["cargo", "bench", "--locked", "--bench", "indexing", "--",
             "--sizes", str(size), "--runs", "1", "--no-incremental"],
            cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        found = [d for d in sorted(glob.glob(pattern))
                 if os.path.exists(os.path.join(d, ".complete"))]
        if not found:
            sys.exit(f"the indexing benchmark made no corpus matching {pattern}")
    return found[-1]


def workdir(prefix, keep=False):
    """A temporary folder, removed at exit unless `keep`."""
    d = tempfile.mkdtemp(prefix=f"erfa-{prefix}-")
    if not keep:
        on_exit(lambda: shutil.rmtree(d, ignore_errors=True))
    return d


def copy_corpus(src, dst):
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".complete"))
    return dst


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path, timeout=10.0):
    """(status, headers, body) of GET http://127.0.0.1:port/path; status 0 on no answer."""
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()
    except (OSError, urllib.error.URLError):
        return 0, {}, b""


def get_json(port, path, timeout=10.0):
    status, _, body = get(port, path, timeout)
    if status == 0:
        return status, None
    try:
        return status, json.loads(body)
    except ValueError:
        return status, None


class Server:
    """`erfa --content C --data D serve --bind 127.0.0.1:PORT`, its log in `log_path`."""

    def __init__(self, erfa, content, data, port=None, extra=(), log_path=None):
        self.erfa, self.content, self.data = erfa, content, data
        self.port = port or free_port()
        self.extra = list(extra)
        self.log_path = log_path or os.path.join(os.path.dirname(data), f"serve-{self.port}.log")
        self.proc = None
        on_exit(self.stop)

    def start(self):
        logf = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [self.erfa, "--content", self.content, "--data", self.data, "serve",
             "--bind", f"127.0.0.1:{self.port}", *self.extra],
            stdout=logf, stderr=logf, stdin=subprocess.DEVNULL)
        logf.close()
        return self

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def wait_ready(self, timeout=300.0):
        """Until /api/health answers ready; False if the process ends or time runs out."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if not self.alive():
                return False
            status, body = get_json(self.port, "/api/health", timeout=2.0)
            if status == 200 and body and body.get("ready"):
                return True
            time.sleep(0.1)
        return False

    def health(self):
        return get_json(self.port, "/api/health")[1] or {}

    def settle(self, quiet=2.0, timeout=120.0):
        """Until the index generation stays the same for `quiet` seconds."""
        end = time.monotonic() + timeout
        last, since = None, time.monotonic()
        while time.monotonic() < end:
            gen = (self.health().get("index") or {}).get("generation")
            if gen != last:
                last, since = gen, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return True
            time.sleep(0.2)
        return False

    def kill9(self):
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait()

    def stop(self, grace=15.0):
        """SIGTERM, then SIGKILL after `grace` seconds; returns the exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def proc_status(pid, key):
    """A kB figure of /proc/PID/status (VmRSS, VmHWM, ...), or None."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def open_fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def mmaps(pid):
    """(mapped regions, of them of deleted files)."""
    try:
        with open(f"/proc/{pid}/maps") as f:
            lines = f.readlines()
    except OSError:
        return None, None
    return len(lines), sum(1 for line in lines if line.rstrip().endswith("(deleted)"))


def segments(index_dir):
    """Segments listed in `meta.json` of the full and of the public index: (full, public)."""
    counts = []
    for part in ("full", "public"):
        try:
            with open(os.path.join(index_dir, part, "meta.json")) as f:
                counts.append(len(json.load(f).get("segments", [])))
        except (OSError, ValueError):
            counts.append(0)
    return tuple(counts)


def orphans(index_dir):
    """Segment files of either index that its `meta.json` does not list: (count, bytes)."""
    count = size = 0
    for part in ("full", "public"):
        d = os.path.join(index_dir, part)
        try:
            with open(os.path.join(d, "meta.json")) as f:
                live = {s["segment_id"].replace("-", "") for s in json.load(f).get("segments", [])}
            names = os.listdir(d)
        except (OSError, ValueError, KeyError):
            continue
        for name in names:
            stem = name.split(".", 1)[0]
            if len(stem) == 32 and all(ch in "0123456789abcdef" for ch in stem) and stem not in live:
                count += 1
                size += os.lstat(os.path.join(d, name)).st_size
    return count, size


def dir_bytes(path):
    total = 0
    for dirpath, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                pass
    return total


def percentile(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100.0 * (len(s) - 1)))))
    return s[k]


def verdict(failures):
    """Prints PASS or FAIL with the reasons; the exit status to use."""
    if failures:
        print("FAIL")
        for f in failures:
            print(f"  - {f}")
        return 1
    print("PASS")
    return 0
