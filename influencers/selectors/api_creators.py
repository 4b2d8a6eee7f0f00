"""Reads behind /api/v1/creators/: a lean page (values() rows + one query each for accounts,
contacts and tags of the whole page), whatever the page size."""

from collections import defaultdict

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from influencers.models import ContactMethod, Creator, PlatformAccount, Tag

CREATOR_COLUMNS = (
    "id",
    "display_name",
    "status",
    "owner_id",
    "country",
    "language",
    "languages",
    "rating",
    "consent_to_contact",
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
ACCOUNT_COLUMNS = (
    "id",
    "creator_id",
    "platform",
    "handle",
    "handle_normalised",
    "url",
    "followers",
    "average_views",
    "engagement_rate",
    "last_synced_at",
)
CONTACT_COLUMNS = (
    "id",
    "creator_id",
    "kind",
    "value",
    "label",
    "is_primary",
    "is_valid",
    "consent",
)
PHONE_KINDS = (ContactMethod.Kind.PHONE, ContactMethod.Kind.WHATSAPP)


def creators_for_workspace(*, workspace) -> QuerySet[Creator]:
    return Creator.objects.filter(workspace=workspace)


def creator_related_rows(*, creator_ids: list[int]) -> tuple[dict, dict, dict]:
    """accounts, contacts and tag names of these creators: three queries in all."""
    accounts: dict[int, list] = defaultdict(list)
    contacts: dict[int, list] = defaultdict(list)
    tags: dict[int, list] = defaultdict(list)
    if not creator_ids:
        return accounts, contacts, tags
    for row in (
        PlatformAccount.objects.filter(creator_id__in=creator_ids)
        .order_by("creator_id", "platform", "handle_normalised")
        .values(*ACCOUNT_COLUMNS)
    ):
        accounts[row["creator_id"]].append(row)
    for row in (
        ContactMethod.objects.filter(creator_id__in=creator_ids)
        .order_by("creator_id", "-is_primary", "kind", "id")
        .values(*CONTACT_COLUMNS)
    ):
        contacts[row["creator_id"]].append(row)
    through = Creator.tags.through
    for creator_id, name in (
        through.objects.filter(creator_id__in=creator_ids)
        .order_by("creator_id", "tag__name")
        .values_list("creator_id", "tag__name")
    ):
        tags[creator_id].append(name)
    return accounts, contacts, tags


# --- filters (used by the API FilterSet; each keeps to indexed columns)


def filter_platform(qs: QuerySet, platforms: list[str]) -> QuerySet:
    return qs.filter(
        Exists(PlatformAccount.objects.filter(creator_id=OuterRef("pk"), platform__in=platforms))
    )


def filter_tags(qs: QuerySet, *, workspace, names: list[str]) -> QuerySet:
    """Creators carrying any of these tags (names, case-insensitive)."""
    lowered = {n.strip().lower() for n in names if n.strip()}
    # The ids first (one small query on tag_unique_name_ci), so the EXISTS below is a probe of
    # the (creator_id, tag_id) unique index per creator walked, with no join to the tag table.
    tag_ids = list(
        Tag.objects.filter(workspace=workspace)
        .annotate(lname=Lower("name"))
        .filter(lname__in=lowered)
        .values_list("pk", flat=True)
    )
    if not tag_ids:
        return qs.none()
    return qs.filter(
        Exists(Creator.tags.through.objects.filter(creator_id=OuterRef("pk"), tag_id__in=tag_ids))
    )


def filter_has_contact(qs: QuerySet, *, kinds, present: bool) -> QuerySet:
    exists = Exists(ContactMethod.objects.filter(creator_id=OuterRef("pk"), kind__in=kinds))
    return qs.filter(exists if present else ~exists)


def filter_search(qs: QuerySet, *, workspace, term: str) -> QuerySet:
    """Search: an address with '@' inside -> exact email; '@name' -> handle prefix; else name
    prefix (case-insensitive) or handle prefix. All three are index lookups."""
    term = term.strip()
    if not term:
        return qs
    if "@" in term[1:]:
        matches = ContactMethod.objects.filter(
            workspace=workspace, kind=ContactMethod.Kind.EMAIL, value_normalised=term.lower()
        ).values("creator_id")
        return qs.filter(pk__in=matches)
    prefix = term.lstrip("@").lower()
    if not prefix:
        return qs
    handles = PlatformAccount.objects.filter(
        workspace=workspace, handle_normalised__startswith=prefix
    ).values("creator_id")
    if term.startswith("@"):
        return qs.filter(pk__in=handles)
    names = (
        Creator.objects.filter(workspace=workspace)
        .alias(lname=Lower("display_name"))
        .filter(lname__startswith=prefix)
        .values("pk")
    )
    return qs.filter(Q(pk__in=names) | Q(pk__in=handles))
