"""Invitation messages: Django templates rendered in a sandbox.

The engine has no template loaders (no include/extends of files) and no extra libraries, and
the context holds only plain strings, so a template can reach nothing but its merge fields.
Errors are returned, not raised, so a preview can show them next to the message."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.template import Context, Engine, TemplateSyntaxError
from django.utils.translation import gettext as _

ENGINE = Engine(dirs=[], app_dirs=False, loaders=[], libraries={}, autoescape=False)
MERGE_FIELDS = ("name", "product", "asin", "link", "commission", "answer_link", "opt_out", "brand")
# A message is text with merge fields and, at most, conditions: loops and the other tags let a
# 238-character body render 125,790 characters. The output is capped as well.
ALLOWED_TAGS = {"if", "elif", "else", "endif", "comment", "endcomment"}
MAX_RENDERED = 20_000
_TAG = re.compile(r"{%\s*(\w+)")
_VARIABLE = re.compile(r"{{\s*([^\s|.}]*)")
# `{name}`: one brace, a typo that would be sent literally.
_SINGLE_BRACE = re.compile(r"(?<!{){\s*([A-Za-z_]\w*)\s*}(?!})")
# `{{ commission }}` is "15%": a template that adds its own sign would send "15%%".
_COMMISSION_PERCENT = re.compile(r"({{\s*commission\s*}})\s*[%％]")


@dataclass
class Rendered:
    subject: str = ""
    body: str = ""
    error: str = ""


def _prepared(text: str) -> str:
    return _COMMISSION_PERCENT.sub(r"\1", text)


def render(*, subject: str, body: str, fields: dict[str, str]) -> Rendered:
    problem = _problems(subject) or _problems(body)
    if problem:
        return Rendered(error=problem)
    context = {k: str(fields.get(k, "")) for k in MERGE_FIELDS}
    try:
        subject_out = ENGINE.from_string(_prepared(subject)).render(
            Context(context, autoescape=False)
        )
        body_out = ENGINE.from_string(_prepared(body)).render(Context(context, autoescape=False))
    except (TemplateSyntaxError, Exception) as exc:  # noqa: BLE001 - reported to the user
        return Rendered(error=_("Template error: %(error)s") % {"error": exc})
    if len(subject_out) + len(body_out) > MAX_RENDERED:
        return Rendered(
            error=_("The message is longer than %(max)s characters once filled in.")
            % {"max": MAX_RENDERED}
        )
    # A header must be one line.
    return Rendered(subject=" ".join(subject_out.split()), body=body_out)


def _placeholder(name: str) -> str:
    return "{{ " + name + " }}"


def _known() -> str:
    return ", ".join(_placeholder(name) for name in MERGE_FIELDS)


def _problems(text: str) -> str:
    """What is wrong with a template before it renders: unknown merge fields, a placeholder
    with single braces, tags other than conditions."""
    tags = sorted(
        {t for t in _TAG.findall(text) if t not in ALLOWED_TAGS and not t.startswith("end")}
    )
    if tags:
        return _("Only {%% if %%} conditions may be used in a message, not: %(tags)s.") % {
            "tags": ", ".join(tags)
        }
    unknown = sorted({v for v in _VARIABLE.findall(text) if v not in MERGE_FIELDS})
    if unknown:
        return _("Unknown placeholder %(names)s. Known placeholders: %(known)s.") % {
            "names": ", ".join(_placeholder(name) for name in unknown),
            "known": _known(),
        }
    single = sorted(set(_SINGLE_BRACE.findall(text)))
    if single:
        return _(
            "%(names)s has single braces and would be sent as typed: write %(fixed)s. "
            "Known placeholders: %(known)s."
        ) % {
            "names": ", ".join("{" + name + "}" for name in single),
            "fixed": ", ".join(_placeholder(name) for name in single),
            "known": _known(),
        }
    return ""


def template_errors(*, subject: str, body: str) -> str:
    """The problem with a message template, in words ("" when there is none): checked when a
    template is saved (admin and API), so a typo never reaches a creator."""
    return render(subject=subject, body=body, fields={}).error


def placed(template_text: str) -> set[str]:
    """The merge fields a template places somewhere."""
    return {v for v in _VARIABLE.findall(template_text) if v in MERGE_FIELDS}


def footer(*, subject: str, body: str, answer_link: str, opt_out: str) -> str:
    """What a message must carry but its template did not place: every invitation has its
    answer link and an opt-out. Returned in the active language; "" when both are placed."""
    where = placed(subject) | placed(body)
    lines = []
    if "answer_link" not in where:
        lines.append(_("Yes or no, one click: %(link)s") % {"link": answer_link})
    if "opt_out" not in where:
        lines.append(opt_out)
    return "\n\n-- \n" + "\n".join(lines) if lines else ""


_URL = re.compile(r"https?://[^\s<>\"']+")


def html_version(text: str, *, language: str) -> str:
    """The HTML part of a message: the plain text, escaped, with its links clickable and its
    paragraphs kept — nothing added or reworded, so both parts say the same."""
    from django.utils.html import escape

    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        pieces, last = [], 0
        for match in _URL.finditer(block):
            pieces.append(escape(block[last : match.start()]))
            url = escape(match.group(0))
            pieces.append(f'<a href="{url}">{url}</a>')
            last = match.end()
        pieces.append(escape(block[last:]))
        paragraphs.append("<p>" + "".join(pieces).replace("\n", "<br>\n") + "</p>")
    return (
        f'<!doctype html>\n<html lang="{escape(language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>\n'
        '<body style="font-family: sans-serif; font-size: 16px; line-height: 1.5;">\n'
        + "\n".join(paragraphs)
        + "\n</body></html>\n"
    )
