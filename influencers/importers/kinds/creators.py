"""Creator sheets: a seller's own spreadsheet of creators, in English or Chinese.

A row names a creator by its handles and emails. A creator is who their platform handles say: a
row with handles is matched to creators already in the pool (and to rows above it in the file)
by (platform, normalised handle) only. An email or phone never folds rows whose handles differ:
agencies (MCNs) reach many creators through one inbox or phone, so each stays its own creator
with the shared contact attached, and the pair shows up as a merge suggestion for a person to
decide. A row without any handle is matched by email, then phone; when that contact belongs to
several creators the row is ambiguous and fails, saying so. Writes are bulk (a handful of
queries per batch, not per row). A bad optional cell is left out with a warning and its
original text kept in the creator's remarks; a row fails only when it names no creator (no
usable handle nor email, and no phone of a creator already in the pool).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from influencers import search_keys
from influencers.exporters.safety import unneutralise
from influencers.models import (
    ActivityEvent,
    Agency,
    ContactMethod,
    Creator,
    CreatorStatus,
    ImportPolicy,
    PlatformAccount,
    Tag,
    TikTokShopStatus,
)
from influencers.normalisers import (
    NormaliseError,
    normalise_attribution_tag,
    normalise_emails,
    normalise_handle,
    normalise_tracking_id,
    parse_yes_no,
    profile_url,
)
from influencers.normalisers.handles import _CANONICAL_URLS

from ..columns import LABEL_LANGUAGES
from .base import (
    EXTRA_CELL,
    BatchResult,
    ImportContext,
    Plain,
    Row,
    count,
    country,
    date,
    day_start,
    fast_insert,
    fast_update,
    now,
    percent,
    phone,
    plain,
)

LABEL = _("Creator sheet")
HANDLE_FIELDS = ("tiktok", "instagram", "youtube", "x", "twitch")
REQUIRED = (*HANDLE_FIELDS, "email")
PHONE_KINDS = (ContactMethod.Kind.PHONE, ContactMethod.Kind.WHATSAPP)

# Pipeline statuses as sellers write them, in English and Chinese (keys: see _status_key).
# fmt: off
STATUS_ALIASES = {
    CreatorStatus.PROSPECT: ("prospect", "lead", "new", "to contact", "not contacted",
                             "待联系", "未联系", "潜在", "待开发", "新达人"),
    CreatorStatus.CONTACTED: ("contacted", "reached out", "outreach",
                              "已联系", "已沟通", "已发邀约"),
    CreatorStatus.NEGOTIATING: ("negotiating", "negotiation", "in negotiation", "洽谈中",
                                "谈判中", "沟通中", "协商中"),
    CreatorStatus.ACTIVE: ("active", "working", "partner", "合作中", "已合作", "活跃"),
    CreatorStatus.PAUSED: ("paused", "on hold", "inactive", "暂停", "暂停合作", "搁置"),
    CreatorStatus.DO_NOT_CONTACT: ("do not contact", "do-not-contact", "dnc", "blacklist",
                                   "blocked", "勿联系", "不要联系", "黑名单", "拉黑"),
}
# fmt: on
_KEY_RE = re.compile(r"[\W_]+")


def _status_key(text: str) -> str:
    return _KEY_RE.sub("", text.casefold())


STATUS_INDEX = {
    _status_key(alias): status
    for status, aliases in STATUS_ALIASES.items()
    for alias in (status, *aliases)
}
# Several values in one cell: the product's export joins them with "; ".
_SEVERAL_RE = re.compile(r"\s*[;\n]\s*")


def _with_labels(index: dict[str, str], choices) -> dict[str, str]:
    """index plus each choice's label in every product language (the export writes labels)."""
    index = dict(index)
    for language in LABEL_LANGUAGES:
        with translation.override(language):
            for value, label in choices:
                index.setdefault(_status_key(str(label)), value)
    return index


@functools.cache
def status_index() -> dict[str, str]:
    return _with_labels(STATUS_INDEX, CreatorStatus.choices)


@functools.cache
def tiktok_shop_status_index() -> dict[str, str]:
    codes = {_status_key(value): value for value, _label in TikTokShopStatus.choices}
    return _with_labels(codes, TikTokShopStatus.choices)


_FAST_HANDLE_RE = re.compile(r"@?[A-Za-z0-9_-]{1,100}")
_HAS_ALNUM_RE = re.compile(r"[A-Za-z0-9]")
_TAG_SPLIT_RE = re.compile(r"\s*[,;/|、，；]\s*")


def handle_normalised(text: str, platform: str) -> str:
    """normalise_handle, with a fast path for the common plain handle ("@name", "Name")."""
    if platform != "youtube":
        # For ASCII text clean_text() is just strip(): " NAME " takes the fast path too.
        candidate = text.strip() if text.isascii() else text
        if _FAST_HANDLE_RE.fullmatch(candidate) and _HAS_ALNUM_RE.search(candidate):
            return candidate.removeprefix("@").lower()
    return normalise_handle(text, platform)


def _profile_url(platform: str, norm: str) -> str:
    """profile_url() of an already normalised handle: normalise_handle is idempotent, so
    outside YouTube (channel ids) the URL is the platform's template filled in, without
    normalising the handle a second time."""
    template = _CANONICAL_URLS.get(platform) if platform in HANDLE_FIELDS else None
    if template is None or platform == "youtube":
        return profile_url(platform, norm)
    return template.format(norm)


@dataclass
class Parsed:
    row: Row
    name: str = ""
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # platform, raw, norm
    followers: int | None = None
    average_views: int | None = None
    engagement: Decimal | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[tuple[str, str, str]] = field(default_factory=list)  # kind, raw, e164
    others: list[tuple[str, str, str]] = field(default_factory=list)  # kind, raw, normalised
    fields: dict = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    owner: str = ""  # a member's username or email, as written
    agency: str = ""  # the agency's name as written (whitespace folded)
    agency_email: str = ""
    agency_phone: str = ""  # E.164
    # The agency's email and phone as the pool knows them after this batch: a contact of the
    # row equal to one of them is marked as the agency's (shared), not the creator's own.
    agency_contacts: frozenset = frozenset()
    consent: bool | None = None  # the row's consent cell: yes, no, or not given
    consent_source: str = ""
    # set by report kinds: followers come from a fresher source and replace what is stored
    followers_authoritative: bool = False


def _bad(ctx: ImportContext, result: BatchResult, parsed: Parsed, name: str, text, reason):
    """A bad optional cell: leave it out, warn, keep the original text in the remarks."""
    result.warn(ctx, parsed.row, name, text, reason)
    parsed.remarks.append(f"{ctx.header(name)}: {text}")


def _several(text: str) -> list[str]:
    """The values of a cell that holds several (the product's export writes "a; b")."""
    return [part.strip() for part in _SEVERAL_RE.split(text) if part.strip()]


def parse_row(ctx: ImportContext, result: BatchResult, row: Row) -> Parsed:
    v = {name: unneutralise(text) for name, text in row.values.items()}
    p = Parsed(row=row)
    p.name = v.get("display_name", "")[:200]
    for platform in HANDLE_FIELDS:
        for text in _several(v.get(platform) or ""):
            try:
                p.accounts.append((platform, text[:200], handle_normalised(text, platform)))
            except NormaliseError as exc:
                _bad(ctx, result, p, platform, text, exc.reason)
    if text := v.get("followers"):
        try:
            p.followers = count(text)
        except NormaliseError as exc:
            _bad(ctx, result, p, "followers", text, exc.reason)
    if text := v.get("average_views"):
        try:
            p.average_views = count(text)
        except NormaliseError as exc:
            _bad(ctx, result, p, "average_views", text, exc.reason)
    if text := v.get("engagement_rate"):
        try:
            p.engagement = percent(text, decimal_comma=ctx.decimal_comma).quantize(Decimal("0.01"))
        except NormaliseError as exc:
            _bad(ctx, result, p, "engagement_rate", text, exc.reason)
    if text := v.get("email"):
        try:
            p.emails = [e for e in normalise_emails(text) if len(e) <= 254]
        except NormaliseError as exc:
            _bad(ctx, result, p, "email", text, exc.reason)
    if text := v.get("country"):
        try:
            p.fields["country"] = country(text)
        except NormaliseError as exc:
            _bad(ctx, result, p, "country", text, exc.reason)
    region = p.fields.get("country")
    for name in ("phone", "whatsapp"):
        for text in _several(v.get(name) or ""):
            lowered = text.lower()
            kind = (
                ContactMethod.Kind.WHATSAPP
                if name == "whatsapp" or "wa.me" in lowered or "whatsapp" in lowered
                else ContactMethod.Kind.PHONE
            )
            try:
                p.phones.append((kind, text[:254], phone(text, default_region=region)))
            except NormaliseError as exc:
                _bad(ctx, result, p, name, text, exc.reason)
    if text := v.get("agency"):
        p.agency = " ".join(text.split())[:200]
    if text := v.get("agency_email"):
        try:
            p.agency_email = next(iter(normalise_emails(text)), "")[:254]
        except NormaliseError as exc:
            _bad(ctx, result, p, "agency_email", text, exc.reason)
    if text := v.get("agency_phone"):
        try:
            p.agency_phone = phone(text, default_region=region)
        except NormaliseError as exc:
            _bad(ctx, result, p, "agency_phone", text, exc.reason)
    for text in _several(v.get("wechat") or ""):
        p.others.append((ContactMethod.Kind.WECHAT, text[:254], text.lower()[:254]))
    if text := v.get("owner"):
        p.owner = text.strip()[:150]
    if text := v.get("tiktok_shop_status"):
        shop_status = tiktok_shop_status_index().get(_status_key(text))
        if shop_status is None:
            _bad(ctx, result, p, "tiktok_shop_status", text, _("Not a known TikTok Shop status"))
        else:
            p.fields["tiktok_shop_status"] = shop_status
    if text := v.get("language"):
        p.fields["language"] = text.lower()[:16]
    if text := v.get("consent"):
        try:
            p.consent = parse_yes_no(text)
        except NormaliseError as exc:
            _bad(ctx, result, p, "consent", text, exc.reason)
        else:
            p.consent_source = " ".join((v.get("consent_source") or "").split())[:200]
    if text := v.get("status"):
        status = status_index().get(_status_key(text))
        if status is None:
            _bad(ctx, result, p, "status", text, _("Not a known status"))
        else:
            p.fields["status"] = status
    if text := v.get("category"):
        for name in _TAG_SPLIT_RE.split(text):
            name = name.strip()[:80]
            if not name:
                continue
            if not any(ch.isalnum() for ch in name):
                _bad(ctx, result, p, "category", name, _("Not a usable tag"))
            elif name.casefold() not in {t.casefold() for t in p.tags}:
                p.tags.append(name)
    if text := v.get("last_contacted"):
        try:
            p.fields["last_contacted_at"] = day_start(date(text))
        except NormaliseError as exc:
            _bad(ctx, result, p, "last_contacted", text, exc.reason)
    for name, normalise in (
        ("associates_tracking_id", normalise_tracking_id),
        ("attribution_tag", normalise_attribution_tag),
    ):
        if text := v.get(name):
            try:
                p.fields[name] = normalise(text)
            except NormaliseError as exc:
                _bad(ctx, result, p, name, text, exc.reason)
    if text := v.get("rate"):
        p.remarks.append(f"{ctx.header('rate')}: {text}")
    if text := v.get("notes"):
        p.remarks.append(text)
    for column, text in row.extra:
        result.warn(ctx, row, column, text, EXTRA_CELL)
        p.remarks.append(f"{column}: {text}")
    return p


@dataclass
class Entity:
    creator: Creator
    in_db: bool
    accounts: dict = field(default_factory=dict)  # (platform, norm.lower()) -> account
    contacts: set = field(default_factory=set)  # (kind, value_normalised)
    contact_kinds: set = field(default_factory=set)
    tag_keys: set = field(default_factory=set)
    dirty: set = field(default_factory=set)
    consent_changed: bool = False
    new_accounts: list = field(default_factory=list)
    changed_accounts: dict = field(default_factory=dict)
    new_contacts: list = field(default_factory=list)
    new_tags: list = field(default_factory=list)
    changes: int = 0
    created_by_row: bool = False
    reach_changed: bool = False
    met: bool = False  # a row of this job was applied to it already (see ImportContext)


@contextlib.contextmanager
def _index_scans(cursor):
    """Within the batch's transaction, make the planner use the creator_id indexes: the ids
    of creators written by the previous batches lie past the column statistics, so it
    estimates hundreds of rows per id and reads the whole contact / account table instead
    (~150 ms a query at a million rows, against ~1 ms through the index)."""
    cursor.execute(
        "SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)"
    )
    previous = cursor.fetchone()[0]
    try:
        yield
    finally:
        cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])


@functools.cache
def _creator_columns() -> list:
    """The creator columns a batch reads and may update (JSON ones are never set here)."""
    from django.db import models as dj

    return [f for f in Creator._meta.concrete_fields if not isinstance(f, dj.JSONField)]


def _empty(name: str, value) -> bool:
    if value in (None, ""):
        return True
    if name == "status":
        return value == CreatorStatus.PROSPECT
    if name == "tiktok_shop_status":
        return value == "none"
    return False


def owners_by_name(*, workspace, names: set[str]) -> dict[str, int]:
    """{lowered username or email: user id} of the workspace's members the rows name (the
    export writes the owner's username). One query."""
    if not names:
        return {}
    lowered = {name.lower() for name in names}
    found: dict[str, int] = {}
    members = (
        get_user_model()
        .objects.filter(memberships__workspace=workspace)
        .annotate(username_key=Lower("username"), email_key=Lower("email"))
        .filter(Q(username_key__in=lowered) | Q(email_key__in=lowered))
        .values_list("pk", "username_key", "email_key")
    )
    for pk, username, email in members:
        for key in (username, email):
            if key in lowered:
                found.setdefault(key, pk)
    return found


def agencies_ensure(*, workspace, parsed: list[Parsed]) -> dict[str, int]:
    """{lower(name): agency id} for the agencies the rows name, creating the missing ones and
    filling an agency's empty email / phone from the rows (a seller's sheet is where the
    agency's contact first appears). A handful of queries per batch, whatever its size."""
    wanted: dict[str, Parsed] = {}
    for p in parsed:
        if p.agency:
            first = wanted.setdefault(p.agency.lower(), p)
            first.agency_email = first.agency_email or p.agency_email
            first.agency_phone = first.agency_phone or p.agency_phone
    if not wanted:
        return {}

    def existing():
        rows = (
            Agency.objects.filter(workspace=workspace)
            .annotate(key=Lower("name"))
            .filter(key__in=list(wanted))
            .values_list("key", "pk", "email", "phone")
        )
        return {key: (pk, email, phone) for key, pk, email, phone in rows}

    found = existing()
    missing = [
        Agency(
            workspace=workspace,
            name=p.agency,
            email=p.agency_email,
            phone=p.agency_phone,
        )
        for key, p in wanted.items()
        if key not in found
    ]
    if missing:
        # A concurrent import may create the same agency: the unique name wins, we re-read.
        Agency.objects.bulk_create(missing, ignore_conflicts=True)
        found = existing()
    for key, (pk, known_email, known_phone) in found.items():
        p = wanted[key]
        fill = {}
        if p.agency_email and not known_email:
            fill["email"] = p.agency_email
        if p.agency_phone and not known_phone:
            fill["phone"] = p.agency_phone
        if fill:
            Agency.objects.filter(pk=pk).update(**fill)
        values = {fill.get("email") or known_email, fill.get("phone") or known_phone} - {"", None}
        for row in parsed:
            if row.agency and row.agency.lower() == key:
                row.agency_contacts = frozenset(v.lower() for v in values)
    return {key: pk for key, (pk, _known_email, _known_phone) in found.items()}


@dataclass(frozen=True)
class Ambiguous:
    """A handle-less row whose email or phone belongs to several creators (an agency's)."""

    contact: str
    holders: int


UNNAMED = "unnamed"  # the ref of a row that names no creator (see CreatorBatch.match)


class CreatorBatch:
    """Resolve a batch of parsed rows to creators (existing or new), apply them, write."""

    def __init__(self, ctx: ImportContext, result: BatchResult):
        self.ctx = ctx
        self.result = result
        self.ws = ctx.workspace
        self.overwrite = ctx.policy == ImportPolicy.OVERWRITE
        self.skip_existing = ctx.policy == ImportPolicy.SKIP
        self.entities: dict[object, Entity] = {}
        self.keys: dict[tuple, object] = {}  # handle key -> entity ref
        # contact key -> every entity ref holding it (several when an agency's contact is shared)
        self.contact_refs: dict[tuple, list] = {}
        self.with_handles: set = set()  # entity refs that have at least one platform account
        self._new_refs = itertools.count()  # ("new", n) refs, unique across match() calls
        self.account_owner: dict[tuple, int] = {}  # (platform, handle) -> creator id in DB
        self.event_data: dict[object, dict] = {}

    # --- resolution ---------------------------------------------------------------------
    @staticmethod
    def _handle_keys(p: Parsed):
        return [("a", platform, norm.lower()) for platform, _raw, norm in p.accounts]

    @staticmethod
    def _contact_keys(p: Parsed):
        return [("e", email) for email in p.emails] + [("p", e164) for _k, _r, e164 in p.phones]

    def _lookup_existing(self, parsed: list[Parsed]) -> None:
        """Who in the pool already has one of the batch's handles, emails or phones: one query
        for handles, one for contacts, each value list passed as a single array parameter (no
        placeholder per value to build and send)."""
        handles, emails, phones = set(), set(), set()
        for p in parsed:
            handles.update(norm for _pl, _raw, norm in p.accounts)
            emails.update(p.emails)
            phones.update(e164 for _k, _raw, e164 in p.phones)
        if not handles and not emails and not phones:
            return
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            if handles:
                cursor.execute(
                    f"SELECT platform, handle_normalised, creator_id "
                    f"FROM {quote(PlatformAccount._meta.db_table)} "
                    f"WHERE workspace_id = %s AND handle_normalised = ANY(%s::text[]) "
                    f"ORDER BY platform, handle_normalised",
                    [self.ws.pk, list(handles)],
                )
                for platform, norm, creator_id in cursor.fetchall():
                    self.account_owner[(platform, norm.lower())] = creator_id
                    self.keys.setdefault(("a", platform, norm.lower()), creator_id)
            clauses, params = [], [self.ws.pk]
            if emails:
                clauses.append("(kind = %s AND value_normalised = ANY(%s::text[]))")
                params += [ContactMethod.Kind.EMAIL, list(emails)]
            if phones:
                clauses.append("(kind IN (%s, %s) AND value_normalised = ANY(%s::text[]))")
                params += [*PHONE_KINDS, list(phones)]
            if not clauses:
                return
            cursor.execute(
                f"SELECT kind, value_normalised, creator_id "
                f"FROM {quote(ContactMethod._meta.db_table)} "
                f"WHERE workspace_id = %s AND ({' OR '.join(clauses)}) ORDER BY creator_id",
                params,
            )
            found = set()
            for kind, value, creator_id in cursor.fetchall():
                key = ("e", value) if kind == ContactMethod.Kind.EMAIL else ("p", value)
                holders = self.contact_refs.setdefault(key, [])
                if creator_id not in holders:
                    holders.append(creator_id)
                found.add(creator_id)
            if found:
                # Which of them have handles: a row with handles joins a creator found by
                # contact only if that creator has none (see match()).
                cursor.execute(
                    f"SELECT DISTINCT creator_id FROM {quote(PlatformAccount._meta.db_table)} "
                    f"WHERE creator_id = ANY(%s::bigint[])",
                    [sorted(found)],
                )
                self.with_handles.update(creator_id for (creator_id,) in cursor.fetchall())

    def match(self, parsed: list[Parsed]) -> list[tuple[object, str]]:
        """(entity ref, how) per row, without loading or locking anything. how is "handle",
        "email" or "phone" (an existing creator, or a row above in the file), "new", or
        "ambiguous" (a handle-less row whose contact several creators share: its ref is an
        Ambiguous saying which)."""
        self._lookup_existing(parsed)
        matches = []
        for p in parsed:
            ref, how = None, "new"
            handle_keys, contact_keys = self._handle_keys(p), self._contact_keys(p)
            for key in handle_keys:
                if (ref := self.keys.get(key)) is not None:
                    how = "handle"
                    break
            if ref is None:
                for key in contact_keys:
                    holders = self.contact_refs.get(key, [])
                    if handle_keys:
                        # A row with new handles joins a creator found by contact only when
                        # that creator has no handle at all (a contact-only row made it): no
                        # two handles to tell apart, so nothing to decide for the seller.
                        if len(holders) == 1 and holders[0] not in self.with_handles:
                            ref = holders[0]
                    elif len(holders) > 1:
                        ref, how = Ambiguous(key[1], len(holders)), "ambiguous"
                    elif holders:
                        ref = holders[0]
                    if ref is not None:
                        how = how if how == "ambiguous" else ("email" if key[0] == "e" else "phone")
                        break
            if ref is None and not handle_keys and not p.emails:
                # Only a phone, and nobody has it: a creator made from it alone could never be
                # told apart from the next phone-only row, so the row names no creator.
                ref, how = UNNAMED, "unnamed"
            if ref is None:
                ref = ("new", next(self._new_refs))
            if how not in ("ambiguous", "unnamed"):
                for key in handle_keys:
                    self.keys.setdefault(key, ref)
                for key in contact_keys:
                    holders = self.contact_refs.setdefault(key, [])
                    if ref not in holders:
                        holders.append(ref)
                if handle_keys:
                    self.with_handles.add(ref)
            matches.append((ref, how))
        return matches

    def resolve(self, parsed: list[Parsed]) -> list[object]:
        refs = [ref for ref, _how in self.match(parsed)]
        self._load([ref for ref in refs if isinstance(ref, int)])
        agencies = agencies_ensure(workspace=self.ws, parsed=parsed)
        owners = owners_by_name(workspace=self.ws, names={p.owner for p in parsed if p.owner})
        for p in parsed:
            if p.agency:
                p.fields["agency_id"] = agencies[p.agency.lower()]
            if p.owner:
                owner_id = owners.get(p.owner.lower())
                if owner_id is None:
                    _bad(
                        self.ctx,
                        self.result,
                        p,
                        "owner",
                        p.owner,
                        _("No member of this workspace has this username or email."),
                    )
                else:
                    p.fields["owner_id"] = owner_id
        return refs

    def _load(self, creator_ids: list[int]) -> None:
        """Lock and read the batch's existing creators with their accounts, contacts and tags
        (raw queries into Plain rows: no model instances). The ids travel as one array typed
        bigint[]: untyped, a list of ints is sent as numeric[], and `creator_id =
        ANY(numeric[])` cannot use the index on creator_id (a sequential scan per query)."""
        ids = sorted(set(creator_ids))
        if not ids:
            return
        quote = connection.ops.quote_name
        with connection.cursor() as cursor, _index_scans(cursor):
            columns = _creator_columns()
            cursor.execute(
                f"SELECT {', '.join(quote(f.column) for f in columns)} "
                f"FROM {quote(Creator._meta.db_table)} WHERE id = ANY(%s::bigint[]) "
                f"ORDER BY id FOR UPDATE",
                [ids],
            )
            names = [f.attname for f in columns]
            for values in cursor.fetchall():
                creator = Plain(dict(zip(names, values, strict=True)))
                self.entities[creator.pk] = Entity(
                    creator=creator, in_db=True, met=creator.pk in self.ctx.met_creator_ids
                )
            cursor.execute(
                f"SELECT id, creator_id, platform, handle_normalised, followers, average_views, "
                f"engagement_rate FROM {quote(PlatformAccount._meta.db_table)} "
                f"WHERE creator_id = ANY(%s::bigint[])",
                [ids],
            )
            for pk, creator_id, platform, norm, followers, views, engagement in cursor.fetchall():
                account = Plain(
                    {
                        "id": pk,
                        "creator_id": creator_id,
                        "platform": platform,
                        "handle_normalised": norm,
                        "followers": followers,
                        "average_views": views,
                        "engagement_rate": engagement,
                    }
                )
                self.entities[creator_id].accounts[(platform, norm.lower())] = account
            cursor.execute(
                f"SELECT creator_id, kind, value_normalised "
                f"FROM {quote(ContactMethod._meta.db_table)} "
                f"WHERE creator_id = ANY(%s::bigint[])",
                [ids],
            )
            for creator_id, kind, value in cursor.fetchall():
                entity = self.entities[creator_id]
                entity.contacts.add((kind, value))
                entity.contact_kinds.add(kind)
            through = Creator.tags.through._meta.db_table
            cursor.execute(
                f"SELECT ct.creator_id, t.name FROM {quote(through)} ct "
                f"JOIN {quote(Tag._meta.db_table)} t ON t.id = ct.tag_id "
                f"WHERE ct.creator_id = ANY(%s::bigint[])",
                [ids],
            )
            for creator_id, name in cursor.fetchall():
                self.entities[creator_id].tag_keys.add(name.casefold())

    # --- applying a row ---------------------------------------------------------------------
    def _set(self, entity: Entity, name: str, value, first: bool, overwrite: bool) -> None:
        if value in (None, ""):
            return
        current = getattr(entity.creator, name)
        if current == value:
            return
        if first or overwrite or _empty(name, current):
            setattr(entity.creator, name, value)
            entity.dirty.add(name)
            entity.changes += 1

    def _entity_for(self, ref, p: Parsed) -> tuple[Entity, bool]:
        entity = self.entities.get(ref)
        if entity is not None:
            return entity, False
        name = p.name or (p.accounts[0][2] if p.accounts else p.emails[0].split("@")[0])
        creator = plain(Creator, workspace_id=self.ws.pk, display_name=name[:200])
        entity = Entity(creator=creator, in_db=False, created_by_row=True)
        self.entities[ref] = entity
        return entity, True

    def apply(self, ref, p: Parsed, extra_fields: dict | None = None) -> str:
        """Apply one parsed row; returns its outcome."""
        entity, first = self._entity_for(ref, p)
        if not first and self.skip_existing:
            return "skipped"
        before = entity.changes
        creator = entity.creator
        overwrite = self.overwrite and not entity.met
        entity.met = True
        if p.name and overwrite and not first:
            self._set(entity, "display_name", p.name, first, overwrite)
        for name, value in {**p.fields, **(extra_fields or {})}.items():
            self._set(entity, name, value, first, overwrite)
        if p.consent is not None and (first or creator.consent_to_contact != p.consent):
            # Consent is the creator's word, newer than what the pool holds: a "no" always
            # wins (never write to someone who said no), a "yes" is recorded with its source.
            creator.consent_to_contact = p.consent
            creator.consent_source = p.consent_source or _("Import %(file)s, row %(row)s") % {
                "file": self.ctx.job.original_filename or self.ctx.job.pk,
                "row": p.row.line,
            }
            creator.consent_recorded_at = now()
            entity.dirty.update({"consent_to_contact", "consent_source", "consent_recorded_at"})
            entity.consent_changed = True
            entity.changes += 1
        primary = None
        for platform, raw, norm in p.accounts:
            key = (platform, norm.lower())
            account = entity.accounts.get(key)
            if account is None:
                owner = self.keys.get(("a", platform, norm.lower()))
                if owner is not None and owner != ref:
                    self.result.warn(
                        self.ctx,
                        p.row,
                        platform,
                        raw,
                        _(
                            "This handle already belongs to another creator in the pool; it was "
                            "left there (see merge suggestions)."
                        ),
                    )
                    continue
                account = plain(
                    PlatformAccount,
                    workspace_id=self.ws.pk,
                    platform=platform,
                    handle=raw.strip(),
                    handle_normalised=norm,
                    url=_profile_url(platform, norm) if platform != "other" else "",
                )
                entity.accounts[key] = account
                entity.new_accounts.append(account)
                self.keys[("a", platform, norm.lower())] = ref
                entity.changes += 1
                entity.reach_changed = True
            if primary is None:
                primary = account
        if primary is not None:
            for name, value in (
                ("followers", p.followers),
                ("average_views", p.average_views),
                ("engagement_rate", p.engagement),
            ):
                if value is None:
                    continue
                current = getattr(primary, name)
                if current == value:
                    continue
                if (
                    current is None
                    or overwrite
                    or (p.followers_authoritative and name == "followers")
                ):
                    setattr(primary, name, value)
                    entity.changes += 1
                    entity.reach_changed = True
                    if primary.pk is not None:
                        entity.changed_accounts[primary.pk] = primary
        contacts = [(ContactMethod.Kind.EMAIL, e, e) for e in p.emails] + p.phones + p.others
        for kind, raw, normalised in contacts:
            if (kind, normalised) in entity.contacts:
                continue
            entity.contacts.add((kind, normalised))
            entity.new_contacts.append(
                plain(
                    ContactMethod,
                    workspace_id=self.ws.pk,
                    kind=kind,
                    value=normalised if kind == ContactMethod.Kind.EMAIL else raw.strip(),
                    value_normalised=normalised,
                    is_primary=kind not in entity.contact_kinds,
                    consent=bool(creator.consent_to_contact),
                    agency_id=(
                        p.fields.get("agency_id")
                        if normalised.lower() in p.agency_contacts
                        else None
                    ),
                )
            )
            entity.contact_kinds.add(kind)
            entity.changes += 1
        for name in p.tags:
            if name.casefold() not in entity.tag_keys:
                entity.tag_keys.add(name.casefold())
                entity.new_tags.append(name)
                entity.changes += 1
        for line in p.remarks:
            if line not in creator.remarks:
                creator.remarks = f"{creator.remarks}\n{line}" if creator.remarks else line
                entity.dirty.add("remarks")
                entity.changes += 1
        if first:
            return "created"
        return "updated" if entity.changes > before else "unchanged"

    # --- writing ----------------------------------------------------------------------------
    def write(self, event_data: dict | None = None) -> dict[object, int]:
        """Write everything the batch changed. Returns entity ref -> creator id."""
        stamp = now()
        new = [e for e in self.entities.values() if not e.in_db]
        for entity in new:
            best = max(
                entity.accounts.values(),
                key=lambda a: (a.followers is not None, a.followers or 0),
                default=None,
            )
            if best is not None:
                entity.creator.followers = best.followers or 0
                entity.creator.engagement_rate = best.engagement_rate or Decimal("0")
            # Its keys as the account and contact triggers would write them (see
            # influencers.search_keys): they then leave the new row as it is.
            entity.creator.search_handles = search_keys.creator_keys(
                a.handle_normalised for a in entity.new_accounts
            )
            entity.creator.search_emails = search_keys.creator_keys(
                c.value_normalised
                for c in entity.new_contacts
                if c.kind == ContactMethod.Kind.EMAIL
            )
        fast_insert(
            Creator, [e.creator for e in new], need_ids=True, db_columns=search_keys.COLUMNS
        )
        changed = [e for e in self.entities.values() if e.in_db and e.changes]
        fields = set().union(*(e.dirty for e in changed)) if changed else set()
        for entity in changed:
            entity.creator.updated_at = stamp
        fast_update(Creator, [e.creator for e in changed], sorted(fields | {"updated_at"}))
        accounts, contacts, account_updates = [], [], []
        for entity in self.entities.values():
            for account in entity.new_accounts:
                account.creator_id = entity.creator.pk
                accounts.append(account)
            for contact in entity.new_contacts:
                contact.creator_id = entity.creator.pk
                contacts.append(contact)
            for account in entity.changed_accounts.values():
                account.updated_at = stamp
                account_updates.append(account)
        fast_insert(PlatformAccount, accounts)
        fast_insert(ContactMethod, contacts)
        fast_update(
            PlatformAccount,
            account_updates,
            ["followers", "average_views", "engagement_rate", "updated_at"],
        )
        # A creator's consent covers the email addresses the pool holds for them (the launch
        # writes only to consented addresses); a "no" withdraws it from all of them.
        for consent in (True, False):
            ids = [
                e.creator.pk
                for e in changed
                if e.consent_changed and e.creator.consent_to_contact is consent
            ]
            if ids:
                ContactMethod.objects.filter(
                    creator_id__in=ids, kind=ContactMethod.Kind.EMAIL, agency__isnull=True
                ).update(consent=consent, updated_at=stamp)
        reach = sorted({e.creator.pk for e in changed if e.reach_changed})
        if reach:
            Creator.objects.filter(pk__in=reach).refresh_reach()
        self._write_tags()
        events = []
        actor_id = self.ctx.actor.pk if self.ctx.actor is not None else None
        for entity in self.entities.values():
            if not entity.in_db:
                verb, data = ActivityEvent.Verb.CREATOR_IMPORTED, {"created": True}
            elif entity.changes:
                verb, data = ActivityEvent.Verb.CREATOR_IMPORTED, {"fields": sorted(entity.dirty)}
            else:
                continue
            events.append(
                plain(
                    ActivityEvent,
                    workspace_id=self.ws.pk,
                    verb=verb,
                    actor_id=actor_id,
                    creator_id=entity.creator.pk,
                    data={**data, "import_job": self.ctx.job.pk, **(event_data or {})},
                )
            )
        fast_insert(ActivityEvent, events)
        ids = {ref: e.creator.pk for ref, e in self.entities.items()}
        self.result.met_creator_ids.update(pk for ref, pk in ids.items() if self.entities[ref].met)
        return ids

    def _write_tags(self) -> None:
        wanted: dict[str, str] = {}
        for entity in self.entities.values():
            for name in entity.new_tags:
                wanted.setdefault(name.casefold(), name)
        if not wanted:
            return

        def existing():
            return dict(
                Tag.objects.filter(workspace=self.ws)
                .annotate(key=Lower("name"))
                .filter(key__in=[k.lower() for k in wanted])
                .values_list("key", "pk")
            )

        found = existing()
        missing = [name for key, name in wanted.items() if key.lower() not in found]
        if missing:
            Tag.objects.bulk_create(
                [Tag(workspace=self.ws, name=name) for name in missing], ignore_conflicts=True
            )
            found = existing()
        through = Creator.tags.through
        links = [
            plain(through, creator_id=entity.creator.pk, tag_id=found[name.casefold().lower()])
            for entity in self.entities.values()
            for name in entity.new_tags
            if name.casefold().lower() in found
        ]
        # New links only (tag_keys held every existing one): COPY is safe here.
        fast_insert(through, links)


def parse_batch(ctx: ImportContext, rows: list[Row]) -> tuple[list[Parsed], BatchResult]:
    """The batch's rows as Parsed, with the warnings and failures of parsing. No database:
    this half may run in another process (importers/parse_ahead.py)."""
    result = BatchResult()
    parsed: list[Parsed] = []
    for row in rows:
        p = parse_row(ctx, result, row)
        if not p.accounts and not p.emails and not p.phones:
            _fail_unnamed(ctx, result, p)
            continue
        parsed.append(p)
    return parsed, result


def _fail_unnamed(ctx: ImportContext, result: BatchResult, p: Parsed) -> None:
    result.fail(
        ctx,
        p.row,
        "display_name",
        p.name or "",
        _("The row names no creator: it has no usable handle and no usable email."),
    )


MATCH_OUTCOMES = ("handle", "email", "phone", "new", "repeated", "ambiguous", "unnamed")


def match_summary(ctx: ImportContext, rows, batch_size: int = 5000) -> dict[str, int]:
    """For the import preview, before anything is written: how many rows would match a creator
    already in the pool by handle, by email only, by phone only; how many would create one, or
    repeat a row above; how many would fail (a shared contact and no handle: "ambiguous"; no
    handle and no email: "unnamed"). Read-only: two or three queries per batch of rows."""
    counts = dict.fromkeys(MATCH_OUTCOMES, 0)
    batch = CreatorBatch(ctx, BatchResult())
    for chunk in itertools.batched((row for row in rows if row is not None), batch_size):
        parsed, parse_result = parse_batch(ctx, list(chunk))
        counts["unnamed"] += len(chunk) - len(parsed)
        for ref, how in batch.match(parsed):
            if how in ("handle", "email", "phone") and not isinstance(ref, int):
                how = "repeated"  # matched a row above in the file, not the pool
            counts[how] += 1
    return counts


def write_batch(ctx: ImportContext, parsed: list[Parsed], result: BatchResult) -> BatchResult:
    """Match the parsed rows against the pool, apply and write them; adds their outcomes."""
    if not parsed:
        return result
    batch = CreatorBatch(ctx, result)
    refs = batch.resolve(parsed)
    for ref, p in zip(refs, parsed, strict=True):
        if ref == UNNAMED:
            _fail_unnamed(ctx, result, p)
            continue
        if isinstance(ref, Ambiguous):
            result.fail(
                ctx,
                p.row,
                "email" if "@" in ref.contact else "phone",
                ref.contact,
                _(
                    "The row has no handle and its contact %(contact)s belongs to %(count)s "
                    "creators in the pool (an agency's?): add the creator's handle so the row "
                    "names one of them."
                )
                % {"contact": ref.contact, "count": ref.holders},
            )
            continue
        outcome = batch.apply(ref, p)
        if outcome == "skipped":
            result.skip(
                ctx,
                p.row,
                "",
                "",
                _("This creator is already in the pool (policy: skip existing creators)."),
            )
        else:
            result.outcome(outcome)
    batch.write()
    return result


def process(ctx: ImportContext, rows: list[Row]) -> BatchResult:
    return write_batch(ctx, *parse_batch(ctx, rows))
