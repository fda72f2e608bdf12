"""A small asyncio HTTP/1.1 client for the load scripts: keep-alive connections from a
chosen loopback source address, each answer read whole (Content-Length or chunked)."""

import asyncio
import time


class Answer:
    __slots__ = ("status", "headers", "body", "ms")

    def __init__(self, status, headers, body, ms):
        self.status, self.headers, self.body, self.ms = status, headers, body, ms


async def read_answer(reader):
    """One response from `reader`; raises on EOF or a malformed head."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = bytearray()
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            body += await reader.readexactly(size)
            await reader.readexactly(2)
        return status, headers, bytes(body)
    length = int(headers.get("content-length", "0"))
    return status, headers, await reader.readexactly(length)


class Conn:
    """One keep-alive connection to 127.0.0.1:port from `source`."""

    def __init__(self, port, source="127.0.0.1"):
        self.port, self.source = port, source
        self.reader = self.writer = None

    async def open(self, timeout=10.0):
        self.reader, self.writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", self.port, local_addr=(self.source, 0),
                                    limit=1 << 20),
            timeout)

    async def get(self, path, timeout=30.0):
        """GET `path`, opening the connection first when needed."""
        if self.writer is None:
            await self.open()
        start = time.monotonic()
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n\r\n".encode())
        await self.writer.drain()
        status, headers, body = await asyncio.wait_for(read_answer(self.reader), timeout)
        if headers.get("connection", "").lower() == "close":
            self.close()
        return Answer(status, headers, body, (time.monotonic() - start) * 1000.0)

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None
