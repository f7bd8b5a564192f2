"""`rediss://`: certificates are checked unless the URL or the setting says not to (Heroku)."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis.exceptions import ConnectionError

from bot.store.redis_state import RedisState

from .redis_server import RedisServer


@pytest.fixture
def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed: it makes the test's self-signed certificate")
    certificate, key = tmp_path / "redis.crt", tmp_path / "redis.key"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )
    return certificate, key


@pytest.fixture
def tls_server(tmp_path: Path, self_signed: tuple[Path, Path]) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path, tls=self_signed)
    server.start()
    yield server
    server.stop()


async def round_trip(state: RedisState) -> bytes | None:
    """A cache entry there and back, and a limiter slot (limits shares the client's pool)."""
    key = uuid.uuid4().hex
    try:
        assert await state.acquire(key, 1, 60) == 0.0
        await state.set(key, b"round trip", 60)
        return await state.get(key)
    finally:
        await state.aclose()


async def test_a_self_signed_certificate_is_refused_by_default(tls_server: RedisServer) -> None:
    state = RedisState(tls_server.url)
    try:
        with pytest.raises(ConnectionError, match="certificate verify failed"):
            await state.ping()
    finally:
        await state.aclose()


async def test_the_url_can_turn_the_certificate_check_off(tls_server: RedisServer) -> None:
    state = RedisState(tls_server.url + "?ssl_cert_reqs=none")
    assert await round_trip(state) == b"round trip"


async def test_the_setting_can_turn_the_certificate_check_off(tls_server: RedisServer) -> None:
    state = RedisState(tls_server.url, verify_certificate=False)
    assert await round_trip(state) == b"round trip"


async def test_the_setting_leaves_a_plain_url_alone(tmp_path: Path) -> None:
    server = RedisServer(tmp_path)
    server.start()
    try:
        state = RedisState(server.url, verify_certificate=False)
        assert await round_trip(state) == b"round trip"
    finally:
        server.stop()
