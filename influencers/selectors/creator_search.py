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

import functools
import operator
import re
from dataclasses import dataclass, field

import phonenumbers
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    TextField,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower, Reverse
from django.db.models.lookups import Contains

from influencers.models import Collaboration, ContactMethod, Creator, PlatformAccount
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
# Names starting with the text, fetched as ids only when this few: each is read from the
# table for its id (~10 us a name at 1M creators, random pages), and a common name ("emma",
# ~20,000) pays for counting up to the cap on every page: 1.9 ms at 200, 0.5 ms at 50. Past
# the cap the page walks the list testing names (see influencers.selectors.api_creators).
NAME_IDS_FETCHED = 50
# Ids of a way that found thousands, kept for the list's capped count: one more than it
# counts to (influencers.admin.paginators.COUNT_CAP).
COUNT_SAMPLE = 1001


class NameTrigrams(Func):
    """influencers_name_trigrams(workspace, folded text): the workspace-tagged three-letter
    pieces of a folded name, indexed by creator_name_trigrams (migration 0034)."""

    function = "influencers_name_trigrams"
    output_field = ArrayField(TextField())


def name_trigrams():
    return NameTrigrams(F("workspace_id"), folded_name())


def _ascii_first(lookup: str, text: str) -> Q:
    """The name (lower case) or its accent-folded form matches `lookup` (contains /
    startswith) the folded text, tested name by name. Folding (translate) costs ~4 us a
    name; a name written in ASCII only folds to its lower case, so only the others are
    folded (a page of "emma" walked 2,100 names: 15 -> 2 ms)."""
    return Q(**{f"name_lower_alias__{lookup}": text}) | (
        ~Q(display_name__regex=r"^[ -~]*$") & Q(**{f"folded_name_alias__{lookup}": text})
    )


def name_contains(text: str) -> Q:
    return _ascii_first("contains", text)


def name_starts(text: str) -> Q:
    return _ascii_first("startswith", text)


def name_start_matches(term: Term, *, workspace_id: int):
    """The creators whose name (accents folded) starts with the text, as `creator_id` rows,
    read from creator_ws_name_folded (migration 0028). The same creators as name_starts():
    folding maps letter for letter, so a lower-case name starting with the folded text folds
    to a name starting with it."""
    return (
        Creator.objects.filter(workspace_id=workspace_id)
        .alias(folded_name_alias=folded_name())
        .filter(folded_name_alias__startswith=term.text)
        .values(creator_id=F("pk"))
    )


def with_name_aliases(queryset):
    """The aliases name_contains() / name_starts() test."""
    return queryset.alias(folded_name_alias=folded_name(), name_lower_alias=Lower("display_name"))


def name_matches(queryset, term: Term, *, workspace_id: int | None):
    """The creators whose name contains the text, found through creator_name_trigrams (a name
    holds every three-letter piece of the text; the exact test runs on those few only), as
    `creator_id` rows like the other ways; None when no index serves the text (under three
    letters, or every workspace at once)."""
    if workspace_id is None or len(term.text) < 3:
        return None
    pieces = NameTrigrams(Value(workspace_id), Value(term.text))
    return (
        with_name_aliases(queryset.filter(workspace_id=workspace_id))
        .alias(name_trigrams_alias=name_trigrams())
        # The exact test first: the trigrams of a name cost more than the test, and only
        # the index should compute them.
        .filter(name_contains(term.text), name_trigrams_alias__contains=pieces)
        .values(creator_id=F("pk"))
    )


def other_ways(term: Term, *, workspace_id: int | None, contacts: bool) -> list[tuple]:
    """(matches in the workspace, a test of one creator) for each way other than the name
    that the term reads as, in this order: handle, ASIN, and (for roles that may) contact.
    The test is what a walk of the list runs on each creator it passes: its handles and
    addresses as kept on its own row (SearchKeys), or else a probe of the way's (creator,
    ...) index."""
    out = []
    handles = handle_matches(term, workspace_id=workspace_id)
    if handles is not None:
        out.append((handles, _handle_test(term)))
    asins = asin_matches(term, workspace_id=workspace_id)
    if asins is not None:
        out.append((asins, _probe(asin_matches, term)))
    by_contact = contact_matches(term, workspace_id=workspace_id) if contacts else None
    if by_contact is not None:
        # Phones are not on the row (an exact number rarely finds thousands): probed.
        test = _probe(contact_matches, term) if term.phones else _email_test(term)
        out.append((by_contact, test))
    return out


def _probe(way, term: Term) -> Q:
    """The way's matches for the outer creator. It leaves the workspace out: the creator is
    the workspace's already, and the probe is then read from a (creator, ...) index alone."""
    return Q(Probe(way(term, workspace_id=None).filter(creator_id=OuterRef("pk"))))


class SearchKeys(Func):
    """A creator's `search_handles` or `search_emails` column (' a b ': every normalised
    handle / email address, each between spaces), kept by triggers (migration 0035). Not a
    model field, so no form, serializer, import or export carries it; read here only."""

    output_field = TextField()

    def __init__(self, column: str):
        super().__init__(F("pk"), column=column)
        self.column = column

    def as_sql(self, compiler, connection, **extra_context):
        pk, params = compiler.compile(self.source_expressions[0])
        table = pk.rsplit(".", 1)[0]  # the creator table's alias in this query
        return f'{table}."{self.column}"', params


def _has(column: str, text: str) -> Q:
    return Q(Contains(SearchKeys(column), text))


def _handle_test(term: Term) -> Q:
    if term.handles:  # exact (a pasted profile)
        tests = [_has("search_handles", f" {h} ") for h in term.handles]
        return functools.reduce(operator.or_, tests)
    return _has("search_handles", " " + term.handle_prefix)


def _email_test(term: Term) -> Q:
    """contact_matches() for the addresses alone, on the creator's row."""
    test = Q(pk__in=[])
    if term.email:
        test |= _has("search_emails", f" {term.email} ")
    elif term.email_prefix:
        test |= _has("search_emails", " " + term.email_prefix)
    if term.email_domain:
        test |= _has("search_emails", term.email_domain + " ")
    return test


class Probe(Exists):
    """EXISTS evaluated for each creator walked, never hashed. Inside an OR, PostgreSQL
    otherwise turns it into a hash of every match (every workspace's, as the probe leaves
    the workspace out): 39,000 handles and a read of the whole contact table for "emma"
    before the first row (a page 105 -> 35 ms at 1M). OFFSET 0 is PostgreSQL's documented
    fence: a subquery with an OFFSET is not rewritten."""

    template = "EXISTS(%(subquery)s OFFSET 0)"


def scans_names(raw: str) -> bool:
    """Will this search read every name (a contains match no index serves)?"""
    return parse_term(raw).searches_names


def ids_or_subquery(matches) -> Q:
    """Creators matching: a few, by their ids (AnyId; PostgreSQL then probes them); many,
    by the subquery. As one statement with the OR of every arm, the planner walked the
    whole list testing each creator against each arm: 5.7 s for one email at 1M creators."""
    found = few_ids(matches)
    return Q(pk__in=matches) if found is None else with_ids(found)


# Up to this many ids, an API page joins them (fetches each creator, then sorts); more are
# tested as the list is walked in page order.
JOINED_IDS_MAX = 1000


def with_ids(ids) -> Q:
    """The creators with these ids, as one array parameter. A few are joined (id_set): as a
    test (AnyId) inside the page statement, the planner walked the whole list in date order
    for the 482 creators with a handle starting "ava.adams" at 1M (in parallel, ~35 ms; joined,
    ~4). Thousands are tested (AnyId): the walk then finds a page within a few thousand
    creators, while the join fetches every one (22,000 for "ava.": 78 -> 20 ms)."""
    if len(ids) <= JOINED_IDS_MAX:
        return Q(pk__in=id_set(ids))
    return Q(AnyId("pk", ids))


class AnyId(Func):
    """`column = ANY(ids)`, the ids as one array parameter: for `pk__in` of 1,284 ids
    Django prepared and quoted each one and PostgreSQL parsed and planned a 1,284-item list
    (planning 1.5 -> 0.6 ms at 1M, and ~1 ms of Python), for the same plan."""

    output_field = BooleanField()

    def __init__(self, column: str, ids):
        super().__init__(F(column))
        self.ids = ids

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        return f"{column} = ANY(%s::bigint[])", (*params, bigint_array(self.ids))


def bigint_array(ids) -> str:
    """Ids as PostgreSQL's array text ('{1,2,3}'), sorted. As a Python list the value went
    through ArrayField's preparation and psycopg's array writer, item by item: ~4 ms of a
    page for the 1,284 ids of '@emma.s' at 1M, more than the page's index walk."""
    return "{" + ",".join(str(int(i)) for i in sorted(ids)) + "}"


def id_set(ids) -> RawSQL:
    """Creator ids for `pk__in`, as a set to join (unnest), not a list to test: against
    `id IN (1,284 ids)` PostgreSQL walked the list in date order testing each creator
    (~100 ms at 1M for "@emma.s" in the admin); joined, it fetches those creators and sorts
    them (~28 ms). (The API's pager, which picks a page's ids before fetching rows, is the
    other way round: there the list walked in 6 ms, the join took 12.)"""
    return RawSQL("SELECT unnest(%s::bigint[])", (bigint_array(ids),))


def few_ids(matches) -> list[int] | None:
    """The matching creators' ids when there are at most IDS_FETCHED, else None."""
    return few_ids_each([matches])[0]


def few_ids_each(
    ways: list, *, caps: list[int] | None = None, walked_when_many: int | None = None
) -> list[list[int] | None]:
    """few_ids() of each way (None for a way given as None), in ONE statement: each way is
    counted in the database (at most its cap + 1 rows; IDS_FETCHED unless `caps` says) and
    its ids come back only when there are few, so a page that only needs to know "many" does
    not carry thousands of ids to Python and back (~8 ms of an API page for "emma"). One
    statement for every way: the count-then-fetch queries of each way were four round trips
    for a word nobody has.

    `walked_when_many`: the index of a way whose "many" means the caller walks the list
    testing each creator anyway (the API's handles, see api_creators.filter_search). Then
    the other ways are not counted (None, as if many: tested on that walk too); PostgreSQL
    runs a subquery in a CASE branch only when the branch is taken. For "emma" at 1M the
    5,001 emails counted for nothing were ~2.5 ms of the page."""
    caps = caps or [IDS_FETCHED] * len(ways)
    parts: dict[int, tuple[str, tuple]] = {}
    for i, (matches, cap) in enumerate(zip(ways, caps, strict=True)):
        if matches is None:
            continue
        sql, params = matches.order_by()[: cap + 1].query.sql_with_params()
        # Each way's queryset selects its creator as `creator_id` (a column or an alias).
        parts[i] = (
            f"(SELECT CASE WHEN count(*) > {cap} THEN NULL "
            f"ELSE coalesce(array_agg(m.creator_id), '{{}}') END FROM ({sql}) m)",
            params,
        )
    found: dict[int, list[int] | None] = {}
    if parts:
        walked = walked_when_many if walked_when_many in parts else None
        order = sorted(parts, key=lambda i: i != walked)  # the walked way first (stable)
        params = [p for i in order for p in parts[i][1]]
        if walked is None:
            sql = "SELECT " + ", ".join(parts[i][0] for i in order)
        else:
            rest = [f"CASE WHEN w.ids IS NULL THEN NULL ELSE {parts[i][0]} END" for i in order[1:]]
            sql = (
                f"WITH w AS MATERIALIZED (SELECT {parts[walked][0]} AS ids) SELECT "
                + ", ".join(["w.ids", *rest])
                + " FROM w"
            )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = dict(zip(order, cursor.fetchone(), strict=True))
    return [found.get(i) for i in range(len(ways))]


def search_condition(
    term: Term, *, workspace_id: int | None, contacts: bool, creators, sample: list | None = None
) -> Q:
    """Every way the term may find a creator, as one condition (the admin list; the
    queryset must have with_name_aliases()).

    Each way (name, handle, ASIN, contact) is first asked for its few matching ids (each an
    index look-up). When every way finds few, the list is those ids: PostgreSQL fetches them
    and counts them exactly, whatever else the list filters on — a name nobody has costs
    nothing. When a way finds thousands ("emma" at 1M creators), the page is found by
    walking the list in its order and testing each creator (its name; its handles and
    addresses as kept on its row), which finds a page within a few thousand creators.
    `sample`, when given, receives COUNT_SAMPLE ids of the first way that found many (see
    search())."""
    if term.handles:  # a pasted profile URL means that profile
        return ids_or_subquery(handle_matches(term, workspace_id=workspace_id))
    ways = other_ways(term, workspace_id=workspace_id, contacts=contacts)
    if term.searches_names:
        by_name = name_matches(creators, term, workspace_id=workspace_id)
        # No index for this text: tested name by name.
        ways.insert(0, (by_name, name_contains(term.text)))
    few: set[int] = set()
    condition = Q(pk__in=[])
    each = few_ids_each([matches for matches, _tested in ways])
    for (matches, tested_one_by_one), found in zip(ways, each, strict=True):
        if found is not None:
            few |= set(found)
            continue
        if matches is not None and sample is not None and not sample:
            sample.extend(matches.order_by().values_list("creator_id", flat=True)[:COUNT_SAMPLE])
        condition |= tested_one_by_one
    if few:
        condition |= Q(pk__in=id_set(few))
    return condition


def search(queryset, raw: str, *, workspace_id: int | None, contacts: bool):
    term = parse_term(raw)
    if not term.text:
        return queryset
    sample: list[int] = []
    condition = search_condition(
        term,
        workspace_id=workspace_id,
        contacts=contacts,
        creators=queryset.model.objects,
        sample=sample,
    )
    found = with_name_aliases(queryset).filter(condition)
    # Some way matched more than IDS_FETCHED creators: the list's count (capped, see
    # influencers.admin.paginators) first looks among COUNT_SAMPLE of them, an index probe,
    # instead of walking the list until it has found enough.
    setattr(found.query, SEARCH_SAMPLE, sample)
    return found


SEARCH_SAMPLE = "search_sample_ids"  # an attribute of the Query (clones keep it)
