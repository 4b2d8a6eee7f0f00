"""The readiness score: reasons, do-not-contact = 0, set-based (query count flat), weights,
recompute after a change, API and admin exposure."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from influencers import scoring
from influencers.models import Creator, CreatorReadiness, ScoringWeights
from influencers.services.readiness import readiness_recompute
from tests.factories import (
    CollaborationFactory,
    ContactMethodFactory,
    CreatorFactory,
    NoteFactory,
    PlatformAccountFactory,
)

pytestmark = pytest.mark.django_db


def _strong(workspace, **kw):
    creator = CreatorFactory(
        workspace=workspace,
        consent_amazon_links=True,
        amazon_storefront_url="https://www.amazon.com/shop/strong",
        associates_tracking_id="strong-20",
        rollup_orders=500,
        rollup_gmv=Decimal("50000"),
        rollup_roi=Decimal("3"),
        last_contacted_at=timezone.now() - dt.timedelta(days=10),
        **kw,
    )
    PlatformAccountFactory(
        creator=creator, followers=2_000_000, average_views=300_000, engagement_rate=Decimal("8")
    )
    ContactMethodFactory(creator=creator)
    CollaborationFactory(creator=creator, kind="creator_connections", status="completed")
    NoteFactory(creator=creator, kind="performance", rating_reliability=5)
    return creator


def test_strong_creator_scores_high_with_a_reason_for_every_part(workspace):
    creator = _strong(workspace)
    weak = CreatorFactory(workspace=workspace, consent_to_contact=False)
    assert readiness_recompute(workspace_id=workspace.pk) == 2
    creator.refresh_from_db()
    weak.refresh_from_db()
    assert creator.readiness.score >= 80
    assert weak.readiness.score < 10
    keys = [r["key"] for r in creator.readiness.reasons]
    assert keys == list(scoring.COMPONENTS)
    assert sum(r["points"] for r in creator.readiness.reasons) == pytest.approx(
        creator.readiness.score, abs=3
    )
    texts = scoring.reason_texts(creator.readiness.reasons)
    assert any("2000000 followers" in t for t in texts)
    assert any("Contactable" in t for t in texts)
    assert creator.readiness.computed_at is not None


def test_reasons_read_in_the_language_of_each_request():
    """The sentences are looked up once per language (scoring._reason_templates): English,
    then Chinese, then English again, each in its own words."""
    from django.utils import translation

    reasons = [
        {"key": "amazon", "points": 5, "storefront": True, "consent": False},
        {"key": "contactability", "points": 10, "contactable": True},
    ]
    english = scoring.reason_texts(reasons)
    with translation.override("zh-hans"):
        chinese = scoring.reason_texts(reasons)
    assert english == [
        "Amazon readiness: storefront yes, Associates tag no, Creator Connections history no, "
        "consents to Amazon links no (+5)",
        "Contactable: consented, valid email (+10)",
    ]
    assert chinese[0].startswith("Amazon 准备度：店铺页 是，") and "可联系" in chinese[1]
    assert scoring.reason_texts(reasons) == english


def test_do_not_contact_scores_zero(workspace):
    creator = _strong(workspace, status=Creator.Status.DO_NOT_CONTACT)
    readiness_recompute(workspace_id=workspace.pk, creator_ids=[creator.pk])
    creator.refresh_from_db()
    assert creator.readiness.score == 0
    assert creator.readiness.reasons == [{"key": "do_not_contact", "points": 0}]


def test_unconsented_email_is_not_contactable(workspace):
    creator = CreatorFactory(workspace=workspace)
    ContactMethodFactory(creator=creator, consent=False)
    readiness_recompute(workspace_id=workspace.pk, creator_ids=[creator.pk])
    creator.refresh_from_db()
    contact = next(r for r in creator.readiness.reasons if r["key"] == "contactability")
    assert contact == {"key": "contactability", "points": 0, "contactable": False}


@pytest.mark.parametrize("batch", [True, False])
def test_recompute_is_set_based_query_count_does_not_grow(workspace, batch):
    def run(n):
        creators = [_strong(workspace) for _ in range(n)]
        ids = [c.pk for c in creators] if batch else None
        with CaptureQueriesContext(connection) as ctx:
            updated = readiness_recompute(workspace_id=workspace.pk, creator_ids=ids)
        return len(ctx.captured_queries), updated

    small, _n = run(2)
    large, updated = run(20)
    assert small == large
    # The whole-workspace run scores all 22 but rewrites only the 20 new ones: the first two
    # come out unchanged.
    assert updated == 20


def test_every_creator_gets_a_readiness_row_however_it_is_inserted(workspace):
    one = CreatorFactory(workspace=workspace)
    bulk = Creator.objects.bulk_create(
        [Creator(workspace=workspace, display_name=f"Bulk {i}") for i in range(3)]
    )
    with connection.cursor() as cursor:  # as the importers' COPY does: no ORM, no signals
        cursor.execute(
            "INSERT INTO influencers_creator (created_at, updated_at, workspace_id, "
            "display_name, status, country, language, languages, consent_to_contact, "
            "consent_amazon_links, amazon_storefront_url, associates_tracking_id, "
            "attribution_tag, tiktok_shop_status, remarks, rollup_collaborations, rollup_posts, "
            "rollup_views, rollup_orders, rollup_gmv, rollup_cost, followers, engagement_rate) "
            "SELECT now(), now(), %s, 'Raw ' || g, 'prospect', '', '', '[]', false, false, '', "
            "'', '', 'none', '', 0, 0, 0, 0, 0, 0, 0, 0 FROM generate_series(1, 2) g",
            [workspace.pk],
        )
    rows = CreatorReadiness.objects.filter(workspace=workspace)
    assert rows.count() == Creator.objects.filter(workspace=workspace).count() == 6
    assert {(r.score, r.computed_at) for r in rows} == {(0, None)}
    assert rows.get(creator=bulk[0]).reasons == []

    one.delete()
    assert not CreatorReadiness.objects.filter(creator_id=one.pk).exists()


def test_workspace_weights_change_the_score(workspace):
    creator = CreatorFactory(workspace=workspace)
    ContactMethodFactory(creator=creator)
    readiness_recompute(workspace_id=workspace.pk)
    creator.refresh_from_db()
    assert creator.readiness.score == 10  # contactability only, default weight 10 of 100
    ScoringWeights.objects.create(
        workspace=workspace,
        reach=0,
        engagement=0,
        results=0,
        relationship=0,
        amazon=0,
        contactability=1,
    )
    readiness_recompute(workspace_id=workspace.pk)
    creator.refresh_from_db()
    assert creator.readiness.score == 100


def test_other_workspaces_are_not_touched(workspace, other_workspace):
    mine = _strong(workspace)
    theirs = _strong(other_workspace)
    readiness_recompute(workspace_id=workspace.pk)
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert mine.readiness.score > 0
    assert theirs.readiness.computed_at is None


@pytest.mark.django_db(transaction=True)
def test_a_change_is_rescored_after_commit():
    from tests.factories import WorkspaceFactory

    ws = WorkspaceFactory()
    creator = CreatorFactory(workspace=ws)  # eager Celery in tests: runs on commit
    creator.refresh_from_db()
    assert creator.readiness.computed_at is not None
    assert creator.readiness.score == 0
    ContactMethodFactory(creator=creator)
    from django.core.cache import cache

    cache.clear()  # the debounce key of the first run would hold the second back for a while
    ContactMethodFactory(creator=creator, kind="phone", value="+12025550100")
    creator.refresh_from_db()
    assert creator.readiness.score == 10


def test_unchanged_scores_are_not_rewritten_and_the_pool_check_is_recorded(workspace):
    creator = _strong(workspace)
    assert readiness_recompute(workspace_id=workspace.pk) == 1
    creator.refresh_from_db()
    first = creator.readiness.computed_at
    workspace.refresh_from_db()
    checked = workspace.readiness_checked_at
    assert checked is not None

    # Nothing changed: scored and compared, not rewritten; the workspace records the check.
    assert readiness_recompute(workspace_id=workspace.pk) == 0
    assert readiness_recompute(workspace_id=workspace.pk, creator_ids=[creator.pk]) == 0
    creator.refresh_from_db()
    assert creator.readiness.computed_at == first
    workspace.refresh_from_db()
    assert workspace.readiness_checked_at > checked

    ContactMethodFactory(creator=creator, consent=False, is_primary=False)  # no effect
    NoteFactory(creator=creator, kind="performance", rating_reliability=1)  # lowers it
    score = creator.readiness.score
    assert readiness_recompute(workspace_id=workspace.pk) == 1
    creator.refresh_from_db()
    assert creator.readiness.score < score
    assert creator.readiness.computed_at >= first  # now(): the test's one transaction


@pytest.mark.django_db(transaction=True)
def test_whole_workspace_ranges_run_in_parallel_on_their_own_connections(settings, monkeypatch):
    from influencers.services import readiness
    from tests.factories import WorkspaceFactory

    ws = WorkspaceFactory()
    creators = [_strong(ws) for _ in range(5)]
    CreatorReadiness.objects.update(score=0, reasons=[], computed_at=None)
    monkeypatch.setattr(readiness, "RANGE_SIZE", 2)
    settings.READINESS_PARALLEL = 2
    threads = set()
    score_range = readiness._score_range

    def spy(*args):
        import threading

        threads.add(threading.get_ident())
        return score_range(*args)

    monkeypatch.setattr(readiness, "_score_range", spy)
    assert readiness_recompute(workspace_id=ws.pk) == 5
    assert len(threads) >= 1 and threading_main() not in threads
    scores = CreatorReadiness.objects.filter(creator__in=creators)
    assert len(scores) == 5 and all(r.score >= 80 and r.computed_at for r in scores)


def threading_main() -> int:
    import threading

    return threading.main_thread().ident
