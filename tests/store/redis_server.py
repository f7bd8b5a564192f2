"""A private `redis-server` on a loopback port, to stop and start again (or to serve TLS)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import redis

from devkit.harness import free_port, wait_for

REDIS_SERVER = shutil.which("redis-server")


def require_redis_server() -> str:
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed: these tests start their own Redis")
    return REDIS_SERVER


class RedisServer:
    """`redis-server` on 127.0.0.1, no persistence; `stop()` kills it, `start()` brings it back."""

    def __init__(self, workdir: Path, *, tls: tuple[Path, Path] | None = None) -> None:
        self.binary = require_redis_server()
        self.port = free_port()
        self.workdir = workdir
        self.tls = tls
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        scheme = "redis" if self.tls is None else "rediss"
        return f"{scheme}://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        arguments = [self.binary, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        arguments += ["--dir", str(self.workdir)]
        if self.tls is None:
            arguments += ["--port", str(self.port)]
        else:
            certificate, key = self.tls
            arguments += ["--port", "0", "--tls-port", str(self.port)]
            arguments += ["--tls-cert-file", str(certificate), "--tls-key-file", str(key)]
            arguments += ["--tls-ca-cert-file", str(certificate), "--tls-auth-clients", "no"]
        self._process = subprocess.Popen(
            arguments, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self._wait_until_ready()

    def stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=10)
            self._process = None

    def _wait_until_ready(self) -> None:
        url = self.url if self.tls is None else self.url + "?ssl_cert_reqs=none"
        client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        try:
            wait_for(lambda: self._answers(client), what=f"redis-server on port {self.port}")
        finally:
            client.close()

    def _answers(self, client: redis.Redis) -> bool:
        assert self._process is not None
        if self._process.poll() is not None:
            raise AssertionError(f"redis-server exited with {self._process.returncode}")
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
