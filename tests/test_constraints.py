"""Rules the database itself enforces, whatever code path writes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from influencers.models import AppendOnlyError, PlatformAccount
from tests.factories import (
    CampaignFactory,
    CollaborationFactory,
    CreatorFactory,
    MetricSnapshotFactory,
    NoteFactory,
    PlatformAccountFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db


def _refused(factory, **kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**kwargs)


def test_a_duplicate_handle_in_another_spelling_is_refused(workspace):
    first = PlatformAccountFactory(
        creator__workspace=workspace, handle="@Jane.Doe", handle_normalised="jane.doe"
    )
    other = CreatorFactory(workspace=workspace)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlatformAccount.objects.create(
            workspace=workspace,
            creator=other,
            platform="tiktok",
            handle="JANE.DOE",
            handle_normalised="JANE.DOE",
        )
    assert first.pk


def test_the_same_handle_is_allowed_on_another_platform_or_workspace(workspace, other_workspace):
    PlatformAccountFactory(creator__workspace=workspace, handle_normalised="jane")
    PlatformAccountFactory(
        creator__workspace=workspace, handle_normalised="jane", platform="instagram"
    )
    PlatformAccountFactory(creator__workspace=other_workspace, handle_normalised="jane")
    assert PlatformAccount.objects.filter(handle_normalised="jane").count() == 3


def test_engagement_rate_must_be_a_percentage(workspace):
    _refused(PlatformAccountFactory, creator__workspace=workspace, engagement_rate=Decimal("120"))


def test_rating_must_be_between_one_and_five(workspace):
    _refused(CreatorFactory, workspace=workspace, rating=6)
    _refused(NoteFactory, creator__workspace=workspace, rating_reliability=0)


def test_money_and_percentages_cannot_be_negative_or_out_of_range(workspace):
    _refused(CollaborationFactory, creator__workspace=workspace, fee=Decimal("-1"))
    _refused(CollaborationFactory, creator__workspace=workspace, commission_rate=Decimal("101"))
    _refused(ProductFactory, workspace=workspace, price=Decimal("-5"))


def test_dates_must_be_in_order(workspace):
    _refused(
        CampaignFactory,
        workspace=workspace,
        starts_on=dt.date(2026, 7, 1),
        ends_on=dt.date(2026, 6, 1),
    )
    _refused(
        CollaborationFactory,
        creator__workspace=workspace,
        agreed_on=dt.date(2026, 7, 1),
        completed_on=dt.date(2026, 6, 1),
    )


def test_asin_must_look_like_an_asin(workspace):
    _refused(ProductFactory, workspace=workspace, asin="not-asin")


def test_negative_counts_are_refused(workspace):
    from django.db import connection

    snapshot = MetricSnapshotFactory(creator__workspace=workspace)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE influencers_metricsnapshot SET views = -1 WHERE id = %s", [snapshot.pk])


def test_metric_snapshots_are_append_only(workspace):
    snapshot = MetricSnapshotFactory(creator__workspace=workspace)
    snapshot.views = 5
    with pytest.raises(AppendOnlyError):
        snapshot.save()


def test_only_one_primary_contact_per_kind(workspace):
    from tests.factories import ContactMethodFactory

    creator = CreatorFactory(workspace=workspace)
    ContactMethodFactory(creator=creator, is_primary=True)
    _refused(ContactMethodFactory, creator=creator, is_primary=True)


def test_no_constraint_speaks_in_database_names():
    """Every rule the database enforces has words for the person who broke it: Django's default
    ("Constraint “tag_unique_name_ci” is violated.") names the index instead."""
    from django.apps import apps

    silent = [
        f"{model.__name__}.{constraint.name}"
        for model in apps.get_app_config("influencers").get_models()
        for constraint in model._meta.constraints
        if constraint.violation_error_message == constraint.default_violation_error_message
        and (
            getattr(constraint, "condition", None) is not None
            or getattr(constraint, "expressions", ())
        )
    ]
    assert silent == []


def test_a_duplicate_tag_in_the_admin_says_so_in_words(client, member, workspace):
    from django.urls import reverse

    from influencers.models import Tag

    Tag.objects.create(workspace=workspace, name="Pets")
    client.force_login(member)
    for language, words in (
        ("en", "already exists in this workspace"),
        ("zh-hans", "已有同名标签"),
    ):
        response = client.post(
            reverse("admin:influencers_tag_add"), {"name": "pets"}, HTTP_ACCEPT_LANGUAGE=language
        )
        html = response.content.decode()
        assert response.status_code == 200 and words in html
        assert "tag_unique_name_ci" not in html
    assert Tag.objects.filter(workspace=workspace).count() == 1
