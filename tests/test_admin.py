"""The admin: every page renders, lists cost the same number of queries for 3 rows as for 30,
workspaces stay apart, roles are respected, inline input is validated, and it speaks Chinese."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from influencers import models as m
from influencers.admin.mixins import WorkspaceScopedAdminMixin, is_workspace_owned
from influencers.selectors.workspaces import SESSION_KEY
from tests import factories
from tests.factories import (
    CampaignFactory,
    CollaborationFactory,
    ContactMethodFactory,
    ContentPostFactory,
    CreatorFactory,
    MembershipFactory,
    MetricSnapshotFactory,
    NoteFactory,
    PlatformAccountFactory,
    ProductFactory,
    TagFactory,
    UserFactory,
    WorkspaceFactory,
)

User = get_user_model()
_seq = itertools.count(1)


# --- one way to make rows of every registered model -----------------------------------------------


def _creator(workspace):
    """A creator with everything the list shows: owner, tag, TikTok account, contact."""
    owner = UserFactory()
    MembershipFactory(workspace=workspace, user=owner)
    creator = CreatorFactory(workspace=workspace, owner=owner)
    creator.tags.add(TagFactory(workspace=workspace))
    PlatformAccountFactory(creator=creator)
    ContactMethodFactory(creator=creator)
    return creator


def _collaboration(workspace):
    owner = UserFactory()
    collaboration = CollaborationFactory(
        creator=CreatorFactory(workspace=workspace),
        campaign=CampaignFactory(workspace=workspace),
        owner=owner,
    )
    collaboration.products.add(ProductFactory(workspace=workspace))
    return collaboration


def _event(workspace):
    creator = CreatorFactory(workspace=workspace)
    return m.ActivityEvent.objects.create(
        workspace=workspace,
        verb=m.ActivityEvent.Verb.CREATOR_CREATED,
        actor=UserFactory(),
        creator=creator,
        target=creator,
        data={"display_name": creator.display_name},
    )


def _periodic_task(workspace):
    n = next(_seq)
    return PeriodicTask.objects.create(
        name=f"task {n}",
        task="influencers.tasks.recompute_all_rollups",
        interval=IntervalSchedule.objects.create(every=n, period=IntervalSchedule.DAYS),
    )


MAKERS = {
    User: lambda ws: UserFactory(),
    Group: lambda ws: Group.objects.create(name=f"group {next(_seq)}"),
    m.Workspace: lambda ws: WorkspaceFactory(),
    m.Membership: lambda ws: MembershipFactory(workspace=ws, user=UserFactory()),
    m.Tag: lambda ws: TagFactory(workspace=ws),
    m.Creator: _creator,
    m.PlatformAccount: lambda ws: PlatformAccountFactory(creator=CreatorFactory(workspace=ws)),
    m.ContactMethod: lambda ws: ContactMethodFactory(creator=CreatorFactory(workspace=ws)),
    m.Product: lambda ws: ProductFactory(workspace=ws),
    m.Campaign: lambda ws: CampaignFactory(workspace=ws),
    m.Collaboration: _collaboration,
    m.ContentPost: lambda ws: ContentPostFactory(
        creator=(c := CreatorFactory(workspace=ws)),
        collaboration=CollaborationFactory(creator=c),
    ),
    m.Note: lambda ws: NoteFactory(
        creator=CreatorFactory(workspace=ws), author=UserFactory(), follow_up_on=dt.date.today()
    ),
    m.MetricSnapshot: lambda ws: MetricSnapshotFactory(
        creator=(c := CreatorFactory(workspace=ws)), collaboration=CollaborationFactory(creator=c)
    ),
    m.ActivityEvent: _event,
    PeriodicTask: _periodic_task,
    IntervalSchedule: lambda ws: IntervalSchedule.objects.create(
        every=next(_seq), period=IntervalSchedule.SECONDS
    ),
    CrontabSchedule: lambda ws: CrontabSchedule.objects.create(
        minute=str(next(_seq) % 60), hour=str(next(_seq) % 24)
    ),
    SolarSchedule: lambda ws: SolarSchedule.objects.create(
        event="sunrise", latitude=Decimal(next(_seq) % 80), longitude=Decimal(next(_seq) % 170)
    ),
    ClockedSchedule: lambda ws: ClockedSchedule.objects.create(
        clocked_time=timezone.now() + dt.timedelta(days=next(_seq))
    ),
}


def _api_token(workspace):
    from influencers.services.tokens import api_token_create

    user = MembershipFactory(workspace=workspace, user=UserFactory()).user
    token, _raw = api_token_create(user=user, workspace=workspace, name="CI")
    return token


def _import_job(workspace):
    n = next(_seq)
    return m.ImportJob.objects.create(
        workspace=workspace,
        created_by=UserFactory(),
        file=f"imports/{workspace.pk}/creators-{n}.csv",  # the file itself is not needed here
        original_filename=f"creators-{n}.csv",
    )


MAKERS[m.ApiToken] = _api_token
MAKERS[m.ImportJob] = _import_job


def _plan(workspace):
    return m.SwitchoverPlan.objects.create(workspace=workspace, name=f"Plan {next(_seq)}")


def _invitation(workspace):
    n = next(_seq)
    return m.Invitation.objects.create(
        workspace=workspace,
        plan=_plan(workspace),
        creator=CreatorFactory(workspace=workspace),
        email=f"invitee{n}@example.com",
        tracking_link="https://www.amazon.com/dp/B0TESTASIN?tag=invitee-20",
        tracking_id="invitee-20",
    )


def _one_per_workspace(model):
    """Singletons: the workspace's own row first, then rows of fresh workspaces."""

    def make(workspace):
        taken = model.objects.filter(workspace=workspace).exists()
        return model.objects.create(workspace=WorkspaceFactory() if taken else workspace)

    return make


MAKERS[m.SwitchoverPlan] = _plan
MAKERS[m.Invitation] = _invitation
MAKERS[m.AmazonLinkSettings] = _one_per_workspace(m.AmazonLinkSettings)
MAKERS[m.ScoringWeights] = _one_per_workspace(m.ScoringWeights)
# Drafted by a launch only / changed by owners only (the member fixture is a manager).
NO_ADD_FOR_MANAGERS = (m.Invitation, m.AmazonLinkSettings, m.ScoringWeights)


def _creator_merge(workspace):
    n = next(_seq)
    return m.CreatorMerge.objects.create(
        workspace=workspace,
        survivor=CreatorFactory(workspace=workspace),
        actor=UserFactory(),
        merged=[{"id": 10_000 + n, "display_name": f"Merged {n}"}],
        moved={"accounts": 1, "notes": 2},
    )


MAKERS[m.CreatorMerge] = _creator_merge
# Written by creators_merge only: read-only in the admin.
NO_ADD_FOR_MANAGERS = (*NO_ADD_FOR_MANAGERS, m.CreatorMerge)


def _maker(model):
    """MAKERS, else a `<Model>Factory` in tests.factories (given the workspace if it has one)."""
    if model in MAKERS:
        return MAKERS[model]
    factory = getattr(factories, f"{model.__name__}Factory", None)
    if factory is None:
        return None
    if is_workspace_owned(model):
        return lambda ws: factory(workspace=ws)
    return lambda ws: factory()


REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
INFLUENCER_MODELS = [model for model in REGISTERED if model._meta.app_label == "influencers"]
# The admins built on the workspace mixin, where members' roles decide (plus Workspace).
MEMBER_MODELS = [
    model
    for model in INFLUENCER_MODELS
    if isinstance(admin.site._registry[model], WorkspaceScopedAdminMixin) or model is m.Workspace
]


def _label(model):
    return model._meta.label


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_registered_model_has_a_maker():
    assert [model for model in REGISTERED if _maker(model) is None] == []


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


# --- every page renders ---------------------------------------------------------------------------


@pytest.mark.parametrize("model", REGISTERED, ids=_label)
def test_changelist_add_and_change_pages_render_for_a_superuser(
    superuser_client, superuser, workspace, model, rf
):
    obj = _maker(model)(workspace)
    model_admin = admin.site._registry[model]

    response = superuser_client.get(_url(model, "changelist"))
    assert response.status_code == 200
    assert b'id="workspace-switcher"' in response.content

    response = superuser_client.get(_url(model, "add"))
    request = rf.get("/")
    request.user = superuser
    request.session = {}  # like the client's: no workspace chosen, i.e. all workspaces
    if model_admin.has_add_permission(request):
        assert response.status_code == 200
    else:
        assert response.status_code == 403

    response = superuser_client.get(_url(model, "change", obj.pk))
    assert response.status_code == 200
    assert b'id="workspace-switcher"' in response.content


@pytest.mark.parametrize("model", MEMBER_MODELS, ids=_label)
def test_pages_render_for_a_member_without_django_permissions(
    member_client, member, workspace, model
):
    assert not member.user_permissions.exists()
    # A member sees their own workspace only (another one is tested in the scoping tests).
    obj = workspace if model is m.Workspace else _maker(model)(workspace)

    assert member_client.get(_url(model, "changelist")).status_code == 200
    assert member_client.get(_url(model, "change", obj.pk)).status_code == 200
    add_status = member_client.get(_url(model, "add")).status_code
    if model in (m.ActivityEvent, m.Workspace, m.Membership, *NO_ADD_FOR_MANAGERS):
        assert add_status == 403
    else:
        assert add_status == 200


def test_the_creator_change_page_shows_its_inlines(superuser_client, workspace):
    creator = _creator(workspace)
    CollaborationFactory(creator=creator)
    NoteFactory(creator=creator, body="Loves the blender")
    m.ActivityEvent.objects.create(
        workspace=workspace, verb=m.ActivityEvent.Verb.CREATOR_UPDATED, creator=creator
    )

    response = superuser_client.get(_url(m.Creator, "change", creator.pk))

    assert response.status_code == 200
    prefixes = {f.formset.prefix for f in response.context["inline_admin_formsets"]}
    assert prefixes == {"accounts", "contacts", "collaborations", "notes", "events"}
    assert b"Loves the blender" in response.content


# --- no query per row -----------------------------------------------------------------------------


def _changelist_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", REGISTERED, ids=_label)
def test_changelist_query_count_does_not_grow_with_rows(superuser_client, workspace, model):
    url = _url(model, "changelist")
    for _ in range(3):
        _maker(model)(workspace)
    superuser_client.get(url)  # warm per-process caches (content types, ...)
    with_3 = _changelist_queries(superuser_client, url)

    for _ in range(27):
        _maker(model)(workspace)
    with_30 = _changelist_queries(superuser_client, url)

    assert with_30 <= with_3, f"{with_3} queries for 3 rows, {with_30} for 30"


@pytest.mark.parametrize("model", MEMBER_MODELS, ids=_label)
def test_changelist_query_count_for_a_member(member_client, workspace, model):
    url = _url(model, "changelist")
    for _ in range(3):
        _maker(model)(workspace)
    member_client.get(url)
    with_3 = _changelist_queries(member_client, url)
    for _ in range(27):
        _maker(model)(workspace)
    assert _changelist_queries(member_client, url) <= with_3


def test_the_creator_list_shows_the_main_tiktok_handle_and_rollups(superuser_client, workspace):
    creator = CreatorFactory(workspace=workspace, display_name="Jane", rollup_gmv=Decimal("1234"))
    PlatformAccountFactory(creator=creator, handle="@jane.small", followers=10)
    PlatformAccountFactory(creator=creator, handle="@jane.big", followers=90_000)

    response = superuser_client.get(_url(m.Creator, "changelist"))

    content = response.content.decode()
    assert "@jane.big" in content
    assert "@jane.small" not in content
    assert "1,234.00" in content


@pytest.mark.parametrize("term", ["Jan", "@JANE.D", "jane.doe@example.com", "JANE.DOE@EXAMPLE.COM"])
def test_creator_search_by_name_handle_prefix_or_exact_email(superuser_client, workspace, term):
    jane = CreatorFactory(workspace=workspace, display_name="Jane Doe")
    PlatformAccountFactory(creator=jane, handle="@jane.doe")
    ContactMethodFactory(creator=jane, value="jane.doe@example.com")
    CreatorFactory(workspace=workspace, display_name="Bob")

    response = superuser_client.get(_url(m.Creator, "changelist"), {"q": term})

    assert [c.pk for c in response.context["cl"].result_list] == [jane.pk]


# --- workspaces stay apart ------------------------------------------------------------------------


@pytest.fixture
def two_pools(workspace, other_workspace):
    return (
        CreatorFactory(workspace=workspace, display_name="Alice of Acme"),
        CreatorFactory(workspace=other_workspace, display_name="Boris of Rival"),
    )


def test_a_member_sees_only_their_workspace_creators(member_client, two_pools):
    response = member_client.get(_url(m.Creator, "changelist"))

    assert b"Alice of Acme" in response.content
    assert b"Boris of Rival" not in response.content


def test_a_member_cannot_open_another_workspace_creator(member_client, two_pools):
    _alice, boris = two_pools

    response = member_client.get(_url(m.Creator, "change", boris.pk))

    assert response.status_code in (302, 404)
    assert b"Boris of Rival" not in response.content


def test_a_member_cannot_pick_another_workspace_campaign(
    member_client, workspace, other_workspace, two_pools
):
    alice, _boris = two_pools
    ours = CampaignFactory(workspace=workspace, name="Our Prime Day")
    theirs = CampaignFactory(workspace=other_workspace, name="Their Prime Day")

    autocomplete = member_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "influencers",
            "model_name": "collaboration",
            "field_name": "campaign",
            "term": "Prime",
        },
    )
    assert autocomplete.status_code == 200
    assert [r["id"] for r in autocomplete.json()["results"]] == [str(ours.pk)]

    response = member_client.post(
        _url(m.Collaboration, "add"),
        {
            "creator": alice.pk,
            "kind": m.CollaborationType.PAID_POST,
            "status": m.CollaborationStatus.PROPOSED,
            "campaign": theirs.pk,
            "fee": "100",
            "currency": "USD",
            "sample_quantity": "0",
            "sample_cost": "0",
        },
    )
    assert response.status_code == 200
    assert "campaign" in response.context["adminform"].form.errors
    assert not m.Collaboration.objects.exists()


def test_the_creator_autocomplete_only_offers_the_workspace_creators(member_client, two_pools):
    response = member_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "influencers", "model_name": "note", "field_name": "creator", "term": "o"},
    )

    names = [r["text"] for r in response.json()["results"]]
    assert names == ["Alice of Acme"]


def test_switching_workspace_changes_what_the_list_shows(
    member_client, member, other_workspace, two_pools
):
    MembershipFactory(workspace=other_workspace, user=member, role="viewer")
    url = _url(m.Creator, "changelist")
    assert b"Alice of Acme" in member_client.get(url).content

    response = member_client.post(
        reverse("workspace-switch"), {"workspace": other_workspace.pk, "next": url}
    )

    assert response.status_code == 302
    assert response["Location"] == url
    content = member_client.get(url).content
    assert b"Boris of Rival" in content
    assert b"Alice of Acme" not in content


def test_switching_away_from_an_object_page_goes_back_to_its_list(
    member_client, member, other_workspace, two_pools
):
    alice, _boris = two_pools
    MembershipFactory(workspace=other_workspace, user=member)

    response = member_client.post(
        reverse("workspace-switch"),
        {"workspace": other_workspace.pk, "next": _url(m.Creator, "change", alice.pk)},
    )

    assert response["Location"] == _url(m.Creator, "changelist")


def test_switching_to_a_workspace_you_do_not_belong_to_is_refused(
    member_client, workspace, other_workspace, two_pools
):
    response = member_client.post(reverse("workspace-switch"), {"workspace": other_workspace.pk})

    assert response.status_code == 403
    assert member_client.session.get(SESSION_KEY) in (None, workspace.pk)
    assert b"Boris of Rival" not in member_client.get(_url(m.Creator, "changelist")).content


@pytest.mark.parametrize(
    ("data", "status"), [({"workspace": ""}, 403), ({"workspace": "x"}, 400), ({}, 400)]
)
def test_bad_switch_requests_are_refused(member_client, data, status):
    assert member_client.post(reverse("workspace-switch"), data).status_code == status


def test_the_switch_view_only_takes_post(member_client, workspace):
    assert member_client.get(reverse("workspace-switch")).status_code == 405


def test_a_superuser_sees_all_workspaces_then_one(superuser_client, workspace, two_pools):
    url = _url(m.Creator, "changelist")
    content = superuser_client.get(url).content
    assert b"Alice of Acme" in content
    assert b"Boris of Rival" in content
    assert b"All workspaces" in content

    superuser_client.post(reverse("workspace-switch"), {"workspace": workspace.pk})
    content = superuser_client.get(url).content
    assert b"Alice of Acme" in content
    assert b"Boris of Rival" not in content

    superuser_client.post(reverse("workspace-switch"), {"workspace": ""})
    assert b"Boris of Rival" in superuser_client.get(url).content


def test_the_switcher_lists_the_member_workspaces(member_client, member, other_workspace):
    third = WorkspaceFactory(name="Third Brand")
    MembershipFactory(workspace=other_workspace, user=member)

    content = member_client.get(reverse("admin:index")).content.decode()

    assert "Acme Home" in content
    assert "Rival Goods" in content
    assert third.name not in content


def test_a_new_creator_gets_the_workspace_in_scope(member_client, workspace):
    response = member_client.post(_url(m.Creator, "add"), _creator_add_data(member_client))

    assert response.status_code == 302, _errors(response)
    creator = m.Creator.objects.get(display_name="Jane Doe")
    assert creator.workspace == workspace
    assert m.ActivityEvent.objects.filter(
        creator=creator, verb=m.ActivityEvent.Verb.CREATOR_CREATED
    ).exists()


def test_a_superuser_in_all_workspaces_mode_must_choose_one(superuser_client, workspace):
    data = _creator_add_data(superuser_client)

    response = superuser_client.post(_url(m.Creator, "add"), data)
    assert response.status_code == 200
    assert "workspace" in response.context["adminform"].form.errors

    response = superuser_client.post(_url(m.Creator, "add"), {**data, "workspace": workspace.pk})
    assert response.status_code == 302, _errors(response)
    assert m.Creator.objects.get().workspace == workspace


# --- roles ----------------------------------------------------------------------------------------


@pytest.fixture
def viewer_client(client, workspace):
    viewer = UserFactory(username="vic", is_staff=True)
    MembershipFactory(workspace=workspace, user=viewer, role="viewer")
    client.force_login(viewer)
    return client


def test_a_viewer_can_look_but_not_change(viewer_client, workspace):
    creator = CreatorFactory(workspace=workspace, display_name="Jane")
    url = _url(m.Creator, "change", creator.pk)

    assert viewer_client.get(_url(m.Creator, "changelist")).status_code == 200
    page = viewer_client.get(url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content

    response = viewer_client.post(url, {"display_name": "Changed", "status": "active"})
    assert response.status_code == 403
    creator.refresh_from_db()
    assert creator.display_name == "Jane"
    assert viewer_client.get(_url(m.Creator, "add")).status_code == 403
    assert viewer_client.get(_url(m.Creator, "delete", creator.pk)).status_code == 403


def test_a_member_role_can_add_but_not_delete(client, workspace):
    user = UserFactory(username="meg", is_staff=True)
    MembershipFactory(workspace=workspace, user=user, role="member")
    client.force_login(user)
    tag = TagFactory(workspace=workspace)

    assert client.get(_url(m.Tag, "add")).status_code == 200
    assert client.get(_url(m.Tag, "delete", tag.pk)).status_code == 403


def test_a_manager_can_delete_a_creator_with_its_timeline(member_client, workspace):
    creator = _creator(workspace)
    MetricSnapshotFactory(creator=creator)
    m.ActivityEvent.objects.create(
        workspace=workspace, verb=m.ActivityEvent.Verb.CREATOR_CREATED, creator=creator
    )

    response = member_client.post(_url(m.Creator, "delete", creator.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not m.Creator.objects.filter(pk=creator.pk).exists()


def test_metric_snapshots_are_read_only_once_recorded(superuser_client, workspace):
    snapshot = MetricSnapshotFactory(creator=CreatorFactory(workspace=workspace), views=10)

    page = superuser_client.get(_url(m.MetricSnapshot, "change", snapshot.pk))

    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert (
        superuser_client.post(
            _url(m.MetricSnapshot, "change", snapshot.pk), {"views": "99"}
        ).status_code
        == 403
    )


def test_recording_a_metric_snapshot_goes_through_the_service(member_client, workspace):
    creator = CreatorFactory(workspace=workspace)
    now = timezone.now()

    response = member_client.post(
        _url(m.MetricSnapshot, "add"),
        {
            "creator": creator.pk,
            "captured_at_0": now.strftime("%Y-%m-%d"),
            "captured_at_1": now.strftime("%H:%M:%S"),
            "source": "manual",
            "views": "1200",
            "orders": "4",
            "sales": "120.00",
            "currency": "USD",
        },
    )

    assert response.status_code == 302, _errors(response)
    snapshot = m.MetricSnapshot.objects.get()
    assert (snapshot.workspace, snapshot.views) == (workspace, 1200)
    assert m.ActivityEvent.objects.filter(verb=m.ActivityEvent.Verb.METRICS_RECORDED).exists()


def test_activity_is_read_only(member_client, workspace):
    event = _event(workspace)

    assert member_client.get(_url(m.ActivityEvent, "add")).status_code == 403
    page = member_client.get(_url(m.ActivityEvent, "change", event.pk))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert member_client.get(_url(m.ActivityEvent, "delete", event.pk)).status_code == 403


# --- the accounts inline --------------------------------------------------------------------------


def _form_data(response):
    """The POST data the page would send as rendered (main form and every inline formset)."""
    data = {}
    adminform = response.context["adminform"]
    for bound in adminform.form:
        value = bound.value()
        if value is None or value is False:
            continue
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        elif value is True:
            data[bound.html_name] = "on"
        else:
            data[bound.html_name] = bound.field.widget.format_value(value) or value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for bound in formset.management_form:
            data[bound.html_name] = bound.value()
        for form in formset.forms:
            for bound in form:
                value = bound.value()
                if value not in (None, False, ""):
                    data[bound.html_name] = "on" if value is True else value
    return data


def _creator_add_data(client, **accounts):
    data = _form_data(client.get(_url(m.Creator, "add")))
    data.update({"display_name": "Jane Doe", "status": "prospect", "country": "us"})
    data.pop("workspace", None)
    rows = accounts.get("rows", [])
    data["accounts-TOTAL_FORMS"] = str(len(rows))
    for i, (platform, handle) in enumerate(rows):
        data[f"accounts-{i}-platform"] = platform
        data[f"accounts-{i}-handle"] = handle
    return data


def _errors(response):
    if response.context is None:
        return response.status_code
    errors = [response.context["adminform"].form.errors]
    for inline in response.context.get("inline_admin_formsets", []):
        errors.append(inline.formset.errors)
        errors.append(inline.formset.non_form_errors())
    return errors


def _account_errors(response):
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.prefix == "accounts":
            return [form.errors for form in inline.formset.forms]
    raise AssertionError("no accounts inline")


def test_accounts_entered_inline_are_normalised(member_client, workspace):
    data = _creator_add_data(member_client, rows=[("tiktok", "@Jane.Doe")])

    response = member_client.post(_url(m.Creator, "add"), data)

    assert response.status_code == 302, _errors(response)
    account = m.PlatformAccount.objects.get()
    assert account.handle_normalised == "jane.doe"
    assert account.workspace == workspace
    assert account.url == "https://www.tiktok.com/@jane.doe"
    assert account.creator.country == "US"


def test_a_bad_handle_in_the_inline_is_a_form_error(member_client):
    data = _creator_add_data(member_client, rows=[("tiktok", "jane doe!")])

    response = member_client.post(_url(m.Creator, "add"), data)

    assert response.status_code == 200
    assert "handle" in _account_errors(response)[0]
    assert not m.Creator.objects.exists()


def test_a_duplicate_handle_spelled_differently_is_a_form_error(member_client, workspace):
    PlatformAccountFactory(
        creator=CreatorFactory(workspace=workspace, display_name="The Original"),
        handle="jane.doe",
        handle_normalised="jane.doe",
    )
    data = _creator_add_data(member_client, rows=[("tiktok", "@Jane.Doe")])

    response = member_client.post(_url(m.Creator, "add"), data)

    assert response.status_code == 200
    errors = _account_errors(response)[0]
    assert "handle" in errors
    assert "The Original" in str(errors["handle"])
    assert not m.Creator.objects.filter(display_name="Jane Doe").exists()


def test_the_same_handle_twice_in_one_submission_is_a_form_error(member_client):
    data = _creator_add_data(member_client, rows=[("tiktok", "@Jane.Doe"), ("tiktok", "jane.doe")])

    response = member_client.post(_url(m.Creator, "add"), data)

    assert response.status_code == 200
    assert "handle" in _account_errors(response)[1]
    assert not m.PlatformAccount.objects.exists()


def test_the_same_handle_in_another_workspace_is_fine(member_client, other_workspace):
    PlatformAccountFactory(creator=CreatorFactory(workspace=other_workspace), handle="jane.doe")
    data = _creator_add_data(member_client, rows=[("tiktok", "@Jane.Doe")])

    response = member_client.post(_url(m.Creator, "add"), data)

    assert response.status_code == 302, _errors(response)


def test_editing_a_creator_goes_through_the_service(member_client, workspace):
    creator = CreatorFactory(workspace=workspace, display_name="Jane")
    url = _url(m.Creator, "change", creator.pk)
    data = _form_data(member_client.get(url))
    data["status"] = "contacted"
    data["notes-TOTAL_FORMS"] = "1"
    data["notes-0-kind"] = m.Note.Kind.EMAIL
    data["notes-0-body"] = "Sent the brief"
    data["notes-0-occurred_at_0"] = "2026-05-01"
    data["notes-0-occurred_at_1"] = "10:00:00"

    response = member_client.post(url, data)

    assert response.status_code == 302, _errors(response)
    creator.refresh_from_db()
    assert creator.status == "contacted"
    assert creator.last_contacted_at is not None  # note_add moved it
    verbs = set(m.ActivityEvent.objects.filter(creator=creator).values_list("verb", flat=True))
    assert {m.ActivityEvent.Verb.CREATOR_UPDATED, m.ActivityEvent.Verb.NOTE_ADDED} <= verbs


# --- collaborations move through the pipeline service ---------------------------------------------


def test_the_advance_action_moves_collaborations_and_reports_refusals(member_client, workspace):
    proposed = CollaborationFactory(creator=CreatorFactory(workspace=workspace))
    done = CollaborationFactory(
        creator=CreatorFactory(workspace=workspace), status=m.CollaborationStatus.COMPLETED
    )

    response = member_client.post(
        _url(m.Collaboration, "changelist"),
        {"action": "advance_to_agreed", "_selected_action": [proposed.pk, done.pk]},
        follow=True,
    )

    assert response.status_code == 200
    proposed.refresh_from_db()
    done.refresh_from_db()
    assert proposed.status == m.CollaborationStatus.AGREED
    assert proposed.agreed_on is not None
    assert done.status == m.CollaborationStatus.COMPLETED
    texts = [str(message) for message in response.context["messages"]]
    assert any("1 collaboration moved" in text for text in texts)
    assert any("cannot go from" in text for text in texts)


def test_the_change_page_offers_only_allowed_statuses(member_client, workspace):
    collaboration = CollaborationFactory(creator=CreatorFactory(workspace=workspace))

    response = member_client.get(_url(m.Collaboration, "change", collaboration.pk))

    status_field = response.context["adminform"].form.fields["status"]
    choices = [value for value, _label in status_field.choices]
    assert set(choices) == {"proposed", "agreed", "declined", "cancelled"}


# --- dashboard and language -----------------------------------------------------------------------


def test_the_dashboard_counts_the_workspace_in_scope(member_client, workspace, other_workspace):
    creator = CreatorFactory(workspace=workspace, status="active")
    NoteFactory(creator=creator, follow_up_on=dt.date.today() - dt.timedelta(days=1))
    NoteFactory(creator=creator, follow_up_on=dt.date.today() + dt.timedelta(days=3))
    CollaborationFactory(
        creator=creator,
        status=m.CollaborationStatus.SAMPLE_SHIPPED,
        sample_shipped_on=dt.date.today(),
    )
    posted = CollaborationFactory(creator=creator, sample_shipped_on=dt.date.today())
    ContentPostFactory(creator=creator, collaboration=posted)
    NoteFactory(creator=CreatorFactory(workspace=other_workspace), follow_up_on=dt.date.today())

    with CaptureQueriesContext(connection) as queries:
        response = member_client.get(reverse("admin:index"))

    dashboard = response.context["dashboard"]
    assert dashboard["follow_ups_due"] == 1
    assert dashboard["samples_awaiting_post"] == 1
    assert dashboard["creators_total"] == 1
    active = next(row for row in dashboard["creators_by_status"] if row["value"] == "active")
    assert active["count"] == 1
    assert dashboard["collaborations_total"] == 2
    assert b'id="dashboard-follow-ups-due"' in response.content
    assert len(queries) < 25


def test_the_admin_speaks_chinese_when_the_browser_asks(superuser_client):
    response = superuser_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    content = response.content.decode()
    assert any(text in content for text in ("站点管理", "注销", "退出"))


def test_the_language_switch_sticks(superuser_client):
    response = superuser_client.post(
        reverse("set_language"), {"language": "zh-hans", "next": reverse("admin:index")}
    )
    assert response.status_code == 302

    content = superuser_client.get(reverse("admin:index")).content.decode()
    assert "站点管理" in content
    assert 'action="/i18n/setlang/"' in content
    assert "简体中文" in content


# --- history, autocompletes, the activity inline --------------------------------------------------


@pytest.mark.parametrize("model", [m.Creator, m.ContactMethod, m.Collaboration], ids=_label)
def test_history_pages_render(member_client, workspace, model):
    obj = _maker(model)(workspace)

    response = member_client.get(_url(model, "history", obj.pk))

    assert response.status_code == 200


def test_the_owner_autocomplete_offers_only_workspace_members(member_client, workspace):
    outsider = UserFactory(username="otto")
    colleague = MembershipFactory(workspace=workspace, user=UserFactory(username="olga")).user

    response = member_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "influencers", "model_name": "creator", "field_name": "owner", "term": "o"},
    )

    assert response.status_code == 200
    ids = {r["id"] for r in response.json()["results"]}
    assert str(colleague.pk) in ids
    assert str(outsider.pk) not in ids
    # ...and the user list itself stays closed to them.
    assert member_client.get(_url(User, "changelist")).status_code == 403


def test_the_activity_inline_shows_the_latest_twenty_read_only(member_client, workspace):
    creator = CreatorFactory(workspace=workspace)
    m.ActivityEvent.objects.bulk_create(
        m.ActivityEvent(
            workspace=workspace,
            verb=m.ActivityEvent.Verb.CREATOR_UPDATED,
            creator=creator,
            data={"n": n},
        )
        for n in range(25)
    )

    response = member_client.get(_url(m.Creator, "change", creator.pk))

    events = next(
        f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "events"
    )
    assert len(events.formset.forms) == 20
    assert not events.has_add_permission
    assert not events.has_change_permission
    assert not events.has_delete_permission


def test_accounts_saved_inline_refresh_the_creator_reach(member_client, workspace):
    data = _creator_add_data(member_client, rows=[("tiktok", "@Big"), ("instagram", "small")])
    data["accounts-0-followers"] = "90000"
    data["accounts-1-followers"] = "10"

    response = member_client.post(_url(m.Creator, "add"), data)

    assert response.status_code == 302, _errors(response)
    assert m.Creator.objects.get().followers == 90000


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "Germany"}, ["Hans"]),
        ({"country": "de"}, ["Hans"]),
        ({"country": "Atlantis"}, []),
        ({"language": "DE"}, ["Hans"]),
        ({"rating": "5"}, ["Amy"]),
        ({"status__exact": "active"}, ["Amy"]),
        ({"platform": "youtube"}, ["Hans"]),
    ],
)
def test_creator_filters(member_client, workspace, params, expected):
    CreatorFactory(workspace=workspace, display_name="Amy", rating=5, status="active")
    hans = CreatorFactory(workspace=workspace, display_name="Hans", country="DE", language="de")
    PlatformAccountFactory(creator=hans, platform=m.Platform.YOUTUBE, handle="hans")

    response = member_client.get(_url(m.Creator, "changelist"), params)

    assert response.status_code == 200
    assert [c.display_name for c in response.context["cl"].result_list] == expected


def test_a_duplicate_tag_name_is_a_form_error(member_client, workspace):
    TagFactory(workspace=workspace, name="Beauty")

    response = member_client.post(_url(m.Tag, "add"), {"name": "beauty"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert m.Tag.objects.count() == 1


def test_a_bad_email_in_the_contacts_inline_is_a_form_error(member_client):
    data = _creator_add_data(member_client)
    data.update(
        {"contacts-TOTAL_FORMS": "1", "contacts-0-kind": "email", "contacts-0-value": "nope@"}
    )

    response = member_client.post(_url(m.Creator, "add"), data)

    assert response.status_code == 200
    contacts = next(
        f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "contacts"
    )
    assert "value" in contacts.formset.forms[0].errors
    assert not m.Creator.objects.exists()


def test_changing_the_status_on_the_page_goes_through_the_pipeline(member_client, workspace):
    collaboration = CollaborationFactory(creator=CreatorFactory(workspace=workspace))
    url = _url(m.Collaboration, "change", collaboration.pk)
    data = _form_data(member_client.get(url))

    refused = member_client.post(url, {**data, "status": "completed"})
    assert refused.status_code == 200
    assert "status" in refused.context["adminform"].form.errors

    response = member_client.post(url, {**data, "status": "agreed", "promo_code": "JANE10"})

    assert response.status_code == 302, _errors(response)
    collaboration.refresh_from_db()
    assert collaboration.status == m.CollaborationStatus.AGREED
    assert collaboration.agreed_on is not None
    assert collaboration.promo_code == "JANE10"
    assert m.ActivityEvent.objects.filter(
        verb=m.ActivityEvent.Verb.COLLABORATION_ADVANCED, target_id=collaboration.pk
    ).exists()
    assert collaboration.history.count() >= 2
