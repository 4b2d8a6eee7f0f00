"""Issue 13 item 1 (saved views): a member saves the creator list as it is (filters, search,
sort, columns) under a name, optionally shared with the workspace; views show with the number
of creators each holds now; columns chosen stay while paging; only the author deletes."""

import pytest
from django.urls import reverse

from influencers.models import SavedView
from tests.factories import CreatorFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "admin:influencers_creator_changelist"


@pytest.fixture
def pool(workspace, other_workspace):
    for i in range(3):
        CreatorFactory(workspace=workspace, display_name=f"Active {i}", status="active")
    CreatorFactory(workspace=workspace, display_name="Maybe", status="prospect")
    CreatorFactory(workspace=other_workspace, display_name="Theirs", status="active")


@pytest.fixture
def colleague(workspace):
    user = UserFactory(username="cole", is_staff=True)
    MembershipFactory(workspace=workspace, user=user, role="manager")
    return user


def _save(client, name, query, shared=False):
    data = {"name": name, "query": query, "next": reverse(LIST)}
    if shared:
        data["shared"] = "on"
    return client.post(reverse("admin:influencers_creator_saved_view_save"), data, follow=True)


def test_save_a_view_and_find_it_with_its_count(client, member, pool):
    client.force_login(member)
    page = _save(client, "Active ones", "status__exact=active&p=2&o=1")
    assert "View “Active ones” saved." in page.content.decode()
    view = SavedView.objects.get()
    assert view.query == "status__exact=active&o=1"  # the page number is not part of a view
    html = client.get(reverse(LIST)).content.decode()
    assert f'data-view="{view.pk}"' in html
    views = client.get(reverse(LIST)).context["saved_views"]
    assert [(v.name, v.count) for v in views] == [("Active ones", "3")]
    opened = client.get(views[0].url)
    assert {c.display_name for c in opened.context["cl"].result_list} == {
        "Active 0",
        "Active 1",
        "Active 2",
    }


def test_shared_views_show_to_colleagues_private_ones_do_not(client, member, colleague, pool):
    client.force_login(member)
    _save(client, "Mine", "status__exact=prospect")
    _save(client, "Team", "status__exact=active", shared=True)
    client.force_login(colleague)
    names = [v.name for v in client.get(reverse(LIST)).context["saved_views"]]
    assert names == ["Team"]
    team = SavedView.objects.get(name="Team")
    response = client.post(
        reverse("admin:influencers_creator_saved_view_delete", args=[team.pk]), {"next": "/"}
    )
    assert response.status_code == 403 and SavedView.objects.filter(pk=team.pk).exists()


def test_columns_chosen_stay_while_paging_and_are_saved(client, member, pool):
    client.force_login(member)
    first = client.get(reverse(LIST), {"_cols": ["country", "readiness_score"], "o": "1"})
    assert first.context["cl"].list_display[-3:] == ["display_name", "country", "readiness_score"]
    again = client.get(reverse(LIST), {"o": "1"})  # the choice is remembered
    assert again.context["cl"].list_display[-3:] == ["display_name", "country", "readiness_score"]
    _save(client, "Narrow", "o=1")
    assert "_cols=country%2Creadiness_score" in SavedView.objects.get().query
    everything = client.get(reverse(LIST), {"_cols": ""})
    assert len(everything.context["cl"].list_display) > 5


def test_a_nameless_view_is_refused_with_a_message(client, member, pool):
    client.force_login(member)
    page = _save(client, "   ", "status__exact=active")
    assert "Give the view a name." in page.content.decode()
    assert not SavedView.objects.exists()


def test_views_of_another_workspace_never_show(client, member, other_workspace, pool):
    stranger = UserFactory(username="zed")
    SavedView.objects.create(workspace=other_workspace, user=stranger, name="Theirs", shared=True)
    client.force_login(member)
    assert client.get(reverse(LIST)).context["saved_views"] == []
