"""`make run` to serving, on a fresh clone, the way a newcomer meets it (issue #10).

Clones this repository into a new temporary directory, runs `make run` there with no
DATABASE_URL / REDIS_URL (the embedded PostgreSQL), and times it until GET /admin/login/
answers 200; stops it (SIGTERM to its process group: the Makefile's trap stops the embedded
server), checks the server is down, and does the same again for the second run. Prints the
figures and, last, one JSON line. The clone is deleted at the end (--keep keeps it).

    .venv/bin/python bench/make_run.py [--runs 3] [--port 8000] [--keep]

Port 8000 must be free (make run serves there). Run it when nothing else is running.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def one_run(clone: Path, url: str, log: Path, timeout: float = 900) -> float:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    started = time.monotonic()
    with log.open("ab") as out:
        process = subprocess.Popen(
            ["make", "run"], cwd=clone, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        while not _answers(url):
            if process.poll() is not None:
                raise SystemExit(f"make run exited with {process.returncode}: see {log}")
            if time.monotonic() - started > timeout:
                raise SystemExit(f"not serving after {timeout:.0f} s: see {log}")
            time.sleep(0.1)
        return time.monotonic() - started
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(60)


def server_status(clone: Path, wait: float = 20) -> str:
    """The embedded server's status once it has stopped, or after `wait` seconds (make may
    exit before the wrapper that stops the server has finished)."""
    deadline = time.monotonic() + wait
    while True:
        out = subprocess.run(
            [".venv/bin/python", "-m", "config.embedded_postgres.server", "status"],
            cwd=clone, capture_output=True, text=True,
        )  # fmt: skip
        if "not running" in out.stdout or time.monotonic() > deadline:
            return out.stdout.strip()
        time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="first run + (runs-1) later runs")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    url = f"http://127.0.0.1:{args.port}/admin/login/"
    if _answers(url):
        raise SystemExit(f"something already answers {url}: stop it first")
    base = Path(tempfile.mkdtemp(prefix="ipm-make-run-"))
    clone, log = base / "clone", base / "make-run.log"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    seconds = []
    try:
        for n in range(args.runs):
            seconds.append(one_run(clone, url, log))
            status = server_status(clone)
            label = "first" if n == 0 else f"run {n + 1}"
            print(f"{label:>6}: serving after {seconds[-1]:5.1f} s; after stop: {status}")
            if "not running" not in status:
                raise SystemExit("the embedded server was left running after make run ended")
    finally:
        if args.keep:
            print(f"clone kept: {clone}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    print(
        json.dumps({"first_s": round(seconds[0], 1), "later_s": [round(s, 1) for s in seconds[1:]]})
    )


if __name__ == "__main__":
    main()
