"""Import benchmark: a messy 100,000-row seller sheet through the real pipeline, the same rows
through django-import-export (ModelResource, use_bulk=True) and pre-cleaned rows through
PostgreSQL COPY; the server-side floor for the rows the pipeline writes; then a streaming CSV
export of many creators. Each measured step runs in its
own subprocess so its peak memory (ru_maxrss) is its own.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_imports \\
        .venv/bin/python bench/import_creators.py [--rows 100000] [--export-creators 1000000]

The database named in DATABASE_URL is created if missing and migrated. The last line of
output is one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _environment() -> None:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_imports")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    os.environ["DJANGO_DEBUG"] = "false"


HEADER = [
    "Creator Name",
    "TikTok",
    "Instagram",
    "Followers",
    "Email",
    "Phone / WhatsApp",
    "Country",
    "Category",
    "Status",
    "Rate (USD)",
    "Engagement %",
    "Last contacted",
    "Amazon tracking ID",
    "Attribution tag",
    "Notes",
]
COUNTRIES = [
    "US",
    "United States",
    "DE",
    "Germany",
    "Deutschland",
    "FR",
    "france",
    "UK",
    "GB",
    "Canada",
    "México",
    "MX",
    "美国",
    "英国",
]
PHONES = {
    "US": "+1 201-{:03d}-{:04d}",
    "DE": "+49 1517 {:03d}{:04d}",
    "FR": "+33 6 12 {:03d} {:04d}",
}
STATUSES = [
    "active",
    "Active ",
    "prospect",
    "contacted",
    "Negotiating",
    "paused",
    "do not contact",
    "合作中",
    "待联系",
]
CATEGORIES = ["Beauty", "Tech, Beauty", "Home & Kitchen/Skincare", "Fitness", "Pets", "美妆"]
DATES = ["2026-01-12", "2025/11/12", "03/25/2026", "Aug 15, 2026", "46097", ""]
NOTES = ["", "Prefers WhatsApp", "Line 1\nLine 2, with comma", "Do NOT offer below $100"]


def _database_ready() -> None:
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _setup():
    import django

    django.setup()


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """A sheet with the sample's mess: handle forms, K/M counts, names and codes of countries,
    mixed-case statuses, several date forms, duplicates under another spelling (5%), junk
    phones and a row of bad values now and then, rows with neither handle nor email."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADER)
        for i in range(rows):
            n = i if rng.random() > 0.05 or i < 10 else rng.randrange(i)  # 5% duplicates
            handle_name = f"creator{n:07d}"
            form = rng.randrange(5)
            tiktok = [
                f"@{handle_name}",
                handle_name,
                f"https://www.tiktok.com/@{handle_name}?lang=en",
                f"tiktok.com/@{handle_name}",
                f" {handle_name.upper()} ",
            ][form]
            instagram = handle_name if rng.random() < 0.4 else ""
            followers = [
                f"{rng.randrange(10, 999)}.{rng.randrange(10)}K",
                f"{rng.randrange(1, 999):,}",
                str(rng.randrange(100, 10**7)),
                f"{rng.randrange(1, 99)}k",
            ][rng.randrange(4)]
            email = f"{handle_name}@example.com" if rng.random() < 0.85 else ""
            if email and rng.random() < 0.1:
                email = f"Name <{email.upper()}>; mgmt+{email}"
            country = rng.choice(COUNTRIES)
            region = {
                "United States": "US",
                "美国": "US",
                "Germany": "DE",
                "Deutschland": "DE",
                "france": "FR",
            }.get(country, country)
            phone = ""
            if rng.random() < 0.5:
                fmt = PHONES.get(region, PHONES["US"])
                phone = fmt.format(rng.randrange(200, 999), rng.randrange(10000))
                if region not in PHONES:
                    phone = PHONES["US"].format(rng.randrange(200, 999), rng.randrange(10000))
                if rng.random() < 0.03:
                    phone = "call me"
            name = f"Creator {n}" if rng.random() < 0.9 else f"达人 {n}"
            row = [
                name,
                tiktok,
                instagram,
                followers,
                email,
                phone,
                country,
                rng.choice(CATEGORIES),
                rng.choice(STATUSES),
                f"${rng.choice([50, 80, 120, 500])}",
                f"{rng.randrange(0, 1500) / 100}%",
                rng.choice(DATES),
                f"{handle_name}-20" if rng.random() < 0.5 else "",
                f"maas=maas_adg_{n}_{handle_name}" if rng.random() < 0.4 else "",
                rng.choice(NOTES),
            ]
            if rng.random() < 0.002:
                row = [
                    name,
                    "",
                    "",
                    "5000",
                    "",
                    "",
                    "US",
                    "",
                    "prospect",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "no handle, no email",
                ]
            if rng.random() < 0.002:
                row[3], row[6], row[10], row[11] = "lots", "Atlantis", "130%", "31/02/2026"
            writer.writerow(row)


def _workspace(slug: str):
    from influencers.models import Workspace

    workspace, _ = Workspace.objects.get_or_create(slug=slug, defaults={"name": slug})
    return workspace


def _fresh_workspace(prefix: str):
    return _workspace(f"{prefix}-{int(time.time() * 1000)}")


# --- children: each prints one JSON line --------------------------------------------------
def child_pipeline(path: str, rows: int) -> dict:
    _setup()
    from django.core.files import File

    from influencers.importers import pipeline
    from influencers.models import ImportJob

    workspace = _fresh_workspace("bench-pipeline")
    with open(path, "rb") as handle:
        job = ImportJob(workspace=workspace, original_filename="bench.csv")
        job.file.save("bench.csv", File(handle), save=False)
        job.save()
    start = time.perf_counter()
    job = pipeline.run(job.pk)
    elapsed = time.perf_counter() - start
    counts = {
        "created": job.created_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
        "skipped": job.skipped_count,
        "failed": job.failed_count,
    }
    assert job.state == "succeeded", job.error_message
    assert sum(counts.values()) == rows, counts
    # Again, unchanged: the idempotent re-import path.
    job2 = ImportJob(workspace=workspace, original_filename="bench.csv", file=job.file.name)
    job2.save()
    start = time.perf_counter()
    job2 = pipeline.run(job2.pk)
    elapsed2 = time.perf_counter() - start
    assert job2.created_count == 0 and job2.updated_count == 0
    return {
        "workspace": workspace.pk,
        "seconds": elapsed,
        "rows_per_s": rows / elapsed,
        "counts": counts,
        "reimport_seconds": elapsed2,
        "reimport_rows_per_s": rows / elapsed2,
    }


def child_iie(path: str, rows: int) -> dict:
    _setup()
    import tablib
    from import_export import fields, resources

    from influencers.models import Creator

    workspace = _fresh_workspace("bench-iie")

    class CreatorResource(resources.ModelResource):
        display_name = fields.Field(attribute="display_name", column_name="Creator Name")
        associates_tracking_id = fields.Field(
            attribute="associates_tracking_id", column_name="Amazon tracking ID"
        )
        attribution_tag = fields.Field(attribute="attribution_tag", column_name="Attribution tag")
        remarks = fields.Field(attribute="remarks", column_name="Notes")

        class Meta:
            model = Creator
            fields = ("display_name", "associates_tracking_id", "attribution_tag", "remarks")
            import_id_fields = ()
            use_bulk = True
            batch_size = 2000
            skip_diff = True
            force_init_instance = True
            use_transactions = True

        def before_save_instance(self, instance, row, **kwargs):
            instance.workspace_id = workspace.pk

    text = Path(path).read_text(encoding="utf-8-sig")
    start = time.perf_counter()
    dataset = tablib.Dataset().load(text, format="csv")
    result = CreatorResource().import_data(dataset, dry_run=False, raise_errors=True)
    elapsed = time.perf_counter() - start
    return {
        "seconds": elapsed,
        "rows_per_s": rows / elapsed,
        "totals": {k: v for k, v in result.totals.items() if v},
    }


def child_copy(path: str, rows: int) -> dict:
    """Pre-cleaned rows (the creator table only) with COPY: the floor of what PostgreSQL can
    take, no parsing, no matching, no children."""
    _setup()
    from django.db import connection

    workspace = _fresh_workspace("bench-copy")
    cleaned = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for cells in csv.DictReader(handle):
            cleaned.append(
                (
                    workspace.pk,
                    cells["Creator Name"][:200],
                    "prospect",
                    "",
                    cells["Amazon tracking ID"],
                    cells["Attribution tag"],
                    cells["Notes"],
                )
            )
    columns = (
        "workspace_id",
        "display_name",
        "status",
        "country",
        "associates_tracking_id",
        "attribution_tag",
        "remarks",
    )
    # Every other column gets its model default (read from the model, so new columns work).
    import datetime as dt
    import json as jsonlib

    from django.db import models as dj

    from influencers.models import Creator

    now = dt.datetime.now(dt.UTC)
    extra_columns, extra_values = [], []
    for f in Creator._meta.concrete_fields:
        if f.primary_key or f.column in columns:
            continue
        if isinstance(f, dj.DateTimeField) and (f.auto_now or f.auto_now_add):
            value = now
        else:
            value = f.get_default()
            if isinstance(f, dj.JSONField):
                value = jsonlib.dumps(value)
        extra_columns.append(f.column)
        extra_values.append(value)
    extra = tuple(extra_values)
    start = time.perf_counter()
    with connection.cursor() as cursor:
        sql = f"COPY influencers_creator ({', '.join((*columns, *extra_columns))}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for row in cleaned:
                copy.write_row(row + extra)
    elapsed = time.perf_counter() - start
    return {"seconds": elapsed, "rows_per_s": rows / elapsed}


def child_floor(source_workspace: int, rows: int) -> dict:
    """PostgreSQL's own floor for what the pipeline writes: the rows the pipeline wrote
    (creators, accounts, contacts, tag links, events) copied inside the server into a new
    workspace with INSERT … SELECT, in one transaction, commit (and so the deferred foreign-key
    checks) included. No Python per row, no parsing, no matching, no network: an import that
    writes these rows on one connection cannot be faster than this."""
    _setup()
    from django.db import connection, transaction

    from influencers.models import ActivityEvent, ContactMethod, Creator, PlatformAccount

    def columns(model, *skip):
        return [f.column for f in model._meta.concrete_fields if f.column not in skip]

    workspace = _fresh_workspace("bench-floor")
    creator_table = Creator._meta.db_table
    tags_table = Creator.tags.through._meta.db_table
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_ids ON COMMIT DROP AS SELECT id AS old, "
            f"nextval(pg_get_serial_sequence('{creator_table}', 'id')) AS new "
            f"FROM {creator_table} WHERE workspace_id = %s",
            [source_workspace],
        )
        cursor.execute("CREATE INDEX ON bench_ids (old)")
        cursor.execute("ANALYZE bench_ids")
        rest = columns(Creator, "id", "workspace_id")
        cursor.execute(
            f"INSERT INTO {creator_table} (id, workspace_id, {', '.join(rest)}) "
            f"SELECT m.new, %s, {', '.join('x.' + c for c in rest)} "
            f"FROM {creator_table} x JOIN bench_ids m ON m.old = x.id",
            [workspace.pk],
        )
        for model in (PlatformAccount, ContactMethod, ActivityEvent):
            table = model._meta.db_table
            rest = columns(model, "id", "workspace_id", "creator_id")
            cursor.execute(
                f"INSERT INTO {table} (workspace_id, creator_id, {', '.join(rest)}) "
                f"SELECT %s, m.new, {', '.join('x.' + c for c in rest)} "
                f"FROM {table} x JOIN bench_ids m ON m.old = x.creator_id "
                f"WHERE x.workspace_id = %s",
                [workspace.pk, source_workspace],
            )
        cursor.execute(
            f"INSERT INTO {tags_table} (creator_id, tag_id) SELECT m.new, x.tag_id "
            f"FROM {tags_table} x JOIN bench_ids m ON m.old = x.creator_id"
        )
    elapsed = time.perf_counter() - start
    return {"seconds": elapsed, "rows_per_s": rows / elapsed}


def child_export(count: int) -> dict:
    _setup()
    from django.db import connection

    from influencers.exporters import creators_csv_stream
    from influencers.models import Creator

    workspace = _workspace(f"bench-export-{count}")
    existing = Creator.objects.filter(workspace=workspace).count()
    if existing < count:
        # Seeded in SQL; every column not named here gets its model default (read from the
        # model, so a column added later does not break the seed).
        import datetime as dt
        import json as jsonlib

        from django.db import models as dj

        given = {
            "workspace_id": "%s",
            "display_name": "'Creator ' || g",
            "status": "'active'",
            "country": "'US'",
            "language": "'en'",
            "consent_to_contact": "true",
            "associates_tracking_id": "'c' || g || '-20'",
            "remarks": "CASE WHEN g %% 100 = 0 THEN '=cmd' ELSE '' END",
            "followers": "g",
            "engagement_rate": "1.5",
        }
        columns, expressions, params = [], [], []
        for f in Creator._meta.concrete_fields:
            if f.primary_key:
                continue
            columns.append(f.column)
            if f.column in given:
                expressions.append(given[f.column])
                if f.column == "workspace_id":
                    params.append(workspace.pk)
                continue
            if isinstance(f, dj.DateTimeField) and (f.auto_now or f.auto_now_add):
                value = dt.datetime.now(dt.UTC)
            else:
                value = f.get_default()
                if isinstance(f, dj.JSONField):
                    value = jsonlib.dumps(value)
            expressions.append("%s")
            params.append(value)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO influencers_creator ({', '.join(columns)}) "
                f"SELECT {', '.join(expressions)} FROM generate_series(%s, %s) g",
                [*params, existing + 1, count],
            )
    queryset = Creator.objects.filter(workspace=workspace)
    start = time.perf_counter()
    written = 0
    lines = 0
    for piece in creators_csv_stream(queryset, role="owner"):
        written += len(piece)
        lines += piece.count("\n")
    elapsed = time.perf_counter() - start
    assert lines >= count
    return {"creators": count, "seconds": elapsed, "rows_per_s": count / elapsed, "bytes": written}


CHILDREN = {
    "pipeline": child_pipeline,
    "iie": child_iie,
    "copy": child_copy,
    "floor": child_floor,
    "export": child_export,
}


def run_child(name: str, *args) -> dict:
    """Run one step in a fresh interpreter; add its peak RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    output = subprocess.run(
        [sys.executable, __file__, "--child", name, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if output.returncode:
        raise SystemExit(f"step {name} failed:\n{output.stderr[-3000:]}")
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    figures = json.loads(output.stdout.strip().splitlines()[-1])
    # ru_maxrss of children is the max over all children so far: report it only if it grew.
    figures["peak_rss_mb"] = round(max(peak_kb, before) / 1024, 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--export-creators", type=int, default=1_000_000)
    parser.add_argument("--skip-iie", action="store_true")
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    _environment()
    if args.child:
        name, *rest = args.child
        result = CHILDREN[name](*[int(r) if r.isdigit() else r for r in rest])
        print(json.dumps(result))
        return

    _database_ready()
    _setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sheet.csv"
        generate(path, args.rows)
        size_mb = path.stat().st_size / 1024 / 1024
        print(f"generated {args.rows} rows, {size_mb:.1f} MB")
        # Order matters for ru_maxrss (a running max over children): smallest first.
        copy = run_child("copy", path, args.rows)
        print(f"COPY (pre-cleaned creators only): {copy['rows_per_s']:,.0f} rows/s")
        pipeline = run_child("pipeline", path, args.rows)
        print(
            f"pipeline: {pipeline['rows_per_s']:,.0f} rows/s ({pipeline['seconds']:.1f} s), "
            f"re-import {pipeline['reimport_rows_per_s']:,.0f} rows/s, "
            f"peak RSS {pipeline['peak_rss_mb']} MB, outcomes {pipeline['counts']}"
        )
        floor = run_child("floor", pipeline["workspace"], args.rows)
        print(
            f"PostgreSQL floor (the rows the pipeline wrote, copied server-side in one "
            f"transaction): {floor['rows_per_s']:,.0f} rows/s ({floor['seconds']:.1f} s)"
        )
        iie = None
        if not args.skip_iie:
            iie = run_child("iie", path, args.rows)
            print(
                f"django-import-export (creators only, use_bulk): "
                f"{iie['rows_per_s']:,.0f} rows/s ({iie['seconds']:.1f} s)"
            )
    export = run_child("export", args.export_creators)
    print(
        f"export CSV of {args.export_creators:,} creators: {export['rows_per_s']:,.0f} rows/s "
        f"({export['seconds']:.1f} s)"
    )
    figures = {
        "rows": args.rows,
        "file_mb": round(size_mb, 1),
        "pipeline_rows_per_s": round(pipeline["rows_per_s"]),
        "pipeline_reimport_rows_per_s": round(pipeline["reimport_rows_per_s"]),
        "pipeline_peak_rss_mb": pipeline["peak_rss_mb"],
        "copy_rows_per_s": round(copy["rows_per_s"]),
        "floor_rows_per_s": round(floor["rows_per_s"]),
        "pipeline_vs_floor": round(pipeline["rows_per_s"] / floor["rows_per_s"], 2),
        "iie_rows_per_s": round(iie["rows_per_s"]) if iie else None,
        "pipeline_vs_iie": round(pipeline["rows_per_s"] / iie["rows_per_s"], 2) if iie else None,
        "pipeline_vs_copy": round(pipeline["rows_per_s"] / copy["rows_per_s"], 3),
        "export_creators": args.export_creators,
        "export_rows_per_s": round(export["rows_per_s"]),
        "export_peak_rss_mb": export["peak_rss_mb"],
        "targets_met": {
            "pipeline_10k_rows_per_s": pipeline["rows_per_s"] >= 10_000,
            "pipeline_5x_iie": bool(iie) and pipeline["rows_per_s"] >= 5 * iie["rows_per_s"],
            "pipeline_peak_under_300mb": pipeline["peak_rss_mb"] < 300,
            "export_50k_rows_per_s": export["rows_per_s"] >= 50_000,
        },
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
