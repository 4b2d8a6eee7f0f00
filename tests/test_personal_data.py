"""Personal data follows the policy everywhere (issue 11, item 8).

The enumeration test walks the whole URL conf — every API operation, every admin page of every
registered model (custom views such as previews, error reports and dashboards included) and
the admin's export actions — as a viewer (an API token, and an admin session of a viewer-role
member), and asserts that no response holds any email, phone or answer link of the fixture
pool in clear. A URL added later is walked too: nothing has to be listed here by hand."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from influencers import policy
from influencers.models import (
    ContactMethod,
    Creator,
    ImportIssue,
    ImportJob,
    Invitation,
    Membership,
)
from influencers.switchover.selection import answer_url
from tests import factories as f
from tests.api_world import build_world
from tests.switchover_world import make_plan

pytestmark = pytest.mark.django_db

EMAILS = ("lena.park@brandmail.test", "kai+pr@studio-kai.test", "shared@agency-one.test")
PHONES = ("+14155550199", "+447700900123")


def _digit_forms(phone: str) -> list[str]:
    digits = re.sub(r"\D", "", phone)
    return [phone, digits, digits[-10:]]


SECRETS = [e.lower() for e in EMAILS] + [form for p in PHONES for form in _digit_forms(p)]
# An answer link (signed plan:creator token), raw or percent-encoded, with or without its URL.
ANSWER_TOKEN = re.compile(r"\d+(?::|%3A)[0-9A-Za-z]+(?::|%3A)[0-9A-Za-z_-]{6,}(?::|%3A)[\w-]{20,}")


@pytest.fixture
def pool(workspace):
    """Every kind of record that carries a contact or an answer link, in `workspace`."""
    world = build_world(workspace)
    lena = f.CreatorFactory(workspace=workspace, display_name="Lena Park", readiness__score=90)
    f.PlatformAccountFactory(creator=lena, handle="@lena.park", handle_normalised="lena.park")
    f.ContactMethodFactory(creator=lena, value=EMAILS[0], value_normalised=EMAILS[0])
    f.ContactMethodFactory(
        creator=lena, kind=ContactMethod.Kind.PHONE, value=PHONES[0], value_normalised=PHONES[0]
    )
    kai = f.CreatorFactory(workspace=workspace, display_name="Kai Studio", readiness__score=80)
    f.ContactMethodFactory(creator=kai, value=EMAILS[1], value_normalised=EMAILS[1])
    f.ContactMethodFactory(
        creator=kai, kind=ContactMethod.Kind.WHATSAPP, value=PHONES[1], value_normalised=PHONES[1]
    )
    # An agency's address shared by two creators: a merge suggestion shows it.
    for creator in (lena, kai):
        f.ContactMethodFactory(
            creator=creator, value=EMAILS[2], value_normalised=EMAILS[2], is_primary=False
        )
    plan = make_plan(workspace)
    link = answer_url(plan.pk, lena.pk)
    invitation = Invitation.objects.create(
        workspace=workspace,
        plan=plan,
        creator=lena,
        email=EMAILS[0],
        tracking_link="https://www.amazon.com/dp/B0TESTASIN?tag=lena.park-20",
        tracking_id="lena.park-20",
        subject="Acme x Lena Park",
        body=f"Hi Lena Park, answer here: {link}\nor %s" % link.replace(":", "%3A"),
        status=Invitation.Status.SENT,
    )
    job = ImportJob.objects.create(
        workspace=workspace, file="imports/pool.csv", original_filename="pool.csv"
    )
    ImportIssue.objects.create(
        job=job,
        line=2,
        column="phone",
        value=f"{PHONES[0]} / {EMAILS[0]}",
        reason="bad",
        level="error",
    )
    return {
        "workspace": workspace,
        "world": world,
        "lena": lena,
        "kai": kai,
        "plan": plan,
        "invitation": invitation,
        "job": job,
        "link": link,
    }


def _text(response) -> str:
    if getattr(response, "streaming", False):
        raw = b"".join(
            c if isinstance(c, bytes) else c.encode() for c in response.streaming_content
        )
    else:
        raw = response.content
    if raw[:2] == b"PK":  # XLSX: every XML part of the workbook
        with zipfile.ZipFile(io.BytesIO(raw)) as book:
            raw = b"".join(book.read(name) for name in book.namelist())
    return raw.decode("utf-8", "replace")


def leaks(text: str) -> list[str]:
    found = [s for s in SECRETS if s in text.lower()]
    squeezed = re.sub(r"[\s\-().]", "", text)
    found += [s for s in SECRETS if s.lstrip("+").isdigit() and s not in found and s in squeezed]
    if "/answer/" in text or ANSWER_TOKEN.search(text):
        found.append("answer link")
    return found


# --- walking the URL conf --------------------------------------------------------------------


def _walk(patterns, namespace="", params=()):
    for entry in patterns:
        names = tuple(_param_names(entry.pattern))
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from _walk(
                entry.url_patterns, f"{namespace}{ns}:" if ns else namespace, params + names
            )
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", params + names


def _param_names(pattern) -> list[str]:
    converters = getattr(pattern, "converters", None)
    if converters:
        return list(converters)
    regex = getattr(pattern, "regex", None)
    return list(regex.groupindex) if regex is not None else []


API_IDS = {
    "creator": "lena",
    "note": "note",
    "collaboration": "collaboration",
    "contentpost": "post",
    "metricsnapshot": "snapshot",
    "product": "product",
    "campaign": "campaign",
    "tag": "tag",
    "member": "member",
    "activity": "event",
    "switchoverplan": "plan",
    "invitation": "invitation",
    "import": "job",
}


def _api_id(name: str, pool) -> int:
    base = name.split(":")[-1].split("-")[0]
    key = API_IDS.get(base, "lena")
    if key == "member":
        return Membership.objects.filter(workspace=pool["workspace"]).order_by("pk").first().pk
    value = pool.get(key) or getattr(pool["world"], key)
    return value.pk


def _admin_model(name: str):
    short = name.split(":")[-1]
    for model in admin.site._registry:
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if short.startswith(prefix):
            return model
    return None


def _admin_object_pk(model, pool):
    manager = model._default_manager
    if model is Creator:
        return pool["lena"].pk
    if any(f.name == "workspace" for f in model._meta.fields):
        manager = manager.filter(workspace=pool["workspace"])
    obj = manager.order_by("pk").first()
    return obj.pk if obj is not None else 1


def _urls(pool):
    """(url name, concrete path) for every named URL of the project, parameters filled in
    with the fixture's rows of the right model."""
    for name, params in _walk(get_resolver().url_patterns):
        kwargs = {}
        model = _admin_model(name) if name.startswith("admin:") else None
        for param in params:
            if param in ("pk", "object_id", "id"):
                if name.startswith("api:"):
                    kwargs[param] = _api_id(name, pool)
                else:
                    kwargs[param] = _admin_object_pk(model, pool) if model else 1
            elif param == "app_label":
                kwargs[param] = "influencers"
            elif param == "token":
                kwargs[param] = "not-a-token"
            elif param == "content_type_id":
                kwargs[param] = 1
            else:
                kwargs[param] = "x"
        try:
            yield name, reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue


@pytest.fixture
def viewer_api(api_as):
    return api_as("viewer")


@pytest.fixture
def viewer_admin(client, workspace):
    viewer = f.UserFactory(username="vera", is_staff=True)
    f.MembershipFactory(workspace=workspace, user=viewer, role=Membership.Role.VIEWER)
    client.force_login(viewer)
    return client


SKIPPED = {"logout", "admin:logout", "workspace-switch", "set_language"}


def test_a_viewer_never_sees_a_contact_or_answer_link_anywhere(pool, viewer_api, viewer_admin):
    seen: dict[str, list[str]] = {}
    requested = 0

    def check(label, response, typed=""):
        nonlocal requested
        requested += 1
        assert response.status_code < 500, label
        text = _text(response)
        if typed:  # the search box shows what the viewer typed: not a leak
            text = text.replace(typed, "").replace(typed.replace("+", "%2B"), "")
        found = [s for s in leaks(text) if not (typed and s in typed)]
        if found:
            seen[label] = found

    for name, url in _urls(pool):
        if name in SKIPPED or name.endswith(":logout"):
            continue
        if url.startswith("/api/"):
            for query in ("", "?format=csv", "?format=xlsx", "?format=json"):
                check(f"GET {url}{query}", viewer_api.get(url + query))
            check(f"POST {url}", viewer_api.post(url, {}, format="json"))
        else:
            for query in ("", "?format=csv"):
                check(f"GET {url}{query} (admin)", viewer_admin.get(url + query))
    # Admin export actions are POSTs to the changelist.
    changelist = reverse("admin:influencers_creator_changelist")
    ids = [
        str(pk)
        for pk in Creator.objects.filter(workspace=pool["workspace"]).values_list("pk", flat=True)
    ]
    for action in ("export_creators_csv", "export_creators_xlsx"):
        response = viewer_admin.post(
            changelist, {"action": action, "_selected_action": ids, "index": 0}
        )
        assert response.status_code == 200, action
        check(f"admin action {action}", response)
    # The searches a viewer may type (an exact email or phone is the same answer as a miss):
    # nothing but what they typed comes back, on every searchable list.
    searchable = [
        reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist")
        for m, model_admin in admin.site._registry.items()
        if model_admin.search_fields
    ]
    for url in searchable:
        for secret in (*EMAILS, *PHONES):
            check(f"admin search {url} {secret}", viewer_admin.get(url, {"q": secret}), secret)
    for secret in EMAILS:
        response = viewer_api.get("/api/v1/creators/", {"search": secret})
        check(f"API search {secret}", response, secret)
    assert requested > 300  # the walk reached the whole URL conf
    assert seen == {}


def test_the_walk_finds_the_leaks_for_a_member(pool, api_as, client, workspace):
    """The same checks see the data when the role may see it: the test can fail."""
    member = api_as("member")
    body = _text(member.get("/api/v1/creators/?format=csv"))
    assert EMAILS[0] in leaks(body)
    invitation = member.get(f"/api/v1/invitations/{pool['invitation'].pk}/").json()
    assert "answer link" in leaks(invitation["body"])


# --- the cases of the issue, one by one --------------------------------------------------------


def test_viewer_creators_csv_is_masked(pool, viewer_api, api):
    viewer_csv = _text(viewer_api.get("/api/v1/creators/?format=csv"))
    owner_csv = _text(api.get("/api/v1/creators/?format=csv"))
    assert EMAILS[0] in owner_csv and PHONES[0] in owner_csv
    assert EMAILS[0] not in viewer_csv and PHONES[0] not in viewer_csv
    assert policy.mask_email(EMAILS[0]) in viewer_csv  # "l***@brandmail.test"
    assert policy.mask_phone(PHONES[0]) in viewer_csv
    # Same rows and columns as the owner's file, only the contacts differ.
    assert len(viewer_csv.splitlines()) == len(owner_csv.splitlines())


def test_viewer_switchover_preview_csv_is_masked_and_has_no_answer_link(pool, viewer_api, api):
    plan = pool["plan"]
    for url in (
        f"/api/v1/switchover-plans/{plan.pk}/preview.csv",
        f"/api/v1/switchover-plans/{plan.pk}/preview/?format=csv",
    ):
        owner = _text(api.get(url))
        viewer = _text(viewer_api.get(url))
        assert EMAILS[0] in owner and "/answer/" in owner
        assert leaks(viewer) == []
        assert str(policy.HIDDEN_ANSWER_LINK) in viewer


def test_viewer_admin_preview_page_and_csv_are_masked(pool, viewer_admin):
    plan = pool["plan"]
    page = viewer_admin.get(
        reverse("admin:influencers_switchoverplan_preview_page", args=[plan.pk])
    )
    assert page.status_code == 200
    assert "Lena Park" in _text(page)
    assert leaks(_text(page)) == []
    csv_ = viewer_admin.get(reverse("admin:influencers_switchoverplan_preview_csv", args=[plan.pk]))
    assert leaks(_text(csv_)) == []


def test_a_viewer_cannot_obtain_an_answer_link(pool, viewer_api, api):
    url = f"/api/v1/invitations/{pool['invitation'].pk}/"
    owner = api.get(url).json()
    assert pool["link"] in owner["body"]
    viewer = viewer_api.get(url).json()
    assert pool["link"] not in viewer["body"]
    assert "%3A" not in viewer["body"] and "/answer/" not in viewer["body"]
    assert str(policy.HIDDEN_ANSWER_LINK) in viewer["body"]
    listed = viewer_api.get("/api/v1/invitations/").json()["results"]
    assert all(leaks(str(row)) == [] for row in listed)


def test_a_viewers_exact_email_search_answers_like_a_miss(pool, viewer_api, api):
    hit = viewer_api.get("/api/v1/creators/", {"search": EMAILS[0]}).json()["results"]
    miss = viewer_api.get("/api/v1/creators/", {"search": "nobody@nowhere.test"}).json()["results"]
    assert hit == miss == []
    # A member still finds the creator by their address.
    found = api.get("/api/v1/creators/", {"search": EMAILS[0]}).json()["results"]
    assert [row["id"] for row in found] == [pool["lena"].pk]


def test_a_viewers_admin_search_by_email_or_phone_answers_like_a_miss(pool, viewer_admin, client):
    url = reverse("admin:influencers_creator_changelist")
    for term in (EMAILS[0], PHONES[0]):
        page = _text(viewer_admin.get(url, {"q": term}))
        assert "Lena Park" not in page
    assert "Lena Park" in _text(viewer_admin.get(url, {"q": "lena"}))  # by name still works
    invitations = reverse("admin:influencers_invitation_changelist")
    assert "Lena Park" not in _text(viewer_admin.get(invitations, {"q": EMAILS[0]}))


def test_import_error_report_is_masked_for_viewers(pool, viewer_api, api):
    url = f"/api/v1/imports/{pool['job'].pk}/errors.csv"
    assert EMAILS[0] in _text(api.get(url))
    assert leaks(_text(viewer_api.get(url))) == []


def test_a_viewer_cannot_open_the_import_preview(pool, viewer_admin):
    url = reverse("admin:influencers_importjob_preview", args=[pool["job"].pk])
    assert viewer_admin.get(url).status_code == 403
    assert viewer_admin.post(url, {"confirm": "1"}).status_code == 403


# --- the masking functions --------------------------------------------------------------------


def test_masks_keep_enough_to_recognise():
    assert policy.mask_email("lena.park@brandmail.test") == "l***@brandmail.test"
    assert policy.mask_phone("+14155550199") == "+1******0199"
    assert policy.mask_text("call +1 (415) 555-0199 or lena@x.test, due 2026-12-03") == (
        "call +* (***) ***-0199 or l***@x.test, due 2026-12-03"
    )


def test_answer_links_are_hidden_in_every_spelling():
    link = answer_url(12, 34)
    for text in (link, link.replace(":", "%3A"), link.split("/answer/")[1]):
        assert policy.redact_answer_links(f"see {text} now") == (
            f"see {policy.HIDDEN_ANSWER_LINK} now"
        )
