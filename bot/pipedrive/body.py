"""An answer's body, read as it arrives and refused past a size.

A person is kilobytes; an answer of 50 MB, or a gzip answer of 500 KB that inflates to 512 MB,
must cost neither the memory nor the time to hold it. So the raw stream is read here and gzip
inflated here, never more than `limit` bytes, instead of by httpx (whose decoders inflate each
network chunk whole). The client asks only for gzip (`ACCEPT_ENCODING`).
"""

from __future__ import annotations

import zlib

import httpx

ACCEPT_ENCODING = "gzip"
_GZIP = 16 + zlib.MAX_WBITS  # zlib's window bits for a gzip header and trailer
_IDENTITY = frozenset({"", "identity"})


class UnreadableBody(Exception):
    """The body is larger than allowed, or not in an encoding we can read."""


async def read_body(response: httpx.Response, *, limit: int) -> bytes:
    """The decoded body of a streamed `response`, at most `limit` bytes, else `UnreadableBody`."""
    encoding = response.headers.get("content-encoding", "").strip().lower()
    if encoding not in _IDENTITY and encoding not in ("gzip", "x-gzip"):
        raise UnreadableBody(f"content encoding {encoding[:20]!r}")
    declared = response.headers.get("content-length", "").strip()
    if encoding in _IDENTITY and declared.isdigit() and int(declared) > limit:
        raise UnreadableBody(f"answer larger than {limit} bytes")
    inflater = zlib.decompressobj(_GZIP) if encoding not in _IDENTITY else None
    body = bytearray()
    async for raw in response.aiter_raw():
        room = limit - len(body)
        try:
            # One byte more than there is room for tells a body that is too large.
            data = raw if inflater is None else inflater.decompress(raw, room + 1)
        except zlib.error:
            raise UnreadableBody("gzip that does not inflate") from None
        if len(data) > room:
            raise UnreadableBody(f"answer larger than {limit} bytes")
        body += data
    if inflater is not None and not inflater.eof:
        raise UnreadableBody("gzip cut short")
    return bytes(body)
