"""Issue 13 item 1 (find): the admin list and the API find creators the way sellers paste
things — a phone as displayed or national, part of an email (its start or its domain), part
of an ASIN, a profile URL, a name without its accents — and never reveal contacts to viewers."""

import phonenumbers
import pytest
from django.db import connection
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from influencers.models import Collaboration, Creator
from influencers.normalisers.folding import ACCENTED, PLAIN, fold
from influencers.selectors.creator_search import parse_term
from tests.factories import (
    ContactMethodFactory,
    CreatorFactory,
    MembershipFactory,
    PlatformAccountFactory,
    ProductFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool(workspace, other_workspace):
    maria = CreatorFactory(workspace=workspace, display_name="María Díaz", country="US")
    ContactMethodFactory(
        creator=maria, kind="phone", value="+1 646-555-0164", value_normalised="+16465550164"
    )
    ContactMethodFactory(
        creator=maria, value="Maria.Diaz@Example.org", value_normalised="maria.diaz@example.org"
    )
    li = CreatorFactory(workspace=workspace, display_name="李娜", country="CN")
    ContactMethodFactory(
        creator=li, kind="phone", value="138 0013 8000", value_normalised="+8613800138000"
    )
    lily = CreatorFactory(workspace=workspace, display_name="Lily Home")
    PlatformAccountFactory(creator=lily, handle="@lily.home", handle_normalised="lily.home")
    lamp = ProductFactory(workspace=workspace, asin="B0LAMP1234", marketplace="US")
    deal = Collaboration.objects.create(workspace=workspace, creator=lily)
    deal.products.add(lamp)
    other = CreatorFactory(workspace=other_workspace, display_name="María Díaz (theirs)")
    ContactMethodFactory(
        creator=other, kind="phone", value="+16465550164", value_normalised="+16465550164"
    )
    return {"maria": maria, "li": li, "lily": lily}


SEARCHES = [
    ("+1 646-555-0164", "maria"),
    ("646-555-0164", "maria"),
    ("(646) 555 0164", "maria"),
    ("13800138000", "li"),
    ("+86 138 0013 8000", "li"),
    ("maria.di", "maria"),
    ("example.org", "maria"),
    ("@example.org", "maria"),
    ("Diaz", "maria"),
    ("diaz", "maria"),
    ("DÍAZ", "maria"),
    ("B0LAMP", "lily"),
    ("b0lamp1234", "lily"),
    ("https://www.tiktok.com/@lily.home?lang=en", "lily"),
    ("tiktok.com/@lily.home", "lily"),
    ("@lily", "lily"),
    ("李", "li"),
]


@pytest.fixture
def manager(client, member):
    client.force_login(member)
    return client


def _admin_names(client, term):
    response = client.get(reverse("admin:influencers_creator_changelist"), {"q": term})
    assert response.status_code == 200
    return {c.display_name for c in response.context["cl"].result_list}


@pytest.mark.parametrize(("term", "who"), SEARCHES)
def test_the_admin_list_finds_what_sellers_paste(manager, pool, term, who):
    assert _admin_names(manager, term) == {pool[who].display_name}


# The API matches a name by its start (an index look-up at 1M creators); the admin list by
# any part of it.
API_SEARCHES = [
    *[(t, w) for t, w in SEARCHES if t.lower() not in ("diaz", "díaz")],
    ("Maria", "maria"),
    ("MARIA DI", "maria"),
    ("maría", "maria"),
]


@pytest.mark.parametrize(("term", "who"), API_SEARCHES)
def test_the_api_finds_the_same(api, pool, term, who):
    response = api.get("/api/v1/creators/", {"search": term})
    assert response.status_code == 200, response.content
    assert {c["display_name"] for c in response.json()["results"]} == {pool[who].display_name}


@pytest.mark.parametrize(("term", "who"), SEARCHES)
def test_a_walk_of_the_list_finds_the_same(manager, api, pool, monkeypatch, term, who):
    """As when every way matches thousands: no id is listed, each creator is tested as the
    list is walked (its handles and addresses as kept on its row, phones and ASINs by a
    probe). Same creators found."""
    from influencers.selectors import creator_search

    monkeypatch.setattr(creator_search, "IDS_FETCHED", 0)
    monkeypatch.setattr(creator_search, "NAME_IDS_FETCHED", 0)
    assert _admin_names(manager, term) == {pool[who].display_name}
    if (term, who) in API_SEARCHES:
        response = api.get("/api/v1/creators/", {"search": term})
        found = {c["display_name"] for c in response.json()["results"]}
        assert found == {pool[who].display_name}


@pytest.mark.parametrize("term", ["+1 646-555-0164", "maria.di", "example.org", "13800138000"])
def test_a_viewer_cannot_find_by_contact(client, workspace, api_as, pool, term):
    viewer = UserFactory(username="vic", is_staff=True)
    MembershipFactory(workspace=workspace, user=viewer, role="viewer")
    client.force_login(viewer)
    assert _admin_names(client, term) == set()
    found = api_as("viewer").get("/api/v1/creators/", {"search": term}).json()["results"]
    assert found == []
    assert _admin_names(client, "Diaz") == {"María Díaz"}  # names still work


def test_a_name_search_without_accents_uses_the_folded_index(workspace):
    """The API's name prefix is an index look-up (creator_ws_name_folded), as the expression
    in the query is the indexed one."""
    from influencers.models import Creator
    from influencers.selectors.creator_search import folded_name

    Creator.objects.bulk_create(
        Creator(workspace=workspace, display_name=f"Név {i:05d}") for i in range(3000)
    )
    qs = Creator.objects.filter(workspace=workspace).alias(f=folded_name())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE influencers_creator")
        plan = qs.filter(f__startswith="nev 0012").order_by().values("pk").explain()
    assert "creator_ws_name_folded" in plan
    assert qs.filter(f__startswith="nev 0012").count() == 10


# --- the parts, property-based --------------------------------------------------------------


@given(st.text(alphabet=ACCENTED + PLAIN + "ABC xyz-'", max_size=40))
def test_folding_removes_every_listed_accent_and_is_idempotent(text):
    folded = fold(text)
    assert not set(folded) & set(ACCENTED)
    assert fold(folded) == folded
    assert len(folded) == len(text)


@pytest.mark.parametrize("text", ["María Díaz", "ŁUKASZ Żółć", "Çağrı Öztürk", "Ñandú ÿ"])
def test_postgres_folds_like_python(text):
    with connection.cursor() as cursor:
        cursor.execute("SELECT translate(lower(%s), %s, %s)", [text, ACCENTED, PLAIN])
        assert cursor.fetchone()[0] == fold(text)


us_numbers = st.integers(min_value=2012000000, max_value=9899999999).filter(
    lambda n: phonenumbers.is_valid_number(phonenumbers.parse(f"+1{n}"))
)


@given(
    us_numbers, st.sampled_from(["{a}-{b}-{c}", "({a}) {b} {c}", "+1 {a} {b} {c}", "{a}.{b}.{c}"])
)
def test_a_phone_in_any_common_form_reads_as_its_e164(number, shape):
    digits = str(number)
    typed = shape.format(a=digits[:3], b=digits[3:6], c=digits[6:])
    assert f"+1{digits}" in parse_term(typed).phones


@given(st.from_regex(r"[a-z][a-z0-9]{2,12}\.[a-z]{2,6}", fullmatch=True))
def test_a_bare_domain_is_searched_as_an_email_domain(domain):
    assert parse_term(domain).email_domain == "@" + domain


# --- names by any part, at 1M creators: the trigram index (migration 0034) -----------------


def _trigrams_hold(workspace_id: int, name: str, part: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT influencers_name_trigrams(%s, translate(lower(%s), %s, %s)) "
            "@> influencers_name_trigrams(%s, %s)",
            [workspace_id, name, ACCENTED, PLAIN, workspace_id, fold(part)],
        )
        return cursor.fetchone()[0]


@given(
    st.text(alphabet=ACCENTED + PLAIN + "ABCÉ xyz-'.李娜", min_size=3, max_size=30),
    st.data(),
)
def test_the_trigram_index_never_loses_a_name_that_contains_the_text(name, data):
    """Whatever part of a name (three letters or more) is typed, with or without its
    accents, the index holds every piece of it: the exact test then decides, no row is lost
    before it."""
    start = data.draw(st.integers(min_value=0, max_value=len(name) - 3))
    end = data.draw(st.integers(min_value=start + 3, max_value=len(name)))
    assert _trigrams_hold(7, name, name[start:end])
    assert _trigrams_hold(7, name, fold(name[start:end]))


def test_the_trigram_pieces_belong_to_one_workspace():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT influencers_name_trigrams(1, 'emma') && influencers_name_trigrams(2, 'emma')"
        )
        assert cursor.fetchone()[0] is False


def test_a_name_search_is_served_by_the_trigram_index(manager, workspace):
    """The admin's name search asks creator_name_trigrams for the few creators whose name
    holds the text, instead of reading every name (1.2 s for a name nobody has at 1M)."""
    from django.test.utils import CaptureQueriesContext

    from influencers.models import Creator

    Creator.objects.bulk_create(
        Creator(workspace=workspace, display_name=f"Creator {i:05d}") for i in range(2000)
    )
    CreatorFactory(workspace=workspace, display_name="Gemma Díaz")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE influencers_creator")
    with CaptureQueriesContext(connection) as ctx:
        assert _admin_names(manager, "mma dia") == {"Gemma Díaz"}
    by_name = [q["sql"] for q in ctx.captured_queries if "influencers_name_trigrams" in q["sql"]]
    assert by_name  # how many, then which (few)
    for sql in by_name:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "creator_name_trigrams" in plan, plan


@pytest.mark.parametrize("fetched", [0, 2, 5000])
def test_the_list_and_its_count_are_the_same_whether_each_way_finds_few_or_many(
    manager, workspace, monkeypatch, fetched
):
    """Few matches of a way are listed by id, many are found by walking the list; the count
    of a search with many matches looks among those fetched first, and says "more than N"
    only when the list's filters keep more than N of them. Same rows, same count, either
    way."""
    from influencers.admin import paginators
    from influencers.selectors import creator_search

    monkeypatch.setattr(creator_search, "IDS_FETCHED", fetched)
    monkeypatch.setattr(paginators, "COUNT_CAP", 3)
    for i, status in enumerate(["active", "active", "active", "active", "paused"]):
        CreatorFactory(workspace=workspace, display_name=f"Emma {i}", status=status)
    handle_only = CreatorFactory(workspace=workspace, display_name="Somebody", status="paused")
    PlatformAccountFactory(creator=handle_only, handle="@emmaline", handle_normalised="emmaline")
    CreatorFactory(workspace=workspace, display_name="Nobody", status="paused")
    url = reverse("admin:influencers_creator_changelist")

    everyone = manager.get(url, {"q": "emma"})
    assert {c.display_name for c in everyone.context["cl"].result_list} == {
        *(f"Emma {i}" for i in range(5)),
        "Somebody",
    }
    assert everyone.context["cl"].paginator.capped is True  # 6 > 3: "more than 3"
    paused = manager.get(url, {"q": "emma", "status__exact": "paused"})
    assert {c.display_name for c in paused.context["cl"].result_list} == {"Emma 4", "Somebody"}
    assert paused.context["cl"].paginator.count == 2
    assert paused.context["cl"].paginator.capped is False


def test_every_way_is_counted_and_listed_in_one_statement(
    workspace, other_workspace, monkeypatch, django_assert_num_queries
):
    """few_ids_each(): the ids of each way that finds few, None for a way that finds more
    than IDS_FETCHED (or is not a way for this term), in one round trip, within the
    workspace."""
    from influencers.selectors import creator_search

    monkeypatch.setattr(creator_search, "IDS_FETCHED", 2)
    emmas = [CreatorFactory(workspace=workspace, display_name=f"Emma {i}") for i in range(3)]
    ava = CreatorFactory(workspace=workspace, display_name="Ava")
    PlatformAccountFactory(creator=ava, handle="@emmaline", handle_normalised="emmaline")
    theirs = CreatorFactory(workspace=other_workspace, display_name="Emma (theirs)")
    PlatformAccountFactory(creator=theirs, handle="@emmy", handle_normalised="emmy")
    term = creator_search.parse_term("emm")
    by_name = creator_search.name_matches(
        Creator.objects, term, workspace_id=workspace.pk
    )  # three Emmas: more than 2
    by_handle = creator_search.handle_matches(term, workspace_id=workspace.pk)
    by_contact = creator_search.contact_matches(
        creator_search.parse_term("zzqx"), workspace_id=workspace.pk
    )  # nobody
    with django_assert_num_queries(1):
        found = creator_search.few_ids_each([by_name, None, by_handle, by_contact])
    assert found == [None, None, [ava.pk], []]
    monkeypatch.setattr(creator_search, "IDS_FETCHED", 3)
    assert sorted(creator_search.few_ids(by_name)) == sorted(e.pk for e in emmas)


def test_when_the_walked_way_finds_many_the_others_are_not_counted(
    workspace, monkeypatch, django_assert_num_queries
):
    """few_ids_each(walked_when_many=i): the API walks the list when the handles are many, so
    the other ways then come back uncounted (None, tested on that walk); when the handles are
    few, every way is counted as usual. One statement either way."""
    from influencers.selectors import creator_search

    monkeypatch.setattr(creator_search, "IDS_FETCHED", 2)
    handles = [CreatorFactory(workspace=workspace, display_name=f"Maker {i}") for i in range(3)]
    for i, creator in enumerate(handles):
        PlatformAccountFactory(creator=creator, handle=f"@emm{i}", handle_normalised=f"emm{i}")
    emma = CreatorFactory(workspace=workspace, display_name="Emma")
    term = creator_search.parse_term("emm")
    ways = [
        creator_search.name_start_matches(term, workspace_id=workspace.pk),
        creator_search.handle_matches(term, workspace_id=workspace.pk),
        creator_search.contact_matches(term, workspace_id=workspace.pk),
    ]
    with django_assert_num_queries(1):
        assert creator_search.few_ids_each(ways, walked_when_many=1) == [None, None, None]
    monkeypatch.setattr(creator_search, "IDS_FETCHED", 3)
    with django_assert_num_queries(1):
        names, found, contacts = creator_search.few_ids_each(ways, walked_when_many=1)
    assert (names, sorted(found), contacts) == ([emma.pk], sorted(c.pk for c in handles), [])
