"""A lean HTTP/1.1 client for load generation: one keep-alive connection per simulated user.

The load generator shares the machine with the server, so it spends as little CPU as it can
while still doing real requests: each call writes a complete HTTP/1.1 request on a TCP
connection, reads the whole response (Content-Length or chunked) and decodes its JSON body.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any
from urllib.parse import urlsplit


class HttpError(RuntimeError):
    """A response that is not what the caller expected."""


class Connection:
    """One persistent HTTP/1.1 connection; requests on it go one after another."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self._host_header = f"Host: {parts.netloc}\r\n".encode()
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self.headers: dict[str, str] = {}  # of the last response, names in lower case

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._reader is None or self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        return self._reader, self._writer

    async def close(self) -> None:
        """Close the connection (it reopens on the next request)."""
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(OSError):  # the server went away meanwhile
                await self._writer.wait_closed()
        self._reader = self._writer = None

    async def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        """Send one request; the status and the decoded JSON body (None when empty)."""
        reader, writer = await self._open()
        payload = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
        head = [f"{method} {path} HTTP/1.1\r\n".encode(), self._host_header]
        for name, value in (headers or {}).items():
            head.append(f"{name}: {value}\r\n".encode())
        if body is not None:
            head.append(b"Content-Type: application/json\r\n")
        head.append(b"Content-Length: %d\r\n\r\n" % len(payload))
        writer.write(b"".join(head) + payload)
        status, raw, keep_alive, self.headers = await _read_response(reader)
        if not keep_alive:
            await self.close()
        return status, json.loads(raw) if raw else None


async def _read_response(
    reader: asyncio.StreamReader,
) -> tuple[int, bytes, bool, dict[str, str]]:
    """Status, body, whether the connection stays open and the headers of the next response."""
    lines = (await reader.readuntil(b"\r\n\r\n")).split(b"\r\n")
    fields = lines[0].split(b" ", 2)
    if len(fields) < 2 or not fields[0].startswith(b"HTTP/1."):
        raise HttpError(f"not an HTTP/1.x status line: {lines[0][:80]!r}")
    status = int(fields[1])
    length, chunked, keep_alive = 0, False, True
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name:
            headers[name.decode("latin-1")] = value.strip().decode("latin-1")
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif name == b"connection":
            keep_alive = value.strip().lower() != b"close"
    if chunked:
        return status, await _read_chunks(reader), keep_alive, headers
    body = await reader.readexactly(length) if length else b""
    return status, body, keep_alive, headers


async def _read_chunks(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")  # no trailers are sent by the server
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)
