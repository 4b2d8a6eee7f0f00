import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from influencers.models import ActivityEvent, Collaboration, Note
from influencers.services.collaborations import collaboration_advance, collaboration_create
from influencers.services.creators import (
    AccountInput,
    ContactInput,
    creator_create,
    creator_update,
)
from influencers.services.metrics import metric_snapshot_record
from influencers.services.notes import note_add
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db


def test_creator_create_normalises_accounts_contacts_and_country(workspace, member):
    creator = creator_create(
        workspace=workspace,
        actor=member,
        display_name="  Lena Park ",
        country="United States",
        accounts=[
            AccountInput(
                platform="tiktok",
                handle="https://www.tiktok.com/@Lena.Park?lang=en",
                followers=12500,
            )
        ],
        contacts=[
            ContactInput(kind="email", value='"Lena" <LENA@Example.com>', is_primary=True),
            ContactInput(kind="phone", value="(415) 555-0132"),
        ],
        tags=["beauty", "Beauty ", "skincare"],
    )
    assert creator.display_name == "Lena Park"
    assert creator.country == "US"
    account = creator.accounts.get()
    assert account.handle_normalised == "lena.park"
    assert account.url.startswith("https://www.tiktok.com/@lena.park")
    emails = creator.contacts.filter(kind="email")
    assert [c.value_normalised for c in emails] == ["lena@example.com"]
    assert creator.contacts.get(kind="phone").value_normalised == "+14155550132"
    assert sorted(creator.tags.values_list("name", flat=True)) in (
        ["Beauty", "skincare"],
        ["beauty", "skincare"],
    )
    event = ActivityEvent.objects.get(creator=creator)
    assert event.verb == "creator.created" and event.actor == member


def test_creator_create_refuses_a_bad_handle_and_writes_nothing(workspace):
    with pytest.raises(ValidationError) as err:
        creator_create(
            workspace=workspace,
            display_name="X",
            accounts=[AccountInput(platform="tiktok", handle="not a handle!!")],
        )
    assert "handle" in err.value.message_dict
    assert not workspace.memberships.exists()
    from influencers.models import Creator

    assert not Creator.objects.filter(workspace=workspace).exists()


def test_creator_update_upserts_an_account_given_in_another_spelling(workspace):
    creator = creator_create(
        workspace=workspace,
        display_name="Ana",
        accounts=[AccountInput(platform="tiktok", handle="@ana.cooks")],
    )
    creator_update(
        creator=creator,
        data={"status": "contacted"},
        accounts=[AccountInput(platform="tiktok", handle="ANA.COOKS", followers=900)],
    )
    creator.refresh_from_db()
    assert creator.status == "contacted"
    assert creator.accounts.count() == 1
    assert creator.accounts.get().followers == 900
    assert creator.events.filter(verb="creator.updated").exists()


def test_note_add_moves_last_contact_forward_only(workspace):
    creator = CreatorFactory(workspace=workspace)
    later = timezone.now()
    note_add(creator=creator, kind=Note.Kind.EMAIL, body="Sent brief", occurred_at=later)
    note_add(creator=creator, kind=Note.Kind.CALL, occurred_at=later - dt.timedelta(days=3))
    note_add(
        creator=creator,
        kind=Note.Kind.PERFORMANCE,
        body="很好",
        occurred_at=later + dt.timedelta(days=1),
        rating_content=5,
    )
    creator.refresh_from_db()
    assert creator.last_contacted_at == later
    assert creator.events.filter(verb="note.added").count() == 3


def test_note_with_an_out_of_range_rating_is_refused(workspace):
    creator = CreatorFactory(workspace=workspace)
    with pytest.raises(ValidationError):
        note_add(creator=creator, kind=Note.Kind.PERFORMANCE, rating_reliability=9)


def test_collaboration_runs_through_its_pipeline(workspace):
    creator = CreatorFactory(workspace=workspace)
    collab = collaboration_create(
        creator=creator, kind="gifted_sample", sample_quantity=2, sample_cost=Decimal("18.00")
    )
    for status in ("agreed", "sample_shipped", "content_live", "completed"):
        collab = collaboration_advance(collaboration=collab, to_status=status)
    collab.refresh_from_db()
    assert collab.status == Collaboration.Status.COMPLETED
    assert collab.agreed_on and collab.sample_shipped_on and collab.completed_on
    verbs = list(creator.events.values_list("verb", flat=True))
    assert verbs.count("collaboration.advanced") == 4


def test_collaboration_cannot_skip_backwards_or_leave_a_final_state(workspace):
    collab = collaboration_create(creator=CreatorFactory(workspace=workspace), kind="paid_post")
    collaboration_advance(collaboration=collab, to_status="declined")
    with pytest.raises(ValidationError):
        collaboration_advance(collaboration=collab, to_status="agreed")
    collab2 = collaboration_create(creator=CreatorFactory(workspace=workspace), kind="paid_post")
    with pytest.raises(ValidationError):
        collaboration_advance(collaboration=collab2, to_status="completed")


def test_metric_snapshot_record_writes_an_event_and_refuses_unknown_metrics(workspace):
    creator = CreatorFactory(workspace=workspace)
    snap = metric_snapshot_record(creator=creator, views=100, orders=2, sales=Decimal("40"))
    assert snap.source == "manual"
    assert creator.events.filter(verb="metrics.recorded").count() == 1
    with pytest.raises(ValidationError):
        metric_snapshot_record(creator=creator, followers=5)


def test_metric_snapshot_cannot_point_at_another_creators_collaboration(workspace):
    a = CreatorFactory(workspace=workspace)
    b = CreatorFactory(workspace=workspace)
    collab = collaboration_create(creator=b, kind="paid_post")
    with pytest.raises(ValidationError):
        metric_snapshot_record(creator=a, collaboration=collab, views=1)


def test_a_note_cannot_point_at_another_creators_collaboration(workspace):
    a = CreatorFactory(workspace=workspace)
    collab = collaboration_create(creator=CreatorFactory(workspace=workspace), kind="paid_post")
    with pytest.raises(ValidationError) as err:
        note_add(creator=a, kind=Note.Kind.REMARK, body="x", collaboration=collab)
    assert "collaboration" in err.value.message_dict
    assert not a.notes.exists()


def test_tags_are_matched_case_insensitively_without_a_query_per_tag(
    workspace, django_assert_max_num_queries
):
    creator = creator_create(workspace=workspace, display_name="T", tags=["Beauty"])
    # 11 with one look-up and one insert for all the tags (16 with a query per tag).
    with django_assert_max_num_queries(11):
        creator_update(creator=creator, tags=["beauty", "Pets", "pets ", "Home", "home"])
    names = sorted(creator.tags.values_list("name", flat=True))
    assert names == ["Beauty", "Home", "Pets"]
