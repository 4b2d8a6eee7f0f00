"""What a search box term means, the way sellers paste things: a profile URL, a phone number as
displayed ("+1 646-555-0164", "13800138000"), part of an email (the start of the address or
its domain), part of an ASIN, or a name typed without its accents ("Diaz" finds "Díaz").

The admin list and the API read a term the same way (`parse_term`); each turns it into
conditions over indexed columns: handles by prefix, phones and emails by their normalised
value (exact, prefix, or the reversed value's prefix for a domain), ASINs by prefix, names by
their accent-folded lower-case form (`folded_name`, indexed for prefixes by migration
0028_main_creator_search).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import phonenumbers
from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Lower, Reverse

from influencers.models import Collaboration, ContactMethod, PlatformAccount
from influencers.models.creator import folded_display_name as folded_name
from influencers.normalisers import NormaliseError, normalise_handle
from influencers.normalisers.folding import fold

_PHONE_CHARS = re.compile(r"^\+?[\d\s\-().]{7,24}$")
_ASIN = re.compile(r"^(?=.*\d)[A-Za-z0-9]{4,10}$")
_DOMAIN = re.compile(r"^@?[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,24}$")
PHONE_KINDS = (ContactMethod.Kind.PHONE, ContactMethod.Kind.WHATSAPP)


@dataclass
class Term:
    text: str  # folded, for names
    handles: list[str] = field(default_factory=list)  # exact (from a profile URL)
    handle_prefix: str = ""
    phones: list[str] = field(default_factory=list)  # E.164 candidates
    email: str = ""  # a whole address
    email_prefix: str = ""
    email_domain: str = ""
    asin_prefix: str = ""

    @property
    def searches_names(self) -> bool:
        """Is the text looked for among names? A name has letters and no "@"; a profile URL,
        a handle, an address or a phone number is not (at 1M creators that arm reads every
        name)."""
        return not self.handles and "@" not in self.text and any(ch.isalpha() for ch in self.text)


def _phones(raw: str) -> list[str]:
    """E.164 forms of what was typed: as written if it has a country code, else read in each
    region of PHONE_SEARCH_REGIONS (a national number means something in each)."""
    if not _PHONE_CHARS.match(raw) or sum(ch.isdigit() for ch in raw) < 7:
        return []
    digits = re.sub(r"[^\d+]", "", raw)
    regions = [None] if digits.startswith("+") else settings.PHONE_SEARCH_REGIONS
    found = []
    for region in regions:
        try:
            number = phonenumbers.parse(digits, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(number):
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            if e164 not in found:
                found.append(e164)
    return found


def parse_term(raw: str) -> Term:
    raw = " ".join((raw or "").split())
    term = Term(text=fold(raw))
    if not raw:
        return term
    lowered = raw.lower()
    if "/" in raw and " " not in raw:
        try:
            term.handles = [normalise_handle(raw)]
            return term
        except NormaliseError:
            pass
    term.phones = _phones(raw)
    if "@" in lowered[1:]:
        local, _at, domain = lowered.partition("@")
        if "." in domain and not domain.endswith("."):
            term.email = lowered
        term.email_prefix = lowered
        return term
    if _DOMAIN.match(lowered) and "." in lowered:
        term.email_domain = "@" + lowered.lstrip("@")
    if lowered.startswith("@"):
        term.handle_prefix = lowered[1:]
        return term
    if " " not in raw:
        term.handle_prefix = lowered
        if "@" not in raw and len(raw) >= 3:
            term.email_prefix = lowered
        if _ASIN.match(raw):
            term.asin_prefix = raw.upper()
    return term


def _scoped(queryset, workspace_id: int | None):
    """The workspace's rows (its index leads with it); all of them for a superuser's
    all-workspaces view, where the creator link alone scopes the look-up."""
    return queryset if workspace_id is None else queryset.filter(workspace_id=workspace_id)


def contact_matches(term: Term, *, workspace_id: int | None):
    """creator_id of the contacts matching the term (phones, the address, its start or its
    domain), as one query over indexed values; None when the term is none of those. Only for
    roles that may search contacts (influencers.policy.may_search_contacts)."""
    E = ContactMethod.Kind.EMAIL
    condition = Q()
    if term.phones:
        condition |= Q(kind__in=PHONE_KINDS, value_normalised__in=term.phones)
    if term.email:
        condition |= Q(kind=E, value_normalised=term.email)
    elif term.email_prefix:
        condition |= Q(kind=E, value_normalised__startswith=term.email_prefix)
    if term.email_domain:
        condition |= Q(kind=E, reversed_value__startswith=term.email_domain[::-1])
    if not condition:
        return None
    return (
        _scoped(ContactMethod.objects, workspace_id)
        .alias(reversed_value=Reverse("value_normalised"))
        .filter(condition)
        .values("creator_id")
    )


def handle_matches(term: Term, *, workspace_id: int | None):
    accounts = _scoped(PlatformAccount.objects, workspace_id)
    if term.handles:
        return accounts.filter(handle_normalised__in=term.handles).values("creator_id")
    if term.handle_prefix:
        return accounts.filter(handle_normalised__startswith=term.handle_prefix).values(
            "creator_id"
        )
    return None


def asin_matches(term: Term, *, workspace_id: int | None):
    if not term.asin_prefix:
        return None
    return (
        _scoped(Collaboration.objects, workspace_id)
        .filter(products__asin__startswith=term.asin_prefix)
        .values("creator_id")
    )


IDS_FETCHED = 5000


def _name_contains(text: str) -> Q:
    """The name contains the (folded) text. Folding (translate) costs ~4 us a name, 4 s over
    1,000,000 creators; a name written in ASCII only folds to its lower case, so only names
    with other characters are folded (0.5 s over the same pool)."""
    return Q(name_lower_alias__contains=text) | (
        ~Q(display_name__regex=r"^[ -~]*$") & Q(folded_name_alias__contains=text)
    )


def scans_names(raw: str) -> bool:
    """Will this search read every name (a contains match no index serves)?"""
    return parse_term(raw).searches_names


def ids_or_subquery(matches):
    """A few matching creators: their ids, as a literal list (PostgreSQL then probes them);
    many: the subquery. As one statement with the OR of every arm, the planner walked the
    whole list testing each creator against each arm: 5.7 s for one email at 1M creators."""
    ids = list(matches.values_list("creator_id", flat=True)[: IDS_FETCHED + 1])
    return ids if len(ids) <= IDS_FETCHED else matches


def search_condition(term: Term, *, workspace_id: int | None, contacts: bool) -> Q:
    """Every way the term may find a creator, as one condition (the admin list; the
    queryset must alias `folded_name_alias`)."""
    if term.handles:  # a pasted profile URL means that profile
        return Q(pk__in=ids_or_subquery(handle_matches(term, workspace_id=workspace_id)))
    condition = _name_contains(term.text) if term.searches_names else Q(pk__in=[])
    # A plain word ("emma") starts thousands of handles and addresses: fetching their ids
    # first costs more (150 ms at 1M) than letting PostgreSQL hash them inside the page
    # query. Anything more specific (digits, dots, "@": a handle, an address, a phone, an
    # ASIN) matches few, and the ids first spare the page query a walk of the whole list.
    plain_word = all(ch.isalpha() or ch == " " for ch in term.text)
    for matches in (
        handle_matches(term, workspace_id=workspace_id),
        asin_matches(term, workspace_id=workspace_id),
        contact_matches(term, workspace_id=workspace_id) if contacts else None,
    ):
        if matches is not None:
            condition |= Q(pk__in=matches if plain_word else ids_or_subquery(matches))
    return condition


def search(queryset, raw: str, *, workspace_id: int | None, contacts: bool):
    term = parse_term(raw)
    if not term.text:
        return queryset
    return queryset.alias(
        folded_name_alias=folded_name(), name_lower_alias=Lower("display_name")
    ).filter(search_condition(term, workspace_id=workspace_id, contacts=contacts))
