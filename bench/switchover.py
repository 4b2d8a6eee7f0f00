"""Switch-over benchmark: launch a plan to 10,000 eligible creators through a real Celery worker
(prefork, 2 processes) on Redis and a local SMTP sink (aiosmtpd) that counts every message.

* run 1: time from launch to all 10,000 accepted by the SMTP server;
* run 2: the worker is SIGKILLed mid-launch, restarted, and the plan launched twice more:
  every creator must have exactly one invitation and no address may get two emails;
* readiness recompute of a 1,000,000-creator workspace, timed (on a separate database, e.g.
  the API benchmark's ipm_bench_1m: only the readiness table is written there).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ipm_bench_switch \\
    REDIS_URL=redis://127.0.0.1:6379/14 \\
        .venv/bin/python bench/switchover.py [--creators 10000] [--rate 0] \\
        [--recompute-url postgres://postgres@127.0.0.1:5432/ipm_bench_1m]

The database named in DATABASE_URL is created if missing and migrated. The last line of
output is one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _environment(args) -> None:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ipm_bench_switch")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["CELERY_BROKER_URL"] = os.environ["REDIS_URL"]
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["SWITCHOVER_SEND_RATE"] = str(args.rate)
    os.environ["SWITCHOVER_SEND_LEASE_SECONDS"] = str(args.lease)
    os.environ["SWITCHOVER_CHUNK_SIZE"] = str(args.chunk)
    os.environ["SWITCHOVER_CLAIM_BATCH"] = str(args.claim_batch)


def _ensure_database(url: str) -> None:
    import psycopg

    base, _sep, name = url.rpartition("/")
    name = name.split("?")[0]
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


# --- SMTP sink --------------------------------------------------------------------------------


class Sink:
    def __init__(self):
        self.lock = threading.Lock()
        self.recipients: Counter = Counter()
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            self.recipients.update(envelope.rcpt_tos)
        return "250 Message accepted for delivery"

    def reset(self):
        with self.lock:
            self.recipients = Counter()
            self.count = 0


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- worker ---------------------------------------------------------------------------------


def _start_worker(queue: str, smtp_port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "CELERY_QUEUE": queue,
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config.celery_app",
            "worker",
            "--pool=prefork",
            "--concurrency=2",
            "--loglevel=WARNING",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _stop(proc: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def _wait(predicate, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


# --- data -----------------------------------------------------------------------------------


def _world(n: int, label: str):
    """A fresh workspace with n eligible creators (TikTok account, consented email) and a
    plan for them, bulk-inserted."""
    import random
    from decimal import Decimal

    from django.db import connection

    from influencers.models import (
        AmazonLinkSettings,
        ContactMethod,
        Creator,
        PlatformAccount,
        Product,
        SwitchoverMessage,
        SwitchoverPlan,
        Workspace,
    )

    slug = f"bench-switch-{label}-{uuid.uuid4().hex[:6]}"
    workspace = Workspace.objects.create(name=f"Bench {label}", slug=slug)
    AmazonLinkSettings.objects.create(workspace=workspace, marketplaces=["US"])
    rng = random.Random(5)
    scores = [rng.randint(40, 100) for _i in range(n)]
    creators = Creator.objects.bulk_create(
        [
            Creator(
                workspace=workspace,
                display_name=f"Creator {i}",
                consent_to_contact=True,
                language="en",
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    # Their readiness rows came with them (database trigger, score 0): set the scores.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE influencers_creatorreadiness r SET score = v.score "
            "FROM unnest(%s::bigint[], %s::int[]) AS v(creator_id, score) "
            "WHERE r.creator_id = v.creator_id",
            [[c.pk for c in creators], scores],
        )
    PlatformAccount.objects.bulk_create(
        [
            PlatformAccount(
                workspace=workspace,
                creator=c,
                platform="tiktok",
                handle=f"@{label}.maker.{i}",
                handle_normalised=f"{label}.maker.{i}",
                followers=1000 + i,
            )
            for i, c in enumerate(creators)
        ],
        batch_size=2000,
    )
    ContactMethod.objects.bulk_create(
        [
            ContactMethod(
                workspace=workspace,
                creator=c,
                kind="email",
                value=f"{label}.maker{i}@example.com",
                value_normalised=f"{label}.maker{i}@example.com",
                is_primary=True,
                consent=True,
            )
            for i, c in enumerate(creators)
        ],
        batch_size=2000,
    )
    plan = SwitchoverPlan.objects.create(
        workspace=workspace,
        name=f"Bench {label}",
        commission_rate=Decimal("12"),
        max_invitations=n,
    )
    plan.products.add(Product.objects.create(workspace=workspace, asin="B0BENCH001", title="Lamp"))
    SwitchoverMessage.objects.create(
        plan=plan,
        language="en",
        subject="{{ brand }} x {{ name }}",
        body="Hi {{ name }}, {{ product }} at {{ commission }}: {{ link }}\n"
        "{{ answer_link }}\n{{ opt_out }}",
    )
    return plan


def _status_counts(plan) -> Counter:
    from influencers.models import Invitation

    return Counter(Invitation.objects.filter(plan=plan).values_list("status", flat=True))


def _settled(plan, n) -> bool:
    counts = _status_counts(plan)
    return sum(counts.values()) == n and not (counts["drafted"] or counts["sending"])


# --- runs -----------------------------------------------------------------------------------


def run_clean(args, sink, port) -> dict:
    from influencers.services.switchover import switchover_launch

    plan = _world(args.creators, "clean")
    sink.reset()
    queue = f"bench-switch-{uuid.uuid4().hex[:8]}"
    _set_queue(queue)
    worker = _start_worker(queue, port)
    try:
        time.sleep(3)  # let the worker boot before the clock starts
        started = time.monotonic()
        switchover_launch(plan=plan)
        ok = _wait(lambda: sink.count >= args.creators, timeout=args.timeout)
        seconds = time.monotonic() - started
        _wait(lambda: _settled(plan, args.creators), timeout=30, step=0.5)
    finally:
        _stop(worker)
    counts = _status_counts(plan)
    return {
        "finished": ok,
        "seconds": round(seconds, 2),
        "per_second": round(sink.count / seconds, 1) if seconds else None,
        "emails": sink.count,
        "invitations": sum(counts.values()),
        "statuses": dict(counts),
        "duplicates": sum(1 for v in sink.recipients.values() if v > 1),
    }


def run_killed(args, sink, port) -> dict:
    from influencers.services.switchover import switchover_launch

    plan = _world(args.creators, "killed")
    sink.reset()
    queue = f"bench-switch-{uuid.uuid4().hex[:8]}"
    _set_queue(queue)
    worker = _start_worker(queue, port)
    time.sleep(3)
    started = time.monotonic()
    switchover_launch(plan=plan)
    _wait(lambda: sink.count >= args.creators * 0.3, timeout=args.timeout)
    _stop(worker, signal.SIGKILL)  # the main process and both children, mid-launch
    at_kill = sink.count
    worker = _start_worker(queue, port)
    try:
        time.sleep(args.lease + 1)  # past the lease: interrupted claims become "uncertain"
        switchover_launch(plan=plan)
        switchover_launch(plan=plan)
        ok = _wait(lambda: _settled(plan, args.creators), timeout=args.timeout, step=0.5)
        seconds = time.monotonic() - started
        time.sleep(1)
    finally:
        _stop(worker)
    counts = _status_counts(plan)
    from influencers.models import Invitation

    per_creator = Invitation.objects.filter(plan=plan).values("creator").distinct().count()
    return {
        "finished": ok,
        "seconds_including_restart": round(seconds, 2),
        "emails_at_kill": at_kill,
        "emails": sink.count,
        "distinct_recipients": len(sink.recipients),
        "duplicates": sum(1 for v in sink.recipients.values() if v > 1),
        "invitations": sum(counts.values()),
        "creators_invited": per_creator,
        "statuses": dict(counts),
    }


def _set_queue(queue: str) -> None:
    from config.celery_app import app

    app.conf.task_default_queue = queue
    app.conf.task_always_eager = False


def recompute(url: str) -> dict:
    """In a subprocess on the other database: migrate, then time recomputes of the largest
    workspace (set-based, one statement per id range; see recompute_here)."""
    env = {**os.environ, "DATABASE_URL": url, "CELERY_TASK_ALWAYS_EAGER": "true"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity=0"], cwd=ROOT, env=env, check=True
    )
    out = subprocess.run(
        [sys.executable, __file__, "--recompute-here"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def recompute_here() -> dict:
    """Three timed recomputes of the largest workspace, READINESS_PARALLEL id ranges at a time:
    * full: with other weights (patched in this process only, nothing else is written), so
      every creator's score and reasons change and every row is rewritten;
    * restore: back to the workspace's own weights, every row rewritten again;
    * unchanged: once more with nothing changed: every score computed and compared, no row
      rewritten except those whose reasons age (days since last contact)."""
    import django

    django.setup()
    from django.conf import settings
    from django.db.models import Count

    from influencers.models import Creator
    from influencers.services import readiness

    top = Creator.objects.values("workspace_id").annotate(n=Count("id")).order_by("-n").first()
    own = readiness.scoring_weights_for
    other = {
        "reach": 30,
        "engagement": 10,
        "results": 25,
        "relationship": 10,
        "amazon": 15,
        "contactability": 10,
    }
    figures = {"creators": top["n"], "parallel": settings.READINESS_PARALLEL}
    for label, weights in (("full", other), ("restore", None), ("unchanged", None)):
        readiness.scoring_weights_for = (
            (lambda *, workspace_id, w=weights: dict(w)) if weights else own
        )
        started = time.monotonic()
        written = readiness.readiness_recompute(workspace_id=top["workspace_id"])
        seconds = time.monotonic() - started
        figures[label] = {"rows_written": written, "seconds": round(seconds, 2)}
        print(label, figures[label], flush=True)
    readiness.scoring_weights_for = own
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--creators", type=int, default=10_000)
    parser.add_argument("--rate", type=int, default=0, help="sends/s across workers; 0: none")
    parser.add_argument("--chunk", type=int, default=250)
    parser.add_argument("--claim-batch", type=int, default=10, help="invitations per claim")
    parser.add_argument("--lease", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--recompute-url", default="")
    parser.add_argument("--skip-launch", action="store_true")
    parser.add_argument("--recompute-here", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.recompute_here:
        print(json.dumps(recompute_here()))
        return
    _environment(args)
    _ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-connection lines
    figures: dict = {
        "creators": args.creators,
        "worker_processes": 2,
        "send_rate_limit": args.rate,
        "chunk": args.chunk,
        "claim_batch": args.claim_batch,
    }
    if not args.skip_launch:
        sink = Sink()
        port = _free_port()
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            figures["clean"] = run_clean(args, sink, port)
            c = figures["clean"]
            print(
                f"clean launch: {c['emails']} emails, {c['invitations']} invitations in "
                f"{c['seconds']} s ({c['per_second']}/s), duplicates {c['duplicates']}"
            )
            figures["killed"] = run_killed(args, sink, port)
            k = figures["killed"]
            print(
                f"killed + restarted + launched twice: {k['invitations']} invitations for "
                f"{k['creators_invited']} creators, {k['emails']} emails to "
                f"{k['distinct_recipients']} addresses (killed at {k['emails_at_kill']}), "
                f"duplicates {k['duplicates']}, statuses {k['statuses']}"
            )
        finally:
            controller.stop()
    if args.recompute_url:
        figures["recompute"] = recompute(args.recompute_url)
        r = figures["recompute"]
        for label in ("full", "restore", "unchanged"):
            print(
                f"readiness recompute ({label}): {r[label]['rows_written']} of {r['creators']} "
                f"rows written in {r[label]['seconds']} s"
            )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
