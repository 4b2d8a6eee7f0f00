"""Form fields for what sellers type into the admin, read the way the import reads them.

* a country is picked by its name in the UI's language (typing "China" used to save "CH",
  Switzerland, without a word): a searchable select over ISO 3166 countries;
* languages the same, a searchable multi-select over ISO 639-1 languages (it was a raw ``[]`` box);
* counts accept "12.5k", "1,234" and "1.2万" like the import does (the form refused "12.5k").

Names come from pycountry (already a dependency: the importer normalises countries with it),
which ships the ISO names translated into Chinese; we do not keep our own list of 249 countries.
"""

from __future__ import annotations

import gettext as gettext_module
from functools import lru_cache

import pycountry
from django import forms
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from unfold.widgets import (
    UnfoldAdminSelect2MultipleWidget,
    UnfoldAdminSelect2Widget,
    UnfoldAdminTextInputWidget,
)

from influencers.normalisers import NormaliseError, normalise_country, parse_count

# Django language code -> pycountry's catalogue name.
PYCOUNTRY_LOCALES = {"zh-hans": "zh_CN", "zh-cn": "zh_CN"}


@lru_cache
def _catalogue(domain: str, language: str) -> gettext_module.NullTranslations:
    locale = PYCOUNTRY_LOCALES.get(language)
    if locale is None:
        return gettext_module.NullTranslations()
    return gettext_module.translation(
        domain, pycountry.LOCALES_DIR, languages=[locale], fallback=True
    )


def _label(local: str, english: str, code: str) -> str:
    # In a Chinese UI the English name stays searchable: sellers paste either.
    if local == english:
        return f"{english} ({code})"
    return f"{local} ({english}, {code})"


@lru_cache
def _country_choices(language: str) -> tuple[tuple[str, str], ...]:
    catalogue = _catalogue("iso3166-1", language)
    rows = [
        (country.alpha_2, _label(catalogue.gettext(country.name), country.name, country.alpha_2))
        for country in pycountry.countries
    ]
    return tuple(sorted(rows, key=lambda row: row[1].casefold()))


@lru_cache
def _language_choices(language: str) -> tuple[tuple[str, str], ...]:
    catalogue = _catalogue("iso639-3", language)
    rows = [
        (lang.alpha_2, _label(catalogue.gettext(lang.name), lang.name, lang.alpha_2))
        for lang in pycountry.languages
        if hasattr(lang, "alpha_2")
    ]
    return tuple(sorted(rows, key=lambda row: row[1].casefold()))


def country_choices() -> list[tuple[str, str]]:
    """ISO 3166-1 countries named in the active language, sorted by that name."""
    return [("", "---------"), *_country_choices(get_language() or "en")]


def language_choices() -> list[tuple[str, str]]:
    """ISO 639-1 languages named in the active language, sorted by that name."""
    return list(_language_choices(get_language() or "en"))


def _known(choices, extra: set[str]) -> list[tuple[str, str]]:
    """Keep a stored code the list does not know (an old import's "xx") selectable, not lost."""
    codes = {code for code, _label in choices}
    return [*choices, *((code, code) for code in sorted(extra - codes) if code)]


class OptionsInPython:
    """A select whose <option>s are written in Python, not by one template include per
    option (and another for its attributes): the creator page's country, language and
    languages lists are ~620 options, 25 ms of template rendering per page. Each option's
    markup is written once per list of choices (and language, which the labels carry) and
    reused: Django's optgroups() builds a dict for every option on every render, ~6 ms a
    list. Same markup and the same choice of selected options as Django's select.html (the
    widgets' tests compare them)."""

    template_name = "influencers/widgets/select.html"

    def optgroups(self, name, value, attrs=None):
        return []  # written by get_context()

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = set(context["widget"]["value"])
        parts = []
        has_selected = False
        for group_tag, options in _options_markup(_frozen(self.choices)):
            if group_tag is not None:
                parts.append(group_tag)
            for option_value, plain, selected in options:
                pick = (not has_selected or self.allow_multiple_selected) and option_value in chosen
                has_selected |= pick
                parts.append(selected if pick else plain)
            if group_tag is not None:
                parts.append("</optgroup>")
        context["widget"]["options_html"] = mark_safe("".join(parts))  # each part escaped
        return context


def _frozen(choices) -> tuple:
    return tuple(
        (value, tuple(label) if isinstance(label, list | tuple) else label)
        for value, label in choices
    )


@lru_cache(maxsize=64)
def _options_markup(choices: tuple) -> tuple:
    """(the <optgroup> tag or None, ((value as text, <option>, <option selected>), ...)) for
    each group of choices (a choice outside a group is a group of one, as in optgroups())."""

    def option(value, label):
        value = "" if value is None else str(value)
        return (
            value,
            format_html('<option value="{}">{}</option>', value, label),
            format_html('<option value="{}" selected>{}</option>', value, label),
        )

    groups = []
    for value, label in choices:
        if isinstance(label, tuple):
            tag = format_html('<optgroup label="{}">', value)
            groups.append((tag, tuple(option(v, lab) for v, lab in label)))
        else:
            groups.append((None, (option(value, label),)))
    return tuple(groups)


class SearchableSelect(OptionsInPython, UnfoldAdminSelect2Widget):
    pass


class SearchableSelectMultiple(OptionsInPython, UnfoldAdminSelect2MultipleWidget):
    pass


class CountryField(forms.ChoiceField):
    """A country chosen by name; stores the ISO alpha-2 code ("" for none)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        # A callable: evaluated on each render, so the names follow the request's language.
        super().__init__(choices=country_choices, widget=SearchableSelect, **kwargs)

    def to_python(self, value):
        # The select sends a code; a script or an old bookmark may send "us" or "China": read
        # it the way the import does (China is CN, never the "CH" of its first letters).
        value = super().to_python(value).strip()
        if not value or len(value) == 2 and value.isupper():
            return value
        try:
            return normalise_country(value)
        except NormaliseError as exc:
            raise forms.ValidationError(exc.reason, code=exc.code) from exc


class LanguageField(forms.ChoiceField):
    """One language chosen by name; stores its ISO 639-1 code."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(
            choices=lambda: [("", "---------"), *language_choices()],
            widget=SearchableSelect,
            **kwargs,
        )

    def keep_codes(self, codes) -> None:
        """Make a stored code choosable even if pycountry does not list it."""
        self.choices = [("", "---------"), *_known(language_choices(), set(codes or ()))]


class LanguagesField(forms.MultipleChoiceField):
    """Several languages chosen by name; stores a list of ISO 639-1 codes (the JSON field)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(choices=language_choices, widget=SearchableSelectMultiple, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, str):  # a JSON field's initial can arrive as text
            return [value] if value else []
        return value or []

    def keep_codes(self, codes) -> None:
        """Make the stored codes choosable even if pycountry does not list them."""
        self.choices = _known(language_choices(), set(codes or ()))


class CountField(forms.Field):
    """A whole count typed as sellers write it: 12500, "12.5k", "1,234", "1.2万"."""

    widget = UnfoldAdminTextInputWidget

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, str) and not value.strip():
            return None
        try:
            return parse_count(value)
        except NormaliseError as exc:
            raise forms.ValidationError(exc.reason, code=exc.code) from exc

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.setdefault("placeholder", "12500, 12.5k, 1.2万")
        return attrs
