"""A real Celery worker (2 processes) on Redis is SIGKILLed mid-launch, restarted, and the plan
launched again: every creator gets exactly one invitation and at most one email, and the
launch finishes."""

import contextlib
import os
import signal
import time
from collections import Counter

import pytest

from influencers.models import Invitation
from influencers.services.switchover import switchover_launch
from tests.switchover_world import Sink, eligible, make_plan, start_smtp
from tests.workers import new_queue, start_worker, tasks_sent_to, wait_until

N = 40


def _start_worker(queue, smtp_port):
    return start_worker(
        queue,
        concurrency=2,
        extra_env={
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "SWITCHOVER_CHUNK_SIZE": "5",
            "SWITCHOVER_SEND_LEASE_SECONDS": "2",
        },
    )


def _stop_group(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def _wait(predicate, timeout=90):
    return wait_until(predicate, timeout, interval=0.2)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_killed_worker_and_double_launch_never_duplicate(workspace, settings):
    sink = Sink(delay=0.05)
    controller = start_smtp(sink)
    queue = new_queue("test-switch")
    settings.SWITCHOVER_SEND_LEASE_SECONDS = 2
    workers = []
    with contextlib.ExitStack() as cleanup:
        cleanup.enter_context(tasks_sent_to(queue))
        cleanup.callback(controller.stop)
        cleanup.callback(lambda: [_stop_group(w) for w in workers])
        plan = make_plan(workspace)
        eligible(workspace, N)
        workers.append(_start_worker(queue, controller.port))
        switchover_launch(plan=plan)
        assert _wait(lambda: len(sink.messages) >= 5), "worker never started sending"
        os.killpg(workers[-1].pid, signal.SIGKILL)  # main process and both children
        workers[-1].wait(timeout=10)
        sent_before_kill = len(sink.messages)
        assert sent_before_kill < N

        workers.append(_start_worker(queue, controller.port))
        time.sleep(2.5)  # past the lease: a claim the kill interrupted becomes "uncertain"
        switchover_launch(plan=plan)
        switchover_launch(plan=plan)

        def done():
            left = Invitation.objects.filter(plan=plan, status__in=["drafted", "sending"])
            return Invitation.objects.filter(plan=plan).count() == N and not left.exists()

        assert _wait(done), Counter(Invitation.objects.values_list("status", flat=True))
        time.sleep(1)

    recipients = Counter(r for rcpts, _c in sink.messages for r in rcpts)
    assert max(recipients.values()) == 1, "an email was sent twice"
    statuses = Counter(Invitation.objects.filter(plan=plan).values_list("status", flat=True))
    assert statuses["sent"] + statuses["uncertain"] == N
    # Every "sent" reached the server once; an "uncertain" one may or may not have.
    assert statuses["sent"] <= len(recipients) <= statuses["sent"] + statuses["uncertain"]
    assert Invitation.objects.filter(plan=plan).values("creator").distinct().count() == N
