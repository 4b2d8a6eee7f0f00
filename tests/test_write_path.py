"""One write path (issue 11 item 7): no ORM write outside the services.

The source is read as a syntax tree; every call of an ORM write method (`.save()`, `.create()`,
`.update()`, `.delete()`, `bulk_create`, ...) outside influencers/services/ must be on the short,
commented list below. Adding `obj.save()` to an admin module, a view or a serializer fails here:
write it as (or call) a service instead. The import direction is checked the same way: services
never import the task modules (they queue work by name through influencers.background) and the
importers never import the services (the pipeline reports what it touched).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "influencers"
WRITE_METHODS = {
    "save",
    "delete",
    "update",
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}

# Whole places that are write paths of their own, by design.
WRITE_PATHS = (
    "influencers/services/",  # the write path
    "influencers/importers/",  # the bulk import pipeline (COPY, batches), run by services/imports
    "influencers/switchover/launch.py",  # the exactly-once launch engine, run by services
    "influencers/demo/",  # the demo loader (bulk, one transaction), run by `seed_demo`
    "influencers/migrations/",
    "influencers/management/commands/ensure_local_admin.py",  # `make run`'s local login
)

# Calls that look like ORM writes and are not (or are the one sanctioned exception).
ALLOWED = {
    ("influencers/admin/site.py", "context.update"),  # a template context (dict)
    ("influencers/admin/tokens.py", "obj.__dict__.update"),  # copies the service's saved row
    ("influencers/api/idempotency.py", "digest.update"),  # a hashlib digest
    ("influencers/api/idempotency.py", "cache.delete"),  # the Redis cache, not the database
    ("influencers/api/views/records.py", "item_errors.update"),  # a dict of errors
    ("influencers/api/views/base.py", "self.update"),  # DRF's update(): serializer -> service
    ("influencers/api/views/creators.py", "self.update"),  # same
    ("influencers/api/views/switchover.py", "self.update"),  # same
    ("influencers/exporters/creators.py", "workbook.save"),  # openpyxl writes the XLSX file
    ("influencers/models/metrics.py", "super().save"),  # the append-only guard's own save()
    ("influencers/models/creator.py", "self.update"),  # CreatorQuerySet.refresh_reach (a rule)
    ("influencers/api/views/switchover.py", "self.save"),  # the singleton view's own save()
    ("influencers/selectors/metrics.py", "covered.update"),  # a set of days
}


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _builds_only(call: ast.Call) -> bool:
    """`form.save(commit=False)` builds the rows and writes nothing."""
    return any(
        k.arg == "commit" and isinstance(k.value, ast.Constant) and k.value.value is False
        for k in call.keywords
    )


def orm_write_calls(source: str, rel: str) -> list[tuple[str, str, int]]:
    """(file, receiver.method, line) for every call of a write method in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in WRITE_METHODS
            and not _builds_only(node)
        ):
            receiver = ast.unparse(node.func.value)
            found.append((rel, f"{receiver}.{node.func.attr}", node.lineno))
    return found


def _sources():
    for path in sorted(APP.rglob("*.py")):
        rel = _rel(path)
        if not rel.startswith(WRITE_PATHS):
            yield rel, path.read_text(encoding="utf-8")


def test_no_orm_write_outside_the_services():
    offenders = [
        f"{rel}:{line} {call}()"
        for rel, source in _sources()
        for rel, call, line in orm_write_calls(source, rel)
        if (rel, call) not in ALLOWED
    ]
    assert not offenders, "ORM writes outside influencers/services/ (use a service):\n" + "\n".join(
        offenders
    )


def test_the_scan_catches_an_admin_save():
    source = "def save_model(self, request, obj, form, change):\n    obj.save()\n"
    calls = orm_write_calls(source, "influencers/admin/foo.py")
    assert calls == [("influencers/admin/foo.py", "obj.save", 2)]
    assert ("influencers/admin/foo.py", "obj.save") not in ALLOWED


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize(
    "package, forbidden",
    [
        ("services", ("influencers.tasks", "influencers.tasks_switchover")),
        (
            "importers",
            ("influencers.services", "influencers.tasks", "influencers.tasks_switchover"),
        ),
    ],
)
def test_imports_run_one_way(package, forbidden):
    offenders = {
        f"{_rel(path)} imports {name}"
        for path in (APP / package).rglob("*.py")
        for name in _imports(path)
        if name.startswith(forbidden)
    }
    assert not offenders, "\n".join(sorted(offenders))
