"""Where an API request's time goes: each phase of GET /api/v1/... timed on its own.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ipm_bench \\
        .venv/bin/python bench/api_phases.py [--repeat 300] [URL ...]

Runs on a database bench/api_list.py has loaded (its `bench-big` workspace, a fresh token of
its `bench` user). Each phase (authentication, throttles, the filter backend, the pager, the
row shape, the payload, rendering) is wrapped with a timer; for each URL it prints the
request's p50 and mean and the mean time of each phase (a phase inside another is counted in
both). The default URLs are a word nobody has, a filter, and the smallest authenticated
request (/api/v1/me/).
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import api_list  # noqa: E402  (the same environment and data)

DEFAULT_URLS = [
    "/api/v1/creators/?page_size=50&search=zzqx",
    "/api/v1/creators/?page_size=50&status=active&country=US",
    "/api/v1/me/",
]


def _timed(owner, name: str, label: str, spent: dict) -> None:
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[label] += time.perf_counter() - started

    setattr(owner, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="*", default=DEFAULT_URLS)
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    api_list._environment()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.template.response import SimpleTemplateResponse
    from django.test import Client
    from rest_framework import views

    from config import server_process
    from influencers.api import authentication, pagination
    from influencers.api.views import creators
    from influencers.models import ApiToken, Workspace
    from influencers.services.tokens import api_token_create

    user = get_user_model().objects.get(username="bench")
    workspace = Workspace.objects.get(slug=api_list.BIG_SLUG)
    ApiToken.objects.filter(user=user, name="phases").delete()
    _token, raw = api_token_create(user=user, workspace=workspace, name="phases")

    spent: dict[str, float] = collections.defaultdict(float)
    phases = [
        (views.APIView, "dispatch", "DRF dispatch (all)"),
        (views.APIView, "initial", "  initial (auth, permissions, throttles)"),
        (authentication.ApiTokenAuthentication, "authenticate", "    token"),
        (views.APIView, "check_throttles", "    throttles"),
        (creators.CreatorViewSet, "list", "  list (all)"),
        (creators.CreatorViewSet, "filter_queryset", "    filters and search"),
        (creators, "creator_page_rows", "    row shape"),
        (pagination.KeysetPagination, "paginate_queryset", "    page query"),
        (creators.CreatorViewSet, "payload", "    payload"),
        (SimpleTemplateResponse, "render", "render"),
    ]
    for owner, name, label in phases:
        _timed(owner, name, label, spent)
    server_process.settle()
    client = Client()
    header = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    for url in args.urls:
        for _ in range(30):
            client.get(url, **header)
        spent.clear()
        samples = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = client.get(url, **header)
            samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        mean = sum(samples) / len(samples)
        print(f"{url}: p50 {api_list.pct(samples, 0.5):.2f} ms, mean {mean:.2f} ms")
        for _owner, _name, label in phases:
            if label in spent:
                print(f"  {label:<42} {spent[label] / args.repeat * 1000:6.2f} ms")


if __name__ == "__main__":
    main()
