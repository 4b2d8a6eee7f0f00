"""The product's own export reads back and changes nothing (issue 11, item 5): every field
the creator import reads is in the CSV and the XLSX, the import recognises the file as a
creator sheet (not a report, though it has orders and GMV), and export -> import is 0 created,
0 updated, nothing written — in English and in Chinese, for the sample sheets and for random
pools."""

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from influencers.exporters import creators_csv_stream, creators_xlsx_file
from influencers.importers import pipeline
from influencers.models import (
    ActivityEvent,
    Agency,
    ContactMethod,
    Creator,
    ImportKind,
    PlatformAccount,
)
from influencers.services.imports import import_job_create
from tests.factories import (
    AgencyFactory,
    ContactMethodFactory,
    CreatorFactory,
    MembershipFactory,
    PlatformAccountFactory,
    TagFactory,
    UserFactory,
    WorkspaceFactory,
)

DATA = Path(__file__).parent / "fixtures" / "data"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    yield
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


def state(workspace):
    """Everything an import could touch, updated_at included: equal means nothing written."""
    creators = Creator.objects.filter(workspace=workspace)
    return {
        "creators": sorted(creators.values_list()),
        "accounts": sorted(PlatformAccount.objects.filter(workspace=workspace).values_list()),
        "contacts": sorted(ContactMethod.objects.filter(workspace=workspace).values_list()),
        "tags": sorted(
            Creator.tags.through.objects.filter(creator__workspace=workspace).values_list(
                "creator_id", "tag_id"
            )
        ),
        "agencies": sorted(Agency.objects.filter(workspace=workspace).values_list()),
        "events": ActivityEvent.objects.filter(workspace=workspace).count(),
        "history": Creator.history.filter(workspace=workspace).count(),
    }


def run(workspace, name, data: bytes, **kwargs):
    upload = SimpleUploadedFile(name, data)
    job = import_job_create(workspace=workspace, actor=None, upload=upload, **kwargs)
    return pipeline.run(job.pk)


def export(workspace, fmt: str) -> bytes:
    queryset = Creator.objects.filter(workspace=workspace)
    if fmt == "csv":
        return "".join(creators_csv_stream(queryset, role="owner")).encode("utf-8")
    handle = creators_xlsx_file(queryset, role="owner")
    try:
        return handle.read()
    finally:
        handle.close()


def assert_round_trip(workspace, fmt: str, language: str, policy: str = "fill_empty"):
    before = state(workspace)
    with translation.override(language):
        data = export(workspace, fmt)
    job = run(workspace, f"export.{fmt}", data, policy=policy)
    assert job.state == "succeeded", job.error_message
    assert job.kind == ImportKind.CREATORS
    outcome = (job.created_count, job.updated_count, job.skipped_count, job.failed_count)
    assert outcome == (0, 0, 0, 0), list(job.issues.values_list("line", "column", "reason"))
    assert job.unchanged_count == Creator.objects.filter(workspace=workspace).count()
    assert state(workspace) == before


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("sample", ["creators_sheet_en.csv", "creators_sheet_zh_gb18030.csv"])
def test_the_sample_sheets_exported_and_imported_back_change_nothing(
    workspace, sample, language, fmt
):
    first = run(workspace, sample, (DATA / sample).read_bytes())
    assert first.created_count > 10

    assert_round_trip(workspace, fmt, language)


@pytest.mark.django_db
def test_the_export_read_back_with_overwrite_changes_nothing_either(workspace):
    run(workspace, "s.csv", (DATA / "creators_sheet_en.csv").read_bytes())

    assert_round_trip(workspace, "csv", "en", policy="overwrite")


@pytest.mark.django_db
def test_an_export_of_one_pool_builds_the_same_pool_in_another_workspace(workspace, member):
    """What the export carries is all a creator sheet needs: a new workspace gets the same
    creators, handles, contacts, tags, agency, status, owner and Amazon IDs."""
    build_pool(workspace, seed=3, size=12, owner=member)
    data = export(workspace, "csv")
    other = WorkspaceFactory()
    MembershipFactory(workspace=other, user=member, role="manager")

    job = run(other, "export.csv", data)

    assert (job.created_count, job.failed_count) == (12, 0)
    assert portable(workspace) == portable(other)


def portable(workspace):
    """A pool without its ids and timestamps, creator by creator (by TikTok handle)."""
    out = {}
    for creator in Creator.objects.filter(workspace=workspace).prefetch_related(
        "accounts", "contacts", "tags"
    ):
        key = sorted((a.platform, a.handle_normalised) for a in creator.accounts.all())[0]
        out[key] = (
            creator.display_name,
            creator.status,
            creator.owner_id,
            creator.agency.name if creator.agency_id else None,
            creator.associates_tracking_id,
            creator.attribution_tag,
            creator.tiktok_shop_status,
            creator.country,
            creator.language,
            sorted((a.platform, a.handle_normalised) for a in creator.accounts.all()),
            # A sheet has one Followers column: the main account's (TikTok first).
            main_account(creator).followers,
            sorted((c.kind, c.value_normalised) for c in creator.contacts.all()),
            sorted(t.name for t in creator.tags.all()),
        )
    return out


def main_account(creator):
    order = ["tiktok", "instagram", "youtube", "x", "twitch"]
    return min(creator.accounts.all(), key=lambda a: (order.index(a.platform), a.pk))


STATUSES = ["prospect", "contacted", "negotiating", "active", "paused", "do_not_contact"]
SHOP = ["none", "invited", "active", "inactive"]


def build_pool(workspace, *, seed: int, size: int, owner=None):
    """A pool with what sellers keep: several handles per platform, several contacts of each
    kind, tags, agencies, statuses, owners, Amazon IDs, figures or none, formula-like text."""
    import random

    rng = random.Random(seed)
    agencies = [AgencyFactory(workspace=workspace, name=f"MCN {n}") for n in range(2)]
    tags = [TagFactory(workspace=workspace, name=name) for name in ("pets", "Beauty", "家居")]
    for n in range(size):
        creator = CreatorFactory(
            workspace=workspace,
            display_name=rng.choice([f"Creator {n}", f"=Trick {n}", f"王芳 {n}"]),
            status=rng.choice(STATUSES),
            tiktok_shop_status=rng.choice(SHOP),
            owner=owner if rng.random() < 0.5 else None,
            agency=rng.choice([None, *agencies]),
            country=rng.choice(["", "US", "DE", "CN"]),
            language=rng.choice(["en", "zh", "de"]),
            associates_tracking_id=rng.choice(["", f"maker{n}-20"]),
            attribution_tag=rng.choice(["", f"maas_{n}"]),
            remarks=rng.choice(["", "likes pets", "-call back"]),
        )
        for i in range(rng.randint(1, 2)):
            PlatformAccountFactory(
                creator=creator,
                platform="tiktok",
                handle=f"@maker.{n}.{i}",
                handle_normalised=f"maker.{n}.{i}",
                followers=rng.choice([None, 1_000 * (n + 1)]),
                engagement_rate=rng.choice([None, Decimal("4.20")]),
            )
        if rng.random() < 0.5:
            PlatformAccountFactory(
                creator=creator, platform="instagram", handle_normalised=f"ig.maker.{n}"
            )
        for i in range(rng.randint(0, 2)):
            ContactMethodFactory(
                creator=creator,
                kind="email",
                value=f"maker{n}.{i}@example.com",
                value_normalised=f"maker{n}.{i}@example.com",
                is_primary=i == 0,
            )
        if rng.random() < 0.5:
            ContactMethodFactory(
                creator=creator, kind="phone", value=f"+1201555{n:04d}",
                value_normalised=f"+1201555{n:04d}", is_primary=True,
            )  # fmt: skip
        if rng.random() < 0.3:
            ContactMethodFactory(
                creator=creator, kind="whatsapp", value=f"+49151123{n:05d}",
                value_normalised=f"+49151123{n:05d}", is_primary=True,
            )  # fmt: skip
        creator.tags.set(rng.sample(tags, rng.randint(0, 2)))


@pytest.mark.django_db
@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10_000), fmt=st.sampled_from(["csv", "xlsx"]))
def test_any_pool_exported_and_imported_back_changes_nothing(seed, fmt):
    workspace = WorkspaceFactory()
    owner = UserFactory()
    MembershipFactory(workspace=workspace, user=owner, role="member")
    build_pool(workspace, seed=seed, size=15, owner=owner)

    assert_round_trip(workspace, fmt, "en")


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_api_exports_the_filtered_list_as_csv_or_xlsx_and_it_reads_back(api, workspace, fmt):
    build_pool(workspace, seed=5, size=6, owner=api.user)
    before = state(workspace)

    response = api.get("/api/v1/creators/", {"format": fmt})

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'creators.{fmt}"')
    data = b"".join(response.streaming_content)
    job = run(workspace, f"api.{fmt}", data)
    assert (job.kind, job.created_count, job.updated_count, job.failed_count) == (
        ImportKind.CREATORS, 0, 0, 0,
    )  # fmt: skip
    assert job.unchanged_count == 6
    assert state(workspace) == before
