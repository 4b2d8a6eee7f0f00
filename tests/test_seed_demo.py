import re
import time
from collections import defaultdict
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.urls import reverse

from influencers.demo import builder
from influencers.demo.data import BASE_DATE
from influencers.models import (
    ActivityEvent,
    Collaboration,
    CollaborationStatus,
    CollaborationType,
    ContactMethod,
    ContentPost,
    Creator,
    CreatorReadiness,
    CreatorStatus,
    Membership,
    MetricSnapshot,
    Note,
    PlatformAccount,
    Product,
    SwitchoverPlan,
    Workspace,
)
from influencers.normalisers import normalise_email, normalise_handle
from influencers.scoring import COMPONENTS, reason_texts
from influencers.selectors.rollups import creator_rollups
from influencers.switchover import selection

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


def run(command, *args, **kwargs) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO(), **kwargs)
    return out.getvalue()


def all_counts() -> dict[str, int]:
    """Rows in every table of the project (auth, history tables and all)."""
    tables = set(connection.introspection.table_names())
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.db_table in tables
    }


@pytest.fixture
def seeded():
    started = time.perf_counter()
    output = run("seed_demo")
    elapsed = time.perf_counter() - started
    return Workspace.objects.get(slug="demo"), elapsed, output


def test_seed_demo_builds_a_large_varied_pool_quickly(seeded):
    demo, elapsed, output = seeded
    assert elapsed < 30, f"seeding took {elapsed:.1f} s"
    assert "Seeded Demo Brand (demo)" in output
    assert "Seeded Second Brand (second-brand)" in output
    second = Workspace.objects.get(slug="second-brand")
    creators = Creator.objects.filter(workspace=demo)
    assert creators.count() >= 300
    assert Creator.objects.filter(workspace=second).count() == 20

    assert set(creators.values_list("status", flat=True)) == set(CreatorStatus.values)
    countries = set(creators.values_list("country", flat=True))
    assert {"US", "GB", "DE", "CA", "MX", "JP", "ES", "FR", "AU"} <= countries
    assert {"en", "es", "zh"} <= set(creators.values_list("language", flat=True))
    platforms = set(
        PlatformAccount.objects.filter(workspace=demo).values_list("platform", flat=True)
    )
    assert {"tiktok", "instagram", "youtube", "x", "twitch", "amazon"} <= platforms
    assert creators.exclude(associates_tracking_id="").exists()
    assert creators.exclude(attribution_tag="").exists()
    assert creators.filter(consent_amazon_links=True).exists()
    assert not creators.filter(status="do_not_contact", consent_to_contact=True).exists()
    assert len(set(creators.values_list("tiktok_shop_status", flat=True))) == 4
    assert any(CJK.search(name) for name in demo_tag_names(demo))

    collaborations = Collaboration.objects.filter(workspace=demo)
    assert set(collaborations.values_list("kind", flat=True)) == set(CollaborationType.values)
    assert set(collaborations.values_list("status", flat=True)) == set(CollaborationStatus.values)
    shipped = collaborations.filter(sample_shipped_on__isnull=False)
    assert shipped.exists()
    assert not shipped.filter(sample_carrier="").exists()
    assert not shipped.filter(sample_tracking_number="").exists()
    assert not shipped.filter(sample_quantity=0).exists()
    assert collaborations.filter(fee__gt=0).exists()
    assert collaborations.filter(commission_rate__gt=0).exists()
    assert collaborations.exclude(promo_code="").exists()
    assert collaborations.filter(post_by__isnull=False).exists()
    assert ContentPost.objects.filter(workspace=demo).count() > 100

    assert all(
        re.fullmatch(r"[A-Z0-9]{10}", asin)
        for asin in Product.objects.filter(workspace=demo).values_list("asin", flat=True)
    )
    assert (
        ActivityEvent.objects.filter(
            workspace=demo, verb=ActivityEvent.Verb.CREATOR_CREATED
        ).count()
        == creators.count()
    )


def demo_tag_names(workspace):
    return list(
        Creator.tags.through.objects.filter(creator__workspace=workspace).values_list(
            "tag__name", flat=True
        )
    )


def test_seeded_notes_are_bilingual_and_drive_last_contact(seeded):
    demo, _, _ = seeded
    notes = Note.objects.filter(workspace=demo)
    bodies = list(notes.values_list("body", flat=True))
    assert any(CJK.search(body) for body in bodies), "no Chinese note"
    assert any(re.search(r"\b(the|and|with)\b", body) for body in bodies), "no English note"
    assert set(notes.values_list("kind", flat=True)) == set(Note.Kind.values)
    performance = notes.filter(kind=Note.Kind.PERFORMANCE, rating_content__isnull=False)
    assert performance.exists()
    ratings = set(performance.values_list("rating_content", flat=True))
    assert ratings <= {1, 2, 3, 4, 5} and len(ratings) >= 3
    today = BASE_DATE
    assert notes.filter(follow_up_on__lte=today).exists()  # due
    assert notes.filter(follow_up_on__gt=today).exists()  # coming up

    last_contact = dict(
        notes.filter(kind__in=Note.CONTACT_KINDS)
        .values("creator_id")
        .annotate(last=Max("occurred_at"))
        .values_list("creator_id", "last")
    )
    for creator_id, stored in Creator.objects.filter(workspace=demo).values_list(
        "id", "last_contacted_at"
    ):
        assert stored == last_contact.get(creator_id)


def test_seeded_contacts_and_handles_are_normalised(seeded):
    demo, _, _ = seeded
    for platform, handle, normalised in PlatformAccount.objects.filter(workspace=demo).values_list(
        "platform", "handle", "handle_normalised"
    ):
        assert normalised == normalise_handle(handle, platform)
    contacts = ContactMethod.objects.filter(workspace=demo)
    kinds = set(contacts.values_list("kind", flat=True))
    assert {"email", "phone", "whatsapp", "wechat", "agent"} <= kinds
    for value, normalised in contacts.filter(kind="email").values_list("value", "value_normalised"):
        assert normalised == normalise_email(value)
    for normalised in contacts.filter(kind__in=["phone", "whatsapp"]).values_list(
        "value_normalised", flat=True
    ):
        assert re.fullmatch(r"\+[1-9]\d{6,14}", normalised)
    assert contacts.filter(is_primary=True).exists()
    assert contacts.filter(consent=True).exists()


def test_seeded_snapshots_are_cumulative_and_roll_ups_are_filled(seeded):
    demo, _, _ = seeded
    snapshots = MetricSnapshot.objects.filter(workspace=demo)
    assert set(snapshots.values_list("source", flat=True)) == set(MetricSnapshot.Source.values)
    series = defaultdict(list)
    for row in snapshots.order_by("captured_at", "id").values(
        "post_id", "collaboration_id", "creator_id", "views", "orders", "sales"
    ):
        series[(row["creator_id"], row["post_id"], row["collaboration_id"])].append(row)
    assert sum(1 for readings in series.values() if len(readings) >= 3) > 50
    for readings in series.values():
        for field in ("views", "orders", "sales"):
            values = [r[field] for r in readings if r[field] is not None]
            assert values == sorted(values), f"{field} went down: {values}"

    creators = Creator.objects.filter(workspace=demo)
    assert not creators.filter(rollups_updated_at__isnull=True).exists()
    # Most active creators have sold something; prospects and the newly contacted have not.
    assert creators.filter(rollup_collaborations__gt=0).count() >= 150
    assert creators.filter(rollup_views__gt=0).count() >= 80
    assert creators.filter(rollup_orders__gt=0, rollup_gmv__gt=0).count() >= 50
    assert creators.filter(rollup_cost__gt=0, rollup_roi__isnull=False).count() >= 50
    assert not creators.filter(followers=0).exists()  # reach from the largest account
    # What is stored is what the roll-up selector computes from the rows, for every creator.
    fields = ("collaborations", "posts", "views", "orders", "gmv", "cost", "roi")
    stored = {c["id"]: c for c in creators.values("id", *(f"rollup_{f}" for f in fields))}
    for creator_id, rollup in creator_rollups(creator_ids=list(stored)).items():
        expected = [getattr(rollup, f) for f in fields]
        assert [stored[creator_id][f"rollup_{f}"] for f in fields] == expected


def test_seeded_readiness_spreads_from_zero_to_the_top_with_reasons_in_words(seeded):
    """Every creator is scored by the application's own scoring, from do-not-contact (0) to
    proven Amazon affiliates near the top, and each score comes with sentences saying why.
    (The demo's history is dated around BASE_DATE and the score counts days since the last
    contact until today, so scores drift down a few points over the months: the bounds leave
    room for that.)"""
    demo, _, _ = seeded
    assert demo.readiness_checked_at is not None
    readiness = CreatorReadiness.objects.filter(workspace=demo)
    assert readiness.count() == Creator.objects.filter(workspace=demo).count()
    assert not readiness.filter(computed_at__isnull=True).exists()
    scores = sorted(readiness.values_list("score", flat=True))
    assert scores[0] == 0 and scores[-1] >= 80
    assert len({score // 10 for score in scores}) >= 8, scores  # every band, not a lump
    assert sum(score >= 70 for score in scores) >= 10
    assert sum(score < 20 for score in scores) >= 10

    dnc = readiness.filter(creator__status=CreatorStatus.DO_NOT_CONTACT)
    assert dnc.exists() and set(dnc.values_list("score", flat=True)) == {0}
    assert reason_texts(dnc.first().reasons) == ["Do not contact: scores 0 and is never invited."]
    for score, reasons in readiness.exclude(
        creator__status=CreatorStatus.DO_NOT_CONTACT
    ).values_list("score", "reasons"):
        texts = reason_texts(reasons)
        assert len(texts) == len(COMPONENTS), texts  # one sentence per part of the score
        assert not any("%(" in text or "{" in text for text in texts), texts
        assert abs(sum(r["points"] for r in reasons) - score) <= 3  # the parts add up (rounding)
    best = readiness.order_by("-score").first()
    texts = reason_texts(best.reasons)
    assert texts[0].startswith("Reach on TikTok: ") and "followers" in texts[0]
    assert any(text.startswith("Proven results: ") and "orders" in text for text in texts)
    assert "Contactable: consented, valid email (+10)" in texts


def test_the_demo_plan_previews_a_ranked_shortlist_most_of_it_sendable(seeded, client, settings):
    demo, _, _ = seeded
    plan = SwitchoverPlan.objects.get(workspace=demo)
    assert plan.status == SwitchoverPlan.Status.DRAFT
    assert plan.products.exists()
    assert set(plan.messages.values_list("language", flat=True)) == {"en", "es", "zh"}
    shortlist = selection.preview(plan)
    readiness = [p.readiness for p in shortlist]
    assert readiness == sorted(readiness, reverse=True)
    assert min(readiness) >= plan.min_readiness
    sendable = [p for p in shortlist if p.sendable]
    skipped = [p for p in shortlist if not p.sendable]
    assert len(sendable) >= 40
    assert 3 <= len(skipped) < len(sendable)
    texts = {text for p in skipped for text in p.problem_texts}
    assert texts <= {"has not consented to be contacted", "no valid, consented email"}, texts
    assert len(texts) == 2  # both reasons show
    assert {p.language for p in sendable} == {"en", "es", "zh"}
    for p in sendable:
        assert p.link == f"https://www.amazon.com/dp/B0CX7KQ2M4?tag={p.tracking_id}"
        assert p.name in p.subject and p.link in p.body and "{{" not in p.body
    assert selection.dry_run(plan)["would_send"] == len(sendable)

    # The page a manager opens from the plan shows the same shortlist.
    settings.DEBUG = True
    run("ensure_local_admin")
    client.force_login(get_user_model().objects.get(username="member"))
    url = reverse("admin:influencers_switchoverplan_preview_page", args=[plan.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.content.count(b"shortlist-row") == min(len(shortlist), 50)
    assert shortlist[0].name.encode() in page.content
    assert shortlist[0].link.encode() in page.content


def test_seed_demo_twice_changes_nothing(seeded):
    demo, _, _ = seeded
    before = all_counts()
    stamps = sorted(Creator.objects.values_list("updated_at", flat=True))
    started = time.perf_counter()
    output = run("seed_demo")
    assert time.perf_counter() - started < 2
    assert "already seeded" in output
    assert all_counts() == before
    assert sorted(Creator.objects.values_list("updated_at", flat=True)) == stamps


def test_seed_demo_is_deterministic():
    def seed_fresh():
        """Seed, read back, and roll everything back: the next run starts from scratch."""
        with transaction.atomic():
            digests = {r.slug: r.digest for r in builder.seed_demo()}
            names = sorted(
                Creator.objects.values_list("display_name", "accounts__handle_normalised")
            )
            transaction.set_rollback(True)
        assert not Creator.objects.exists()
        return digests, names

    first, second = seed_fresh(), seed_fresh()
    assert second == first
    assert set(first[0]) == {"demo", "second-brand"}
    assert all(len(digest) == 64 for digest in first[0].values())


def test_a_failing_seed_leaves_nothing_behind(monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("worker died")

    monkeypatch.setattr(builder, "creator_rollups_store", boom)
    with pytest.raises(RuntimeError):
        builder.seed_demo()
    assert not Workspace.objects.exists()
    assert not Creator.objects.exists()
    assert not MetricSnapshot.objects.exists()
    assert not SwitchoverPlan.objects.exists()


def test_a_small_pool_still_shows_every_status_and_kind():
    builder.seed_demo(slug="mini", creators=25)
    mini = Workspace.objects.get(slug="mini")
    creators = Creator.objects.filter(workspace=mini)
    assert creators.count() == 25
    assert set(creators.values_list("status", flat=True)) == set(CreatorStatus.values)
    collaborations = Collaboration.objects.filter(workspace=mini)
    assert set(collaborations.values_list("kind", flat=True)) == set(CollaborationType.values)
    assert set(collaborations.values_list("status", flat=True)) == set(CollaborationStatus.values)


def test_the_same_creator_in_two_workspaces_is_two_separate_records():
    builder.seed_demo()
    accounts = PlatformAccount.objects.filter(platform="tiktok", handle_normalised="lilyhomefinds")
    assert sorted(accounts.values_list("workspace__slug", flat=True)) == ["demo", "second-brand"]
    first, second = (a.creator for a in accounts)
    assert first.pk != second.pk
    assert first.workspace_id != second.workspace_id


def test_ensure_local_admin_creates_the_logins_once(settings):
    settings.DEBUG = True
    output = run("ensure_local_admin")
    assert "Login: admin / admin" in output
    assert "Login: member / member" in output
    users = get_user_model().objects
    admin, member = users.get(username="admin"), users.get(username="member")
    assert admin.is_superuser and admin.is_staff and admin.check_password("admin")
    assert member.is_staff and not member.is_superuser and member.check_password("member")
    roles = set(Membership.objects.values_list("user__username", "workspace__slug", "role"))
    assert roles == {
        ("admin", "demo", "owner"),
        ("admin", "second-brand", "owner"),
        ("member", "demo", "member"),
    }
    before = all_counts()
    run("ensure_local_admin")
    assert all_counts() == before


def test_logins_first_then_seed_fills_the_same_workspaces(settings):
    settings.DEBUG = True
    run("ensure_local_admin")
    run("seed_demo")
    demo = Workspace.objects.get(slug="demo")
    assert Workspace.objects.count() == 2
    assert Creator.objects.filter(workspace=demo).count() == 320
    assert Membership.objects.get(workspace=demo, user__username="admin").role == "owner"
    before = all_counts()
    run("ensure_local_admin")
    run("seed_demo")
    assert all_counts() == before


def test_ensure_local_admin_refuses_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        run("ensure_local_admin")
    assert not get_user_model().objects.filter(username="admin").exists()
    assert "Login: admin / admin" in run("ensure_local_admin", "--force")


def test_ensure_local_admin_keeps_a_changed_password_unless_asked(settings):
    settings.DEBUG = True
    run("ensure_local_admin")
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("s3cret-pass")
    admin.save()
    run("ensure_local_admin")
    admin.refresh_from_db()
    assert admin.check_password("s3cret-pass")
    run("ensure_local_admin", "--reset-passwords")
    admin.refresh_from_db()
    assert admin.check_password("admin")
