"""Admin creator list benchmark (issue #13, item 7): the list, each filter, each sort, the
searches (name, handle, email, phone) and the creator page, at N creators.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ipm_bench \\
        .venv/bin/python bench/admin_list.py [--creators 1000000] [--repeat 20] [--reuse]

Loads the same pool as bench/api_list.py (its loader, COPY, then VACUUM ANALYZE of every table
it loaded), signs in the workspace owner with Django's test Client and times each page
end to end in the server process (request in, HTML out: the server's time; no browser, no
network). Each page is checked to answer 200 with creator rows. Target: p95 <= 300 ms each.
The last line of output is one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import api_list  # noqa: E402 - after sys.path

TARGET_MS = 300
LIST = "/admin/influencers/creator/"


def _sort_columns() -> dict[str, int]:
    """list_display position of each sortable column (the admin sorts by ?o=<position>)."""
    from django.contrib import admin

    from influencers.models import Creator

    model_admin = admin.site._registry[Creator]
    wanted = {
        "display_name": "name",
        "status_badge": "status",
        "followers_display": "followers",
        "engagement_display": "engagement",
        "readiness_score": "readiness",
        "gmv": "GMV",
        "roi": "ROI",
        "last_contacted_at": "last contact",
        "owner": "owner",
    }
    # The list shows the selection checkbox first: ?o= counts it.
    return {label: 1 + model_admin.list_display.index(name) for name, label in wanted.items()}


def pages(ws) -> list[tuple[str, str]]:
    from influencers.models import ContactMethod, Creator, Tag

    tag = Tag.objects.filter(workspace_id=ws, name="asmr").values_list("pk", flat=True).first()
    email = (
        ContactMethod.objects.filter(workspace_id=ws, kind="email")
        .order_by("pk")
        .values_list("value_normalised", flat=True)[5000]
    )
    phone = (
        ContactMethod.objects.filter(workspace_id=ws, kind="phone")
        .order_by("pk")
        .values_list("value_normalised", flat=True)
        .first()
    )
    creator = (
        Creator.objects.filter(workspace_id=ws).order_by("pk").values_list("pk", flat=True)[12345]
    )
    out = [
        ("list", ""),
        ("filter status", "status__exact=active"),
        ("filter TikTok Shop", "tiktok_shop_status__exact=none"),
        ("filter platform", "platform=instagram"),
        ("filter tag (any)", f"tags_any={tag}"),
        ("filter country", "country=US"),
        ("filter language", "language=Spanish"),
        ("filter rating", "rating=5"),
        ("filter readiness", "readiness__score_from=60"),
        ("filter followers", "followers_from=100000&followers_to=500000"),
        ("filter engagement", "engagement_rate_from=10"),
        ("filter GMV", "rollup_gmv_from=1000"),
        ("search name", "q=emma"),
        # A name no creator has, and one creator's whole name: the name trigrams
        # (creator_name_trigrams) answer both without reading the names.
        ("search rare name", "q=d%C3%ADaz"),
        ("search full name", "q=Ava%20Adams%20226466"),
        ("search handle", "q=%40emma.s"),
        ("search email", f"q={email}"),
    ]
    if phone:
        out.append(("search phone", f"q={phone}"))
    for label, position in _sort_columns().items():
        out.append((f"sort {label} desc", f"o=-{position}"))
        out.append((f"sort {label} asc", f"o={position}"))
    out.append(("creator page", f"@{creator}"))
    return out


def run(repeat: int, warmup: int) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from influencers.models import Workspace

    ws = Workspace.objects.get(slug=api_list.BIG_SLUG).pk
    user = get_user_model().objects.get(username="bench")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(user)
    results = []
    for name, query in pages(ws):
        if query.startswith("@"):
            url = f"{LIST}{query[1:]}/change/"
        else:
            url = f"{LIST}?{query}" if query else LIST
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        html = response.content.decode()
        if 'id="result-count"' in html:
            # What the page shows (the bench runs without the test client's context capture).
            shown = html.count('name="_selected_action"')
            counted = re.search(r'id="result-count"([^>]*)>(.*?)</div>', html, re.S)
            estimated = "data-estimated" in counted.group(1)
            count = " ".join(re.sub(r"<[^>]+>", " ", counted.group(2)).split())
        else:
            shown, count, estimated = 1, "creator page", False
        times = []
        for i in range(warmup + repeat):
            t0 = time.perf_counter()
            client.get(url)
            if i >= warmup:
                times.append((time.perf_counter() - t0) * 1000)
        row = {
            "page": name,
            "url": url,
            "rows": shown,
            "count": count,
            "estimated": estimated,
            "p50_ms": round(api_list.pct(times, 0.5), 1),
            "p95_ms": round(api_list.pct(times, 0.95), 1),
        }
        results.append(row)
        flag = "" if row["p95_ms"] <= TARGET_MS else "  OVER"
        print(
            f"  {name:<24} p50 {row['p50_ms']:7.1f}  p95 {row['p95_ms']:7.1f} ms  "
            f"{shown:>3} rows; {count}{flag}",
            flush=True,
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--creators", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep data already loaded for N")
    args = parser.parse_args()

    api_list._environment()
    api_list._ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    _token, load_figures = api_list.prepare(args.creators, args.reuse)
    if load_figures["loaded"]:
        print(
            "loaded {creators} creators in {load_seconds} s (VACUUM ANALYZE "
            "{analyze_seconds} s)".format(**load_figures)
        )
    else:
        print(f"reused {args.creators} creators")
    print(f"admin pages: p50 / p95 ms over {args.repeat} runs (after {args.warmup} warm-up)")
    # As config.wsgi does in a serving process (the test Client used here does not import it).
    from config import server_process

    server_process.settle()
    results = run(args.repeat, args.warmup)
    worst = max(results, key=lambda r: r["p95_ms"])
    over = [r["page"] for r in results if r["p95_ms"] > TARGET_MS]
    print(
        f"worst p95 {worst['p95_ms']:.1f} ms ({worst['page']}); target <= {TARGET_MS} ms: "
        + ("met" if not over else f"NOT met for {', '.join(over)}")
    )
    print(
        json.dumps(
            {
                "benchmark": "admin_list",
                "creators": args.creators,
                "repeat": args.repeat,
                "target_p95_ms": TARGET_MS,
                "worst_p95_ms": worst["p95_ms"],
                "over_target": over,
                "pages": results,
            }
        )
    )


if __name__ == "__main__":
    main()
