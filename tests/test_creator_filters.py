"""Issue 13 item 1 (filters and sorts): several tags at once (any / all), ranges of
followers, engagement and GMV, sorting by followers and engagement, language and country by
name in the UI's language — in the admin list and (parity) the API."""

from decimal import Decimal

import pytest
from django.urls import reverse

from influencers.models import Creator, Tag
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db

LIST = "admin:influencers_creator_changelist"


@pytest.fixture
def pool(workspace):
    pets, beauty = (Tag.objects.create(workspace=workspace, name=n) for n in ("pets", "beauty"))
    rows = {
        "ana": {
            "followers": 1_000,
            "engagement_rate": Decimal("2.5"),
            "rollup_gmv": Decimal("10"),
            "language": "es",
            "country": "ES",
        },
        "bo": {
            "followers": 50_000,
            "engagement_rate": Decimal("7.0"),
            "rollup_gmv": Decimal("900"),
            "language": "zh",
            "country": "CN",
        },
        "cy": {
            "followers": 250_000,
            "engagement_rate": Decimal("4.0"),
            "rollup_gmv": Decimal("5000"),
            "language": "en",
            "country": "DE",
        },
    }
    made = {}
    for name, fields in rows.items():
        made[name] = CreatorFactory(workspace=workspace, display_name=name)
        Creator.objects.filter(pk=made[name].pk).update(**fields)
    made["ana"].tags.add(pets)
    made["bo"].tags.add(pets, beauty)
    made["cy"].tags.add(beauty)
    return {"pets": pets, "beauty": beauty, **made}


@pytest.fixture
def manager(client, member):
    client.force_login(member)
    return client


def _names(client, params, **headers):
    response = client.get(reverse(LIST), params, **headers)
    assert response.status_code == 200
    return [c.display_name for c in response.context["cl"].result_list]


def test_several_tags_any_or_all(manager, pool):
    both = [str(pool["pets"].pk), str(pool["beauty"].pk)]
    assert sorted(_names(manager, {"tags_any": both})) == ["ana", "bo", "cy"]
    assert _names(manager, {"tags_all": both}) == ["bo"]


def test_ranges_of_followers_engagement_and_gmv(manager, pool):
    assert sorted(_names(manager, {"followers_from": 10_000, "followers_to": 300_000})) == [
        "bo",
        "cy",
    ]
    assert _names(manager, {"engagement_rate_from": 5}) == ["bo"]
    assert sorted(_names(manager, {"rollup_gmv_from": 100, "rollup_gmv_to": 1000})) == ["bo"]


def test_sort_by_followers_and_engagement(manager, pool):
    columns = manager.get(reverse(LIST)).context["cl"].list_display
    followers, engagement = columns.index("followers_display"), columns.index("engagement_display")
    assert _names(manager, {"o": f"-{followers}"}) == ["cy", "bo", "ana"]
    assert _names(manager, {"o": f"{engagement}"}) == ["ana", "cy", "bo"]


@pytest.mark.parametrize("typed", ["es", "Spanish", "español", "Espanol", "西班牙语"])
def test_language_by_name_in_any_product_language(manager, pool, typed):
    assert _names(manager, {"language": typed}) == ["ana"]


@pytest.mark.parametrize("typed", ["DE", "Germany", "德国"])
def test_country_by_name(manager, pool, typed):
    assert _names(manager, {"country": typed}) == ["cy"]


def test_an_unknown_language_finds_nobody(manager, pool):
    assert _names(manager, {"language": "Klingonish words"}) == []


def test_api_parity(api, pool):
    def names(**params):
        response = api.get("/api/v1/creators/", params)
        assert response.status_code == 200, response.content
        return sorted(c["display_name"] for c in response.json()["results"])

    assert names(tag="pets,beauty") == ["ana", "bo", "cy"]
    assert names(tag="pets,beauty", tag_match="all") == ["bo"]
    assert names(tag="pets,nosuchtag", tag_match="all") == []
    assert names(gmv_min=100, gmv_max=1000) == ["bo"]
    assert names(followers_min=10_000, engagement_min=5) == ["bo"]
    assert api.get("/api/v1/creators/", {"tag_match": "some"}).status_code == 400
