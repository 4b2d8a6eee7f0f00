"""A merge keeps everything (issue 11, item 3): every row that points at a creator — found
from the model registry, so a relation added later cannot be forgotten — moves to the survivor
in one transaction, invitations and their answers included; a creator who was invited cannot
be deleted by accident."""

import itertools

import pytest
from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone

from influencers.models import (
    ActivityEvent,
    ContactMethod,
    Creator,
    CreatorMerge,
    Invitation,
    PlatformAccount,
    SwitchoverPlan,
)
from influencers.services.merges import FOLD, HISTORY, MOVE, RECOMPUTE, RELATIONS, creators_merge
from tests.factories import (
    CollaborationFactory,
    ContactMethodFactory,
    ContentPostFactory,
    CreatorFactory,
    MetricSnapshotFactory,
    NoteFactory,
    PlatformAccountFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db
_seq = itertools.count()


def creator_relations() -> set[tuple[str, str]]:
    """Every (model label, field) in the registry that can point at a creator: foreign keys
    and one-to-ones (history tables included), many-to-many through tables, generic keys."""
    found = set()
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields(include_hidden=True):
            if isinstance(field, GenericForeignKey) or (
                isinstance(field, models.ForeignKey) and field.related_model is Creator
            ):
                found.add((model._meta.label, field.name))
    return found


def test_the_merge_says_how_it_treats_every_relation_to_a_creator():
    assert set(RELATIONS) == creator_relations()
    assert set(RELATIONS.values()) <= {MOVE, FOLD, RECOMPUTE, HISTORY}


def invite(creator, plan, status=Invitation.Status.SENT, **kw):
    n = next(_seq)
    return Invitation.objects.create(
        workspace=creator.workspace,
        plan=plan,
        creator=creator,
        status=status,
        email=f"invitee{n}@example.com",
        tracking_link="https://www.amazon.com/dp/B0TESTASIN?tag=invitee-20",
        tracking_id="invitee-20",
        sent_at=timezone.now(),
        **kw,
    )


def plan(workspace):
    return SwitchoverPlan.objects.create(workspace=workspace, name=f"Plan {next(_seq)}")


def rows_pointing_at(label, name, ids):
    model = apps.get_model(label)
    field = model._meta.get_field(name)
    if isinstance(field, GenericForeignKey):
        return model.objects.filter(
            **{
                field.ct_field: ContentType.objects.get_for_model(Creator),
                f"{field.fk_field}__in": ids,
            }
        ).count()
    return model.objects.filter(**{f"{field.attname}__in": ids}).count()


def test_every_row_pointing_at_a_merged_creator_is_on_the_survivor_afterwards(workspace, member):
    survivor, other = CreatorFactory(workspace=workspace), CreatorFactory(workspace=workspace)
    # A row in every relation, on the creator that is merged away.
    PlatformAccountFactory(creator=other, handle_normalised="other.handle")
    ContactMethodFactory(creator=other, kind="email", value_normalised="other@example.com")
    collaboration = CollaborationFactory(creator=other)
    ContentPostFactory(creator=other, collaboration=collaboration)
    NoteFactory(creator=other)
    MetricSnapshotFactory(creator=other)
    other.tags.add(TagFactory(workspace=workspace))
    answered = invite(
        other, plan(workspace), Invitation.Status.ACCEPTED, answered_at=timezone.now()
    )
    earlier = creators_merge(survivor=other, others=[CreatorFactory(workspace=workspace)])
    ActivityEvent.objects.create(workspace=workspace, verb="note.added", target=other)
    ids = [survivor.pk, other.pk]
    before = {key: rows_pointing_at(*key, ids) for key, how in RELATIONS.items() if how == MOVE}
    assert all(before.values()), before  # the fixture really has a row in every relation

    merge = creators_merge(survivor=survivor, others=[other], actor=member)

    after = {key: rows_pointing_at(*key, [survivor.pk]) for key in before}
    # Moved rows, plus what the merge itself records about the survivor.
    assert (
        after[("influencers.CreatorMerge", "survivor")]
        == before[("influencers.CreatorMerge", "survivor")] + 1
    )
    assert (
        after[("influencers.ActivityEvent", "creator")]
        == before[("influencers.ActivityEvent", "creator")] + 1
    )
    for key in set(before) - {
        ("influencers.CreatorMerge", "survivor"),
        ("influencers.ActivityEvent", "creator"),
    }:
        assert after[key] == before[key], key
    assert PlatformAccount.objects.filter(
        creator=survivor, handle_normalised="other.handle"
    ).exists()
    assert ContactMethod.objects.filter(
        creator=survivor, value_normalised="other@example.com"
    ).exists()
    assert survivor.tags.count() == 1
    answered.refresh_from_db()
    assert (answered.creator_id, answered.status) == (survivor.pk, "accepted")
    assert CreatorMerge.objects.filter(pk=earlier.pk, survivor=survivor).exists()
    assert merge.moved["invitations"] == 1
    assert not Creator.objects.filter(pk=other.pk).exists()


def test_when_both_were_invited_in_one_plan_the_furthest_along_stays_and_the_other_is_recorded(
    workspace,
):
    day_one = plan(workspace)
    survivor, other = CreatorFactory(workspace=workspace), CreatorFactory(workspace=workspace)
    sent = invite(survivor, day_one, Invitation.Status.SENT)
    accepted = invite(other, day_one, Invitation.Status.ACCEPTED, answered_at=timezone.now())

    merge = creators_merge(survivor=survivor, others=[other])

    kept = Invitation.objects.get(plan=day_one)
    assert (kept.pk, kept.creator_id, kept.status) == (accepted.pk, survivor.pk, "accepted")
    (record,) = merge.merged[0]["invitations_folded"]
    assert (record["id"], record["status"], record["email"]) == (sent.pk, "sent", sent.email)
    assert merge.moved == {**merge.moved, "invitations_folded": 1}


def test_a_creator_who_was_invited_cannot_be_deleted_through_the_api(api, workspace):
    creator = CreatorFactory(workspace=workspace)
    invite(creator, plan(workspace))

    response = api.delete(f"/api/v1/creators/{creator.pk}/")

    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")
    assert "invitations" in response.json()["detail"]
    assert Creator.objects.filter(pk=creator.pk).exists()
    assert (
        api.delete(f"/api/v1/creators/{CreatorFactory(workspace=workspace).pk}/").status_code == 204
    )


def test_a_creator_who_was_invited_cannot_be_deleted_in_the_admin_single_or_in_bulk(
    client, member, workspace
):
    invited = CreatorFactory(workspace=workspace, display_name="Invited Ivy")
    invite(invited, plan(workspace))
    free = CreatorFactory(workspace=workspace, display_name="Free Fay")
    client.force_login(member)

    page = client.get(reverse("admin:influencers_creator_delete", args=[invited.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "protected" in text or "would require deleting" in text
    confirm = client.post(
        reverse("admin:influencers_creator_delete", args=[invited.pk]), {"post": "yes"}
    )
    assert confirm.status_code in (200, 302, 403)
    assert Creator.objects.filter(pk=invited.pk).exists()

    bulk = client.post(
        reverse("admin:influencers_creator_changelist"),
        {"action": "delete_selected", "_selected_action": [invited.pk, free.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert Creator.objects.filter(pk=invited.pk).exists()


def test_deleting_the_plan_or_the_workspace_still_takes_its_invitations(workspace):
    creator = CreatorFactory(workspace=workspace)
    day_one = plan(workspace)
    invite(creator, day_one)
    day_one.delete()
    assert not Invitation.objects.exists()
    invite(creator, plan(workspace))
    workspace.delete()
    assert not Creator.objects.filter(pk=creator.pk).exists()
