"""Reads behind /api/v1/creators/: a lean page, whatever the page size, in one statement
(values() rows with the accounts, contacts and tags of each row as json_agg subqueries)."""

import datetime as dt

from django.db.models import Exists, Field, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower

from influencers.models import ContactMethod, Creator, PlatformAccount, Tag
from influencers.selectors import creator_search

CREATOR_COLUMNS = (
    "id",
    "display_name",
    "status",
    "owner_id",
    "agency_id",
    "country",
    "amazon_marketplace",
    "language",
    "languages",
    "rating",
    "consent_to_contact",
    "consent_source",
    "consent_recorded_at",
    "consent_amazon_links",
    "amazon_storefront_url",
    "associates_tracking_id",
    "attribution_tag",
    "tiktok_shop_status",
    "remarks",
    "last_contacted_at",
    "followers",
    "engagement_rate",
    "rollup_collaborations",
    "rollup_posts",
    "rollup_views",
    "rollup_orders",
    "rollup_gmv",
    "rollup_cost",
    "rollup_roi",
    "rollups_updated_at",
    "created_at",
    "updated_at",
)
# From the creator's CreatorReadiness row (joined by with_readiness()).
READINESS_COLUMNS = ("readiness__score", "readiness__reasons", "readiness__computed_at")
PHONE_KINDS = (ContactMethod.Kind.PHONE, ContactMethod.Kind.WHATSAPP)
# Attributes on a creators Query (they survive filter()/values()/order_by() clones).
KEYSET_PAGED = "keyset_paged"
KEYSET_BRANCHES = "keyset_branches"


def creators_for_workspace(*, workspace) -> QuerySet[Creator]:
    return Creator.objects.filter(workspace=workspace)


# Children of each page row, built by PostgreSQL in the page statement itself (the planner
# evaluates these select-list subqueries after ORDER BY/LIMIT, so only for the rows returned).
# Decimals as text; last_synced_at is re-formatted in Python (PostgreSQL trims trailing zeros
# of fractional seconds).
_ACCOUNTS_JSON = """SELECT coalesce(json_agg(json_build_object(
    'id', a.id, 'platform', a.platform, 'handle', a.handle,
    'handle_normalised', a.handle_normalised, 'url', a.url, 'followers', a.followers,
    'average_views', a.average_views, 'engagement_rate', a.engagement_rate::text,
    'last_synced_at', a.last_synced_at) ORDER BY a.platform, a.handle_normalised), '[]')
  FROM influencers_platformaccount a WHERE a.creator_id = influencers_creator.id"""
_CONTACTS_JSON = """SELECT coalesce(json_agg(json_build_object(
    'id', m.id, 'kind', m.kind, 'value', m.value, 'label', m.label,
    'is_primary', m.is_primary, 'is_valid', m.is_valid, 'consent', m.consent,
    'agency', m.agency_id)
    ORDER BY m.is_primary DESC, m.kind, m.id), '[]')
  FROM influencers_contactmethod m WHERE m.creator_id = influencers_creator.id"""
_TAGS_JSON = """SELECT coalesce(json_agg(t.name ORDER BY t.name), '[]')
  FROM influencers_creator_tags ct JOIN influencers_tag t ON t.id = ct.tag_id
  WHERE ct.creator_id = influencers_creator.id"""


def creator_page_rows(qs: QuerySet) -> QuerySet:
    """values() rows for the API, with the readiness row's columns (READINESS_COLUMNS; also
    what `?ordering=readiness` sorts on) and each row's accounts, contacts and tag names
    (`accounts_json`, `contacts_json`, `tags_json`, already decoded)."""
    if qs.query.is_empty():  # (a search that found nobody): no rows to shape
        return qs
    # Type json (not jsonb): the driver decodes it; a plain Field adds no converter.
    return qs.with_readiness().values(
        *CREATOR_COLUMNS,
        *READINESS_COLUMNS,
        accounts_json=RawSQL(_ACCOUNTS_JSON, (), output_field=Field()),
        contacts_json=RawSQL(_CONTACTS_JSON, (), output_field=Field()),
        tags_json=RawSQL(_TAGS_JSON, (), output_field=Field()),
    )


def page_related_rows(rows: list[dict]) -> tuple[dict, dict, dict]:
    """accounts, contacts and tag names of rows from creator_page_rows(), keyed by creator id
    (no query: the page statement has nested them already)."""
    accounts: dict[int, list] = {}
    contacts: dict[int, list] = {}
    tags: dict[int, list] = {}
    for r in rows:
        pk = r["id"]
        for a in r["accounts_json"]:
            synced = a["last_synced_at"]
            a["last_synced_at"] = dt.datetime.fromisoformat(synced) if synced else None
        accounts[pk] = r["accounts_json"]
        contacts[pk] = r["contacts_json"]
        tags[pk] = r["tags_json"]
    return accounts, contacts, tags


# --- filters (used by the API FilterSet; each keeps to indexed columns)


def filter_platform(qs: QuerySet, platforms: list[str]) -> QuerySet:
    return qs.filter(
        Exists(PlatformAccount.objects.filter(creator_id=OuterRef("pk"), platform__in=platforms))
    )


def filter_tags(qs: QuerySet, *, workspace, names: list[str], match_all: bool = False) -> QuerySet:
    """Creators carrying any (or, match_all, every one) of these tags (names,
    case-insensitive). A name no tag has matches nothing."""
    lowered = {n.strip().lower() for n in names if n.strip()}
    # The ids first (one small query on tag_unique_name_ci), so the EXISTS below is a probe of
    # the (creator_id, tag_id) unique index per creator walked, with no join to the tag table.
    tag_ids = list(
        Tag.objects.filter(workspace=workspace)
        .annotate(lname=Lower("name"))
        .filter(lname__in=lowered)
        .values_list("pk", flat=True)
    )
    if not tag_ids or (match_all and len(tag_ids) < len(lowered)):
        return qs.none()
    through = Creator.tags.through
    if match_all:
        for tag_id in tag_ids:
            qs = qs.filter(Exists(through.objects.filter(creator_id=OuterRef("pk"), tag_id=tag_id)))
        return qs
    return qs.filter(Exists(through.objects.filter(creator_id=OuterRef("pk"), tag_id__in=tag_ids)))


def filter_has_contact(qs: QuerySet, *, kinds, present: bool) -> QuerySet:
    exists = Exists(ContactMethod.objects.filter(creator_id=OuterRef("pk"), kind__in=kinds))
    return qs.filter(exists if present else ~exists)


def filter_search(qs: QuerySet, *, workspace, term: str, contacts: bool = True) -> QuerySet:
    """Search, read as influencers.selectors.creator_search reads it: a profile URL -> that
    profile; an address with '@' inside -> that email (or emails starting so); '@name' ->
    handle prefix; else the name's prefix without accents, a handle prefix, and (for roles
    that may) the start of an email, an email domain or a phone in any common form; a partial
    ASIN -> creators with a collaboration on it. Each is an index look-up.

    Several arms on a keyset_paged() queryset (an API page) are not ORed here: they go to
    KeysetPagination as KEYSET_BRANCHES, and the page is the first rows of each arm in the
    page order, each arm walked or sorted on its own index. As one OR, PostgreSQL can only
    filter row by row after hashing every handle match (~40k at 1M creators for 'emma').
    Elsewhere (CSV export) it is the OR.

    `contacts=False` (a role the policy masks for): an email or phone matches nothing, the
    same answer as an address that is not in the pool, so the search tells nothing about
    membership."""
    parsed = creator_search.parse_term(term)
    if not parsed.text:
        return qs
    ws = workspace.pk
    if parsed.handles:
        return qs.filter(pk__in=creator_search.handle_matches(parsed, workspace_id=ws))
    if "@" in term.strip():
        return _address_or_handle(qs, parsed, term, workspace_id=ws, contacts=contacts)
    paged = getattr(qs.query, KEYSET_PAGED, False)
    probes = Q()
    ways = creator_search.other_ways(parsed, workspace_id=ws, contacts=contacts)
    # The names starting with the text are counted in the same statement (up to
    # NAME_IDS_FETCHED): few, and the page is those ids; a word nobody has is answered
    # without a page query (one statement instead of two).
    few_names, *each = creator_search.few_ids_each(
        [creator_search.name_start_matches(parsed, workspace_id=ws)]
        + [matches for matches, _test in ways],
        caps=[creator_search.NAME_IDS_FETCHED] + [creator_search.IDS_FETCHED] * len(ways),
        # Thousands of handles: the page walks the list (below), so the names and the
        # other ways need no count; each is tested on that walk. (other_ways() lists the
        # handles first.)
        walked_when_many=1 if paged and parsed.handle_prefix else None,
    )
    arms = [creator_search.with_ids(few_names)] if few_names else []
    for (matches, test), found in zip(ways, each, strict=True):
        if found is not None:  # few ("ava.adams"): those ids; nobody: no arm
            if found:
                arms.append(creator_search.with_ids(found))
        elif paged:
            # Thousands ("emma"): each creator tested in page order (its handles and
            # addresses as kept on its row), which finds a page within a few thousand
            # creators, instead of hashing ~40,000 handles and addresses first. One walk
            # tests every such way.
            probes |= test
        else:  # one OR (an export): hashed once, the workspace's matches only
            arms.append(Q(pk__in=matches))
    if few_names is None:  # many names: tested as the list is walked
        qs = creator_search.with_name_aliases(qs)  # what the name test reads
        # With other ways to walk, the name is tested first and the others only on creators
        # whose name does not match: one walk. Alone, PostgreSQL chooses between the index
        # of name starts and a walk by the name statistics.
        arms.append(creator_search.name_starts(parsed.text) | probes)
    elif probes:
        arms.append(probes)
    if not arms:  # no way found anyone: an empty page, with no page query
        return qs.none()
    return _either(qs, arms)


def _address_or_handle(qs: QuerySet, parsed, term: str, *, workspace_id: int, contacts: bool):
    """An address with '@' inside (that email, or emails starting so) or '@name' (a handle
    prefix, and an email domain when it reads as one)."""
    ws = workspace_id
    by_contact = creator_search.contact_matches(parsed, workspace_id=ws) if contacts else None
    if "@" in term.strip()[1:]:
        return qs.filter(pk__in=by_contact) if by_contact is not None else qs.none()
    handles = creator_search.handle_matches(parsed, workspace_id=ws)
    if handles is None:  # "@" alone: nothing to look for
        return qs
    # Few matches (the usual '@someone'): their ids first (index-only); as one statement
    # the planner guesses the prefix's share of the pool from column statistics — 14x too
    # many for '@emma.s' at 1M — and walks the pool testing each creator.
    found = creator_search.ids_or_subquery(handles)
    if parsed.email_domain and by_contact is not None:  # '@example.com': also a domain
        found |= Q(pk__in=by_contact)
    # One branch: the pager picks the page's ids with a query that reads only the sort
    # column (an index), then fetches 50 rows; in one statement PostgreSQL read the wide
    # row of every creator it walked past (38,000 for '@emma.s': 98 -> 27 ms).
    return _either(qs, [found])


def _either(qs: QuerySet, arms: list[Q]) -> QuerySet:
    """Creators matching any arm: on a keyset_paged() queryset the arms go to the pager
    (KEYSET_BRANCHES, see filter_search); elsewhere one OR."""
    if getattr(qs.query, KEYSET_PAGED, False):
        qs = qs.all()
        setattr(qs.query, KEYSET_BRANCHES, tuple(arms))
        return qs
    condition = arms[0]
    for arm in arms[1:]:
        condition |= arm
    return qs.filter(condition)


def keyset_paged(qs: QuerySet) -> QuerySet:
    """Marks a queryset that KeysetPagination will page: filters that are an OR of indexed
    conditions may then leave the OR to it (KEYSET_BRANCHES) instead of filtering."""
    qs = qs.all()
    setattr(qs.query, KEYSET_PAGED, True)
    return qs
