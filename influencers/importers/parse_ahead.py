"""Parse a big creator sheet in a second process while this one writes it.

Per 100,000 rows, reading and parsing the cells (handles, counts, phones, dates, …) costs
~10 s of Python; matching and writing costs the importing process and PostgreSQL the rest.
Those cannot overlap in one process (the GIL), so for a sheet of at least
IMPORT_PARSE_PROCESS_MIN_ROWS rows a child process reads the file and parses batch after batch
ahead, and sends each parsed batch through a pipe; the importing process matches and writes
them in order, each batch in its own transaction as before. Parsing needs no database, so the
child opens no connection.

The child is a fresh interpreter (`python -m influencers.importers.parse_child`, started with
subprocess: nothing of this process's database connection or threads is copied into it, and
Celery's prefork children, which are daemon processes, may start it). It holds only the
writing end of the pipe: if the importing process dies (a worker killed mid-job), the child's
next send fails and it exits; nothing it did needs undoing — it wrote nothing. If the child
cannot start or dies, the pipeline parses the rest itself (ParseProcessLost).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pickle
import subprocess
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection

from django.conf import settings
from django.utils import translation

from influencers.models import ImportJob

from .errors import FileRefused
from .kinds import ImportContext, Row, kind_module


@dataclass
class Batch:
    """Consecutive data rows of the file, `size` of them, committed together."""

    size: int
    repeats: list[Row]  # rows that repeat the header row (skipped)
    rows: list[Row]  # the other rows, unless parsed ahead
    parsed: tuple | None = None  # (parsed rows, result of parsing) from kind.parse_batch


@dataclass
class _Spec:
    """What the child needs to read and parse the rest of the file (picklable)."""

    prepared: object
    ctx: ImportContext  # without the workspace and actor: parsing needs neither
    start: int  # data rows already committed by an earlier run
    batch_size: int
    language: str | None


def batches(prepared, start: int, batch_size: int) -> Iterator[Batch]:
    """The file's data rows after the first `start`, in batches of `batch_size`."""
    from .pipeline import data_rows  # here: the pipeline imports this module

    position = 0
    rows: list[Row] = []
    repeats: list[Row] = []
    for row in data_rows(prepared):
        position += 1
        if position <= start:
            continue  # committed by an earlier run
        (repeats if "__header__" in row.values else rows).append(row)
        if len(rows) + len(repeats) >= batch_size:
            yield Batch(len(rows) + len(repeats), repeats, rows)
            rows, repeats = [], []
    if rows or repeats:
        yield Batch(len(rows) + len(repeats), repeats, rows)


def wanted(kind: str, total_rows: int) -> bool:
    minimum = settings.IMPORT_PARSE_PROCESS_MIN_ROWS
    return (
        minimum > 0
        and total_rows >= minimum
        and hasattr(kind_module(kind), "parse_batch")
        and "DJANGO_SETTINGS_MODULE" in os.environ
    )


@contextlib.contextmanager
def parsed_batches(prepared, ctx: ImportContext, start: int, batch_size: int):
    """Yields an iterator of the file's batches, parsed by a child process."""
    spec = _Spec(
        prepared=prepared,
        ctx=dataclasses.replace(ctx, job=ImportJob(pk=ctx.job.pk), workspace=None, actor=None),
        start=start,
        batch_size=batch_size,
        language=translation.get_language(),
    )
    read_fd, write_fd = os.pipe()
    # Not multiprocessing's spawn: it would run the importing program's own main script again
    # in the child.
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "influencers.importers.parse_child",
            str(write_fd),
            str(ctx.job.pk),  # in `ps`: which job this process parses for
        ],
        stdin=subprocess.PIPE,
        pass_fds=(write_fd,),
        cwd=settings.BASE_DIR,  # `-m` puts it on the child's path
    )
    os.close(write_fd)  # the child's copy is the only writing end: its death ends our reads
    reader = Connection(read_fd, writable=False)
    try:
        with contextlib.suppress(BrokenPipeError):  # it died at once: _received says so
            child.stdin.write(pickle.dumps(spec))
            child.stdin.close()
        yield _received(reader)
    finally:
        reader.close()  # a child still sending gets a broken pipe and exits
        try:
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


class ParseProcessLost(RuntimeError):
    """The child stopped without finishing (could not start, crashed, was killed). The
    pipeline parses the rest in the importing process instead."""


def _received(reader) -> Iterator[Batch]:
    while True:
        try:
            message = reader.recv()
        except (EOFError, OSError):  # OSError: it died in the middle of a message
            raise ParseProcessLost("The import's parsing process ended without a word.") from None
        what, *rest = message
        if what == "end":
            return
        if what == "refused":
            raise FileRefused(*rest)
        if what == "error":
            raise ParseProcessLost(f"The import's parsing process failed:\n{rest[0]}")
        size, repeats, parsed, result = rest
        yield Batch(size, repeats, [], (parsed, result))


def produce(writer, spec: _Spec) -> None:
    """The child: read, parse and send every batch, then "end" (or why it stopped)."""
    if spec.language:
        translation.activate(spec.language)
    module = kind_module(spec.prepared.kind)
    try:
        for batch in batches(spec.prepared, spec.start, spec.batch_size):
            parsed, result = module.parse_batch(spec.ctx, batch.rows)
            for p in parsed:
                p.row = Row(line=p.row.line, values={})  # writing needs only the line
            writer.send(("batch", batch.size, batch.repeats, parsed, result))
        last = ("end",)
    except BrokenPipeError:
        return  # the importing process is gone: nothing to undo, we wrote nothing
    except FileRefused as exc:
        last = ("refused", str(exc), exc.code)
    except Exception:
        last = ("error", traceback.format_exc())
    with contextlib.suppress(BrokenPipeError):
        writer.send(last)
    writer.close()
