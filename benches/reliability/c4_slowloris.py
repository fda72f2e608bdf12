#!/usr/bin/env python3
"""C4 slowloris and slow bodies against `erfa serve`.

Opens --connections connections (from --sources loopback addresses, so that neither
the per-address cap of 128 nor the overall cap of 512 closes them first: the header
timeout alone must) that send a request head one byte every --interval seconds and
never finish it, and --slow-bodies POSTs whose head is complete but whose announced
body comes one byte a second. Meanwhile a probe from 127.0.0.1 searches every 100 ms.

Pass: every slow head is closed by erfa within the header-read timeout
(--header-timeout, passed to erfa serve) plus --slack seconds; every slow body gets an
answer (408) or is closed within the request timeout (--request-timeout) plus --slack;
the probe gets every answer, p99 < --probe-p99 ms; erfa still runs afterwards.

docs/RELIABILITY.md (C4) and docs/BENCHMARKS.md ("Reliability runs on demand").
"""

import asyncio
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as c  # noqa: E402
from c3_overload import probe_round  # noqa: E402


async def trickle(port, source, head, then, interval, limit):
    """Sends `head` at once, then `then` one byte per `interval`; returns (seconds until
    erfa closed or answered, status line or None), or (None, None) if still open at `limit`."""
    t0 = time.monotonic()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
    except OSError as e:
        return 0.0, f"connect failed: {e}"
    status = None
    try:
        writer.write(head)
        await writer.drain()
        i = 0
        while time.monotonic() - t0 < limit:
            try:
                data = await asyncio.wait_for(reader.read(4096), interval)
            except asyncio.TimeoutError:
                writer.write(then[i % len(then):i % len(then) + 1])
                i += 1
                await writer.drain()
                continue
            if not data:
                return time.monotonic() - t0, status
            if status is None:
                status = data.split(b"\r\n", 1)[0].decode("latin-1")
                elapsed = time.monotonic() - t0
                # An answer counts as the end; read to the close without waiting long.
                try:
                    await asyncio.wait_for(reader.read(), 2.0)
                except (asyncio.TimeoutError, OSError):
                    pass
                return elapsed, status
        return None, status
    except (ConnectionResetError, BrokenPipeError, OSError):
        return time.monotonic() - t0, status
    finally:
        writer.close()


async def run(port, a):
    limit_head = a.header_timeout + a.slack + 20
    limit_body = a.request_timeout + a.slack + 20
    heads, bodies = [], []
    for k in range(a.connections):
        source = f"127.0.0.{2 + k % a.sources}"
        heads.append(trickle(port, source,
                             f"GET /?q=slow{k} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n".encode(),
                             b"X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                             a.interval, limit_head))
    for k in range(a.slow_bodies):
        source = f"127.0.0.{2 + k % a.sources}"
        bodies.append(trickle(port, source,
                              (f"POST /share HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                               "Content-Type: application/x-www-form-urlencoded\r\n"
                               "Content-Length: 100000\r\n\r\n").encode(),
                              b"title=slow&", 1.0, limit_body))
    probe = asyncio.ensure_future(probe_round(port, int(a.header_timeout * 10 + 50), 0.1))
    results = await asyncio.gather(*heads, *bodies)
    lat, failed = await probe
    return results[:len(heads)], results[len(heads):], lat, failed


def main():
    p = c.parser(__doc__)
    p.add_argument("--connections", type=int, default=500, help="slow heads (default 500)")
    p.add_argument("--slow-bodies", type=int, default=50, help="slow bodies (default 50)")
    p.add_argument("--sources", type=int, default=8, help="loopback source addresses (default 8)")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between bytes of a head (default 1)")
    p.add_argument("--header-timeout", type=int, default=10, help="erfa's header-read timeout, s (default 10)")
    p.add_argument("--request-timeout", type=int, default=30, help="erfa's request timeout, s (default 30)")
    p.add_argument("--max-connections", type=int, default=512,
                   help="erfa's overall connection cap (default 512, erfa's own)")
    p.add_argument("--slack", type=float, default=3.0, help="seconds allowed past a timeout (default 3)")
    p.add_argument("--probe-p99", type=float, default=100.0, help="probe p99 bound, ms (default 100)")
    a = p.parse_args()
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = a.connections + a.slow_bodies + 256
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(need, hard), hard))
    erfa = c.binary(a.erfa)
    src = a.content or c.corpus(a.size)
    work = c.workdir("c4", keep=a.keep)
    content = c.copy_corpus(src, os.path.join(work, "content"))
    server = c.Server(erfa, content, os.path.join(work, "data"),
                      extra=["--max-connections", str(a.max_connections),
                             "--header-read-timeout-secs", str(a.header_timeout),
                             "--request-timeout-secs", str(a.request_timeout)]).start()
    c.log(f"C4: {a.connections} slow heads, {a.slow_bodies} slow bodies, port {server.port}, "
          f"load {c.load_average()}")
    if not server.wait_ready():
        return c.verdict([f"erfa serve did not become ready; see {server.log_path}"])
    server.settle()
    fds_before = c.open_fds(server.pid)
    heads, bodies, lat, failed = asyncio.run(run(server.port, a))
    time.sleep(1.0)
    fds_after = c.open_fds(server.pid)
    failures = []
    head_times = [t for t, _ in heads if t is not None]
    open_heads = sum(1 for t, _ in heads if t is None)
    late_heads = sum(1 for t in head_times if t > a.header_timeout + a.slack)
    early_heads = sum(1 for t in head_times if t < a.header_timeout - 1)
    head_status = {}
    for _, s in heads:
        head_status[s or "closed"] = head_status.get(s or "closed", 0) + 1
    body_times = [t for t, _ in bodies if t is not None]
    open_bodies = sum(1 for t, _ in bodies if t is None)
    late_bodies = sum(1 for t in body_times if t > a.request_timeout + a.slack)
    body_status = {}
    for _, s in bodies:
        body_status[s or "closed"] = body_status.get(s or "closed", 0) + 1
    print()
    print(f"slow heads: {len(heads)}; closed after min {min(head_times or [0]):.1f} s, "
          f"median {c.percentile(head_times, 50):.1f} s, max {max(head_times or [0]):.1f} s; "
          f"{early_heads} before {a.header_timeout - 1} s, {late_heads} late, {open_heads} still open; "
          f"endings {head_status}")
    if bodies:
        print(f"slow bodies: {len(bodies)}; ended after min {min(body_times or [0]):.1f} s, "
              f"max {max(body_times or [0]):.1f} s; {late_bodies} late, {open_bodies} still open; "
              f"endings {body_status}")
    print(f"probe: {len(lat)} answered, {len(failed)} failed, p50 {c.percentile(lat, 50):.1f} ms, "
          f"p99 {c.percentile(lat, 99):.1f} ms, max {max(lat or [0]):.1f} ms")
    excess = a.connections + a.slow_bodies + 1 - a.max_connections
    if early_heads and excess > 0:
        print(f"note: {a.connections} heads + {a.slow_bodies} bodies + the probe exceed the cap of "
              f"{a.max_connections} by {excess}; erfa closes the connection idle the longest to make "
              f"room, so {early_heads} heads ended before the timeout")
    print(f"erfa open fds: before {fds_before}, after {fds_after}; load average {c.load_average()}")
    if open_heads or late_heads:
        failures.append(f"{open_heads} slow heads still open, {late_heads} closed later than "
                        f"{a.header_timeout + a.slack} s")
    if open_bodies or late_bodies:
        failures.append(f"{open_bodies} slow bodies still open, {late_bodies} ended later than "
                        f"{a.request_timeout + a.slack} s")
    if failed:
        failures.append(f"the probe failed {len(failed)} times: {sorted(set(failed))}")
    if not c.percentile(lat, 99) < a.probe_p99:
        failures.append(f"probe p99 {c.percentile(lat, 99):.1f} ms, bound {a.probe_p99} ms")
    if not server.alive():
        failures.append("erfa serve ended")
    return c.verdict(failures)


if __name__ == "__main__":
    sys.exit(main())
