"""creators_merge moves every child row to the survivor; suggestions give their reason."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from influencers.models import (
    ActivityEvent,
    Collaboration,
    ContactMethod,
    ContentPost,
    Creator,
    CreatorMerge,
    MetricSnapshot,
    Note,
    PlatformAccount,
)
from influencers.selectors.merge_suggestions import merge_suggestions
from influencers.services.merges import creators_merge
from tests.factories import ContactMethodFactory, CreatorFactory, PlatformAccountFactory

CHILDREN = (PlatformAccount, ContactMethod, Collaboration, ContentPost, Note, MetricSnapshot)


def _populate(creator, tag):
    PlatformAccountFactory(
        creator=creator, platform="tiktok", handle=f"@{tag}", handle_normalised=tag
    )
    PlatformAccountFactory(
        creator=creator, platform="instagram", handle=f"{tag}.ig", handle_normalised=f"{tag}.ig"
    )
    ContactMethodFactory(creator=creator, value=f"{tag}@example.com", is_primary=True)
    collab = Collaboration.objects.create(
        workspace=creator.workspace, creator=creator, kind="paid_post", fee=Decimal("10")
    )
    post = ContentPost.objects.create(
        workspace=creator.workspace, creator=creator, platform="tiktok", url=f"https://t.co/{tag}"
    )
    Note.objects.create(workspace=creator.workspace, creator=creator, body=f"note {tag}")
    MetricSnapshot.objects.create(
        workspace=creator.workspace,
        creator=creator,
        collaboration=collab,
        post=post,
        views=100,
        captured_at=timezone.now() - dt.timedelta(days=1),
    )
    ActivityEvent.objects.create(workspace=creator.workspace, creator=creator, verb="note.added")


def _counts(workspace):
    return {m.__name__: m.objects.filter(workspace=workspace).count() for m in CHILDREN}


@pytest.mark.django_db
def test_merge_moves_every_child_row_and_records_the_merge(workspace, member):
    survivor = CreatorFactory(workspace=workspace, country="", remarks="mine")
    a = CreatorFactory(
        workspace=workspace,
        country="DE",
        remarks="theirs",
        associates_tracking_id="a-20",
        status="do_not_contact",
    )
    b = CreatorFactory(workspace=workspace)
    for creator, tag in ((survivor, "sue"), (a, "ann"), (b, "bob")):
        _populate(creator, tag)
    # The same email on the survivor and on `a`: kept once.
    ContactMethodFactory(creator=a, value="sue@example.com", is_primary=False)
    before = _counts(workspace)
    events_before = ActivityEvent.objects.filter(workspace=workspace).count()

    merge = creators_merge(survivor=survivor, others=[a, b], actor=member)

    after = _counts(workspace)
    assert after["ContactMethod"] == before["ContactMethod"] - 1  # the duplicate email folded
    del before["ContactMethod"], after["ContactMethod"]
    assert after == before
    for model in CHILDREN:
        assert set(
            model.objects.filter(workspace=workspace).values_list("creator_id", flat=True)
        ) == {survivor.pk}
    assert set(
        ContactMethod.objects.filter(creator=survivor).values_list("value_normalised", flat=True)
    ) == {"sue@example.com", "ann@example.com", "bob@example.com"}
    assert ContactMethod.objects.filter(creator=survivor, is_primary=True).count() == 1
    assert ActivityEvent.objects.filter(workspace=workspace).count() == events_before + 1
    assert not Creator.objects.filter(pk__in=[a.pk, b.pk]).exists()
    survivor.refresh_from_db()
    assert survivor.country == "DE" and survivor.associates_tracking_id == "a-20"
    assert survivor.status == "do_not_contact"
    assert "mine" in survivor.remarks and "theirs" in survivor.remarks
    assert CreatorMerge.objects.get() == merge
    assert [m["id"] for m in merge.merged] == [a.pk, b.pk]
    assert ActivityEvent.objects.filter(creator=survivor, verb="creators.merged").exists()


@pytest.mark.django_db
def test_merge_refuses_other_workspaces_and_nothing_to_merge(workspace, other_workspace):
    survivor = CreatorFactory(workspace=workspace)
    with pytest.raises(ValidationError):
        creators_merge(survivor=survivor, others=[CreatorFactory(workspace=other_workspace)])
    with pytest.raises(ValidationError):
        creators_merge(survivor=survivor, others=[survivor])


@pytest.mark.django_db
def test_merge_suggestions_give_shared_email_phone_and_similar_handles(workspace):
    a, b, c, d, e = (CreatorFactory(workspace=workspace) for _ in range(5))
    ContactMethodFactory(creator=a, value="same@example.com")
    ContactMethodFactory(
        creator=b, value="Same@Example.com", value_normalised="same@example.com", is_primary=False
    )
    ContactMethodFactory(
        creator=c, kind="phone", value="+1 415 555 0100", value_normalised="+14155550100"
    )
    ContactMethodFactory(
        creator=d, kind="whatsapp", value="+14155550100", value_normalised="+14155550100"
    )
    PlatformAccountFactory(
        creator=d, platform="tiktok", handle="jane.doe", handle_normalised="jane.doe"
    )
    PlatformAccountFactory(
        creator=e, platform="instagram", handle="jane_doe", handle_normalised="jane_doe"
    )
    found = {(s.creator_ids, s.reason) for s in merge_suggestions(workspace=workspace)}
    assert ((a.pk, b.pk), "Same email address") in found
    assert ((d.pk, e.pk), "Near-identical handles on different platforms") in found
    assert any(ids == (c.pk, d.pk) for ids, _r in found)
