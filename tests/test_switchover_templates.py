"""Message templates (issue 12 item 1): what is typed is what is sent — no doubled percent
signs, no escaping, a typo refused when the template is saved, output bounded."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from influencers.switchover.messages import MAX_RENDERED, render, template_errors

FIELDS = {"name": "Lena", "commission": "15%", "brand": "Acme", "link": "https://amzn.to/x"}


def test_a_commission_followed_by_a_percent_sign_is_sent_once():
    out = render(
        subject="Earn {{ commission }}% with {{ brand }}",
        body="You get {{ commission }}% — 佣金{{ commission }}％",
        fields=FIELDS,
    )
    assert out.error == ""
    assert out.subject == "Earn 15% with Acme"
    assert out.body == "You get 15% — 佣金15%"
    assert "%%" not in out.subject + out.body


@pytest.mark.parametrize(
    "body, expected",
    [
        ("Hi {name}", "{name} has single braces"),
        ("Hi {{ nmae }}", "Unknown placeholder {{ nmae }}"),
        ("{% for x in name %}{% for y in name %}{{ y }}{% endfor %}{% endfor %}", "not: for"),
        ("{% load static %}", "not: load"),
    ],
)
def test_a_template_with_a_typo_is_refused_with_the_known_placeholders(body, expected):
    error = template_errors(subject="Hello", body=body)
    assert expected in error
    if "Known placeholders" in error:
        assert "{{ name }}" in error and "{{ answer_link }}" in error


def test_conditions_are_allowed_and_output_is_bounded():
    assert template_errors(subject="Hi", body="{% if name %}Hi {{ name }}{% endif %}") == ""
    long = render(subject="x", body="{{ name }}" * 3000, fields={"name": "0123456789"})
    assert str(MAX_RENDERED) in long.error.replace(",", "")


# Text that is not template syntax must come out exactly as typed.
PLAIN = (
    st.lists(st.sampled_from([*"ab %${}\n中文😀€¥％", "{ }", "}}", "%%"]), max_size=30)
    .map("".join)
    .filter(lambda t: "{{" not in t and "{%" not in t and "{#" not in t)
)


@settings(max_examples=300, deadline=None)
@given(before=PLAIN, after=PLAIN)
def test_rendering_never_escapes_or_doubles_characters(before, after):
    body = f"{before}{{{{ name }}}}{after}"
    if template_errors(subject="s", body=body):
        return  # e.g. `{x}` typed on purpose is refused, not sent half-filled
    out = render(subject="s", body=body, fields={"name": "<Lena & 李>"})
    assert out.error == ""
    assert out.body == f"{before}<Lena & 李>{after}"
