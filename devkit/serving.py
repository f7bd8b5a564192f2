"""Start and stop a small aiohttp server on a free loopback port."""

from __future__ import annotations

import base64
import binascii
import socket

from aiohttp import web


class LoopbackServer:
    """Base of the stand-ins: `await start()` binds 127.0.0.1 on a free port, `url` says where."""

    def __init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self.port = 0

    def routes(self) -> list[web.RouteDef]:
        raise NotImplementedError

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self, port: int = 0) -> str:
        app = web.Application()
        app.add_routes(self.routes())
        # A stand-in stops at once, even with a deliberately slow answer still pending.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


def basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    """The client id and secret of an HTTP Basic `Authorization` header; None for anything else."""
    scheme, _, encoded = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, ValueError):
        return None
    client_id, colon, client_secret = decoded.partition(":")
    return (client_id, client_secret) if colon else None
