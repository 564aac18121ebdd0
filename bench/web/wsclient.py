"""A minimal asyncio WebSocket client (RFC 6455, text frames, no extensions), stdlib only.

The venv has no client library (no `websockets`, `aiohttp` or `httpx`), and a thousand sockets in
one load-generator process want something light: this reads and writes frames on asyncio streams.
"""
import asyncio
import base64
import json
import os
import struct


class WSClosed(Exception):
    pass


class WebSocket:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer
        self.closed = False

    @classmethod
    async def connect(cls, host: str, port: int, path: str, headers: dict | None = None,
                      timeout: float = 30.0) -> "WebSocket":
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port, limit=2**22), timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Upgrade: websocket", "Connection: Upgrade",
                 f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13", f"Origin: http://{host}:{port}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        status = head.split(b"\r\n", 1)[0]
        if b" 101 " not in status + b" ":
            writer.close()
            raise ConnectionError(f"handshake refused: {status.decode(errors='replace')}")
        return cls(reader, writer)

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        n = len(payload)
        if n < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
        elif n < 65536:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
        mask = os.urandom(4)
        if n:
            masked = (int.from_bytes(payload, "big") ^ int.from_bytes((mask * (n // 4 + 1))[:n], "big")).to_bytes(n, "big")
        else:
            masked = b""
        self.writer.write(header + mask + masked)

    def send_json(self, obj) -> None:
        if self.closed:
            raise WSClosed()
        self._send_frame(0x1, json.dumps(obj, separators=(",", ":")).encode())

    async def recv(self) -> str:
        """The next text message; answers pings; raises WSClosed on close."""
        buffer = b""
        while True:
            b1, b2 = await self.reader.readexactly(2)
            fin, opcode, n = b1 & 0x80, b1 & 0x0F, b2 & 0x7F
            if n == 126:
                (n,) = struct.unpack("!H", await self.reader.readexactly(2))
            elif n == 127:
                (n,) = struct.unpack("!Q", await self.reader.readexactly(8))
            mask = await self.reader.readexactly(4) if b2 & 0x80 else None
            payload = await self.reader.readexactly(n) if n else b""
            if mask:
                payload = bytes(c ^ mask[i % 4] for i, c in enumerate(payload))
            if opcode == 0x8:
                self.closed = True
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                raise WSClosed(code)
            if opcode == 0x9:
                self._send_frame(0xA, payload)
                continue
            if opcode == 0xA:
                continue
            if opcode in (0x1, 0x2):
                buffer = payload
            else:  # continuation
                buffer += payload
            if fin:
                return buffer.decode()

    async def close(self) -> None:
        if not self.closed:
            self.closed = True
            try:
                self._send_frame(0x8, struct.pack("!H", 1000))
                await self.writer.drain()
            except (ConnectionError, RuntimeError):
                pass
        self.writer.close()
        try:
            await asyncio.wait_for(self.writer.wait_closed(), 2)
        except (asyncio.TimeoutError, ConnectionError, OSError):
            pass
