"""Issue 12 item 6: each creator's link uses the marketplace that fits them — their explicit
choice, else their country's store — and never another marketplace's product silently. The
creator's page shows only what their link sells, with the plan's sample offer and terms."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from influencers.models import AmazonLinkSettings, Creator, Invitation, Marketplace
from influencers.services.switchover import switchover_launch
from influencers.switchover import selection
from influencers.switchover.marketplaces import (
    COUNTRY_MARKETPLACE,
    creator_marketplace,
    pick_products,
)
from tests.factories import ProductFactory
from tests.switchover_world import (
    Sink,
    answer_path,
    eligible,
    make_plan,
    sent_invitation,
    smtp_server,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    with smtp_server(settings, Sink()) as sink:
        yield sink


@pytest.fixture
def plan(workspace):
    """The same ASIN sold in the US and Germany (make_plan's US lamp plus its German twin)."""
    plan = make_plan(workspace)
    AmazonLinkSettings.objects.filter(workspace=workspace).update(marketplaces=["US", "DE", "UK"])
    plan.products.add(
        ProductFactory(workspace=workspace, asin="B0TESTASIN", marketplace="DE", title="Lampe")
    )
    return plan


def _by_creator(plan):
    return {p.creator_id: p for p in selection.preview(plan)}


def test_each_creator_gets_the_store_of_their_country_or_their_choice(workspace, plan):
    us, de, austria, chose_uk, unknown = eligible(workspace, 5)
    Creator.objects.filter(pk=de.pk).update(country="DE")
    Creator.objects.filter(pk=austria.pk).update(country="AT")
    Creator.objects.filter(pk=chose_uk.pk).update(country="US", amazon_marketplace="UK")
    Creator.objects.filter(pk=unknown.pk).update(country="")
    rows = _by_creator(plan)

    assert rows[us.pk].link.startswith("https://www.amazon.com/dp/B0TESTASIN?tag=")
    assert rows[de.pk].link.startswith("https://www.amazon.de/dp/B0TESTASIN?tag=")
    assert "Lampe" in rows[de.pk].body and "Lamp " in rows[us.pk].body
    assert rows[austria.pk].marketplace == "DE"
    # Chose the UK, where the plan sells nothing: held back and told why, not sent to .com.
    assert rows[chose_uk.pk].problems == [selection.Problem.NO_MARKETPLACE]
    assert "Amazon.co.uk (UK)" in rows[chose_uk.pk].problem_texts[0]
    assert rows[chose_uk.pk].link == ""
    # No country and two stores in the plan: which one cannot be guessed.
    assert rows[unknown.pk].problems == [selection.Problem.NO_MARKETPLACE]
    assert "country or Amazon marketplace" in rows[unknown.pk].problem_texts[0]

    report = selection.dry_run(plan)
    assert report["would_send"] == 3
    assert report["problems"] == {selection.Problem.NO_MARKETPLACE: 2}


def test_a_single_market_plan_serves_creators_of_unknown_country(workspace):
    plan = make_plan(workspace)  # US only
    (creator,) = eligible(workspace, 1, country="")
    (row,) = selection.preview(plan)
    assert row.sendable and row.marketplace == "US"
    # ... but not a German creator: a US link earns nothing from a German audience.
    Creator.objects.filter(pk=creator.pk).update(country="DE")
    (row,) = selection.preview(plan)
    assert row.problems == [selection.Problem.NO_MARKETPLACE]


def test_launch_writes_each_invitation_with_its_marketplace(
    workspace, plan, smtp, django_capture_on_commit_callbacks
):
    us, de = eligible(workspace, 2)
    Creator.objects.filter(pk=de.pk).update(country="DE")
    with django_capture_on_commit_callbacks(execute=True):
        switchover_launch(plan=plan)
    got = {i.creator_id: i for i in Invitation.objects.filter(plan=plan)}
    assert got[us.pk].marketplace == "US" and "amazon.com/" in got[us.pk].tracking_link
    assert got[de.pk].marketplace == "DE" and "amazon.de/" in got[de.pk].tracking_link
    sent = {rcpts[0]: content for rcpts, content in smtp.messages}
    assert "www.amazon.de/dp/B0TESTASIN" in sent["maker1@example.com"]
    assert "www.amazon.de" not in sent["maker0@example.com"]


def test_the_creators_page_shows_their_products_sample_offer_and_terms(client, workspace, plan):
    plan.sample_offer = "A free sample ships within 3 days of your yes."
    plan.terms = "One video within 14 days.\nDisclose #ad."
    plan.save()
    (creator,) = eligible(workspace, 1, country="DE")
    sent_invitation(plan, creator, tag="maker0-20", marketplace="DE")
    html = client.get(answer_path(plan.pk, creator.pk)).content.decode()
    assert "Lampe" in html and "Amazon DE" in html
    assert "Amazon US" not in html  # the US twin is not what this creator's link sells
    assert 'id="sample-offer"' in html and "ships within 3 days" in html
    assert 'id="terms"' in html and "Disclose #ad." in html


def test_the_api_sets_and_validates_the_creators_marketplace(api, workspace):
    (creator,) = eligible(workspace, 1)
    ok = api.patch(f"/api/v1/creators/{creator.pk}/", {"amazon_marketplace": "UK"}, format="json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["amazon_marketplace"] == "UK"
    bad = api.patch(f"/api/v1/creators/{creator.pk}/", {"amazon_marketplace": "XX"}, format="json")
    assert bad.status_code == 400
    assert "amazon_marketplace" in bad.content.decode()
    creator.refresh_from_db()
    assert creator.amazon_marketplace == "UK"


class _P:
    def __init__(self, marketplace):
        self.marketplace = marketplace


markets = st.sampled_from([m.value for m in Marketplace])


@given(
    plan_markets=st.lists(markets, min_size=1, max_size=6),
    country=st.sampled_from(["", "CN", "BR", *COUNTRY_MARKETPLACE]),
    explicit=st.one_of(st.just(""), markets),
)
def test_never_another_marketplace_silently(plan_markets, country, explicit):
    products = [_P(m) for m in plan_markets]
    wanted = creator_marketplace(country=country, explicit=explicit)
    picked, used = pick_products(products, wanted)
    # Whatever is picked is in one marketplace: the creator's own when it is known.
    assert all(p.marketplace == used for p in picked)
    if wanted:
        assert used == wanted
        assert bool(picked) == (wanted in plan_markets)
    else:
        assert bool(picked) == (len(set(plan_markets)) == 1)
    if explicit:
        assert used == explicit
