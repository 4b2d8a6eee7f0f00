"""The creator forms read what sellers type (issue 13 item 2): a country and languages picked by
name in the UI's language, counts written as "12.5k" or "1.2万", and a collaboration with its
products and commission added from the creator's own page."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from influencers import models as m
from influencers.admin.fields import CountField, country_choices, language_choices
from influencers.normalisers import MAX_COUNT
from tests.factories import CreatorFactory, PlatformAccountFactory, ProductFactory
from tests.test_admin import _errors, _form_data, _url

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def _add_data(client, **fields):
    data = _form_data(client.get(_url(m.Creator, "add")))
    data.pop("workspace", None)
    data.update({"display_name": "Li Na", "status": "prospect", **fields})
    return data


def test_the_country_is_a_select_named_in_the_ui_language(member_client):
    english = member_client.get(_url(m.Creator, "add")).content.decode()
    chinese = member_client.get(
        _url(m.Creator, "add"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()

    assert '<option value="CN">China (CN)</option>' in english
    assert '<option value="CH">Switzerland (CH)</option>' in english
    assert '<option value="CN">中国 (China, CN)</option>' in chinese
    assert '<option value="CH">瑞士 (Switzerland, CH)</option>' in chinese
    assert 'name="country"' in english and "admin-autocomplete" in english  # searchable


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_selects_written_in_python_are_the_markup_django_writes(language):
    """OptionsInPython: the same <select> and <option>s as the theme's widget rendered by
    Django's templates (values, labels escaped, the chosen ones selected, groups)."""
    from django.utils import translation
    from unfold.widgets import UnfoldAdminSelect2MultipleWidget, UnfoldAdminSelect2Widget

    from influencers.admin.fields import SearchableSelect, SearchableSelectMultiple

    def same(html):
        return re.sub(r">\s+<", "><", html.strip())

    grouped = [("", "---------"), ("Near", [("FR", "France"), ("CI", "Côte d'Ivoire <&>")])]
    with translation.override(language):
        countries = country_choices()
        for fast, stock, choices, value in [
            (SearchableSelect, UnfoldAdminSelect2Widget, countries, "CI"),
            (SearchableSelect, UnfoldAdminSelect2Widget, grouped, "CI"),
            (
                SearchableSelectMultiple,
                UnfoldAdminSelect2MultipleWidget,
                language_choices(),
                ["en", "zh"],
            ),
        ]:
            ours = fast(choices=choices).render("f", value, attrs={"id": "id_f"})
            theirs = stock(choices=choices).render("f", value, attrs={"id": "id_f"})
            assert same(ours) == same(theirs)
            assert ours.count("<option") == theirs.count("<option") > 2
            assert ours.count(" selected") == (2 if isinstance(value, list) else 1)


@pytest.mark.parametrize("typed", ["CN", "cn", "China", "中国"])
def test_china_is_saved_as_cn_never_switzerland(member_client, workspace, typed):
    response = member_client.post(_url(m.Creator, "add"), _add_data(member_client, country=typed))

    assert response.status_code == 302, _errors(response)
    assert m.Creator.objects.get(display_name="Li Na").country == "CN"


def test_a_country_that_does_not_exist_is_a_form_error(member_client):
    response = member_client.post(
        _url(m.Creator, "add"), _add_data(member_client, country="Atlantis")
    )

    assert response.status_code == 200
    assert "country" in response.context["adminform"].form.errors
    assert not m.Creator.objects.filter(display_name="Li Na").exists()


def test_languages_are_a_multi_select_named_in_the_ui_language(member_client, workspace):
    chinese = member_client.get(
        _url(m.Creator, "add"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    select = re.search(r'<select name="languages"[^>]*>', chinese)
    assert select and "multiple" in select.group(0) and "admin-autocomplete" in select.group(0)
    assert "英语 (English, en)" in chinese

    response = member_client.post(
        _url(m.Creator, "add"), _add_data(member_client, languages=["en", "zh"], language="zh")
    )

    assert response.status_code == 302, _errors(response)
    creator = m.Creator.objects.get(display_name="Li Na")
    assert creator.languages == ["en", "zh"]
    assert creator.language == "zh"


def test_a_language_code_iso_does_not_list_stays_on_the_form(member_client, workspace):
    creator = CreatorFactory(workspace=workspace, language="pt-br", languages=["pt-br", "en"])
    url = _url(m.Creator, "change", creator.pk)
    data = _form_data(member_client.get(url))

    response = member_client.post(url, data)

    assert response.status_code == 302, _errors(response)
    creator.refresh_from_db()
    assert creator.languages == ["pt-br", "en"]
    assert creator.language == "pt-br"


@pytest.mark.parametrize(
    "typed, stored", [("12.5k", 12_500), ("1.2万", 12_000), ("1,234", 1_234), ("85K", 85_000)]
)
def test_followers_accept_what_the_import_accepts(member_client, workspace, typed, stored):
    account = PlatformAccountFactory(creator=CreatorFactory(workspace=workspace), followers=10)
    url = _url(m.PlatformAccount, "change", account.pk)
    data = _form_data(member_client.get(url))
    data["followers"] = typed
    data["average_views"] = typed

    response = member_client.post(url, data)

    assert response.status_code == 302, _errors(response)
    account.refresh_from_db()
    assert account.followers == stored
    assert account.average_views == stored


def test_followers_that_are_not_a_count_are_a_form_error_with_a_reason(member_client, workspace):
    account = PlatformAccountFactory(creator=CreatorFactory(workspace=workspace), followers=10)
    url = _url(m.PlatformAccount, "change", account.pk)
    data = _form_data(member_client.get(url))
    data["followers"] = "lots"

    response = member_client.post(url, data)

    assert response.status_code == 200
    assert "followers" in response.context["adminform"].form.errors
    account.refresh_from_db()
    assert account.followers == 10


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=MAX_COUNT))
def test_a_count_field_reads_any_count_written_with_grouping(number):
    field = CountField(required=False)
    assert field.clean(f"{number:,}") == number
    assert field.clean(str(number)) == number
    assert field.clean("") is None


def test_every_country_and_language_choice_is_a_distinct_code():
    codes = [code for code, _label in country_choices() if code]
    assert len(codes) == len(set(codes)) > 240
    languages = [code for code, _label in language_choices()]
    assert len(languages) == len(set(languages)) > 150


def test_a_collaboration_with_products_and_commission_is_added_from_the_creator_page(
    member_client, workspace
):
    creator = CreatorFactory(workspace=workspace)
    us = ProductFactory(workspace=workspace, asin="B0TESTASIN", marketplace="US", title="Mug")
    de = ProductFactory(workspace=workspace, asin="B0TESTASIN", marketplace="DE", title="Mug")
    url = _url(m.Creator, "change", creator.pk)
    page = member_client.get(url)
    data = _form_data(page)
    data.update(
        {
            "collaborations-TOTAL_FORMS": "1",
            "collaborations-0-kind": m.CollaborationType.PAID_POST,
            "collaborations-0-products": [str(de.pk)],
            "collaborations-0-fee": "250",
            "collaborations-0-currency": "USD",
            "collaborations-0-commission_rate": "12.5",
        }
    )

    response = member_client.post(url, data)

    assert response.status_code == 302, _errors(response)
    collaboration = m.Collaboration.objects.get(creator=creator)
    assert list(collaboration.products.all()) == [de]
    assert collaboration.commission_rate == 12.5
    # The two marketplaces of one ASIN are two different choices, each saying which it is.
    assert str(us) != str(de) and "DE" in str(de) and "US" in str(us)
