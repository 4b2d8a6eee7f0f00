"""Invitation messages: Django templates rendered in a sandbox.

The engine has no template loaders (no include/extends of files) and no extra libraries, and
the context holds only plain strings, so a template can reach nothing but its merge fields.
Errors are returned, not raised, so a preview can show them next to the message."""

from __future__ import annotations

from dataclasses import dataclass

from django.template import Context, Engine, TemplateSyntaxError
from django.utils.translation import gettext as _

ENGINE = Engine(dirs=[], app_dirs=False, loaders=[], libraries={}, autoescape=False)
MERGE_FIELDS = ("name", "product", "asin", "link", "commission", "answer_link", "opt_out", "brand")


@dataclass
class Rendered:
    subject: str = ""
    body: str = ""
    error: str = ""


def render(*, subject: str, body: str, fields: dict[str, str]) -> Rendered:
    context = {k: str(fields.get(k, "")) for k in MERGE_FIELDS}
    try:
        subject_out = ENGINE.from_string(subject).render(Context(context, autoescape=False))
        body_out = ENGINE.from_string(body).render(Context(context, autoescape=False))
    except (TemplateSyntaxError, Exception) as exc:  # noqa: BLE001 - reported to the user
        return Rendered(error=_("Template error: %(error)s") % {"error": exc})
    # A header must be one line.
    return Rendered(subject=" ".join(subject_out.split()), body=body_out)


def template_errors(*, subject: str, body: str) -> str:
    return render(subject=subject, body=body, fields={}).error
