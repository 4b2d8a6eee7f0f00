"""Build the demo pool: "Demo Brand" (320 creators by default) and "Second Brand" (20).

Deterministic: every value comes from a ``random.Random`` seeded per workspace and every date
from ``data.BASE_DATE``, so two empty databases get the same pool (``pool_digest`` proves it).
Idempotent: a workspace that already has creators is left alone, and everything runs in one
transaction, so an interrupted run leaves nothing behind. Rows are written with
``bulk_create`` (a few dozen statements in all); roll-ups and readiness scores are then computed
by the same services the application uses, and the demo workspace gets a draft switch-over plan
(made by the plan service) whose preview shortlists its best creators.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import random
import string
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import phonenumbers
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from simple_history.utils import bulk_create_with_history

from influencers.models import (
    ActivityEvent,
    AmazonLinkSettings,
    Campaign,
    Collaboration,
    CollaborationStatus,
    CollaborationType,
    ContactMethod,
    ContentPost,
    Creator,
    CreatorStatus,
    Membership,
    MetricSnapshot,
    Note,
    PlatformAccount,
    Product,
    SwitchoverPlan,
    Tag,
    TikTokShopStatus,
    Workspace,
)
from influencers.normalisers import (
    normalise_email,
    normalise_handle,
    normalise_phone,
    profile_url,
)
from influencers.services.pool_counts import pool_counts_backfill
from influencers.services.readiness import readiness_recompute
from influencers.services.rollups import creator_rollups_store
from influencers.services.switchover import switchover_plan_create

from . import data as d
from .data import BASE_DATE, LOCALE_BY_KEY, Locale, TeamMember, WorkspaceSpec

UTC = dt.UTC
CENT = Decimal("0.01")
S = CollaborationStatus
K = CollaborationType
Verb = ActivityEvent.Verb

STATUS_ORDER = [
    S.PROPOSED,
    S.AGREED,
    S.SAMPLE_SHIPPED,
    S.CONTENT_LIVE,
    S.COMPLETED,
    S.DECLINED,
    S.CANCELLED,
]
KIND_WEIGHTS = {
    K.GIFTED_SAMPLE: 33,
    K.PAID_POST: 20,
    K.TIKTOK_SHOP_AFFILIATE: 20,
    K.CREATOR_CONNECTIONS: 12,
    K.AMAZON_AFFILIATE_TIKTOK: 7,
    K.OTHER: 8,
}
# Chance that a collaboration of this kind includes a product sample.
SAMPLE_CHANCE = {
    K.GIFTED_SAMPLE: 1.0,
    K.PAID_POST: 0.85,
    K.TIKTOK_SHOP_AFFILIATE: 0.6,
    K.CREATOR_CONNECTIONS: 0.5,
    K.AMAZON_AFFILIATE_TIKTOK: 0.5,
    K.OTHER: 0.7,
}
# Days before BASE_DATE within which a collaboration in this status was proposed.
STATUS_WINDOW = {
    S.COMPLETED: (420, 45),
    S.CONTENT_LIVE: (70, 20),
    S.SAMPLE_SHIPPED: (35, 6),
    S.AGREED: (25, 2),
    S.PROPOSED: (20, 0),
    S.DECLINED: (300, 1),
    S.CANCELLED: (300, 15),
}
POST_PLATFORMS = ("tiktok", "instagram", "youtube", "x", "twitch")
SNAPSHOT_DAYS = (1, 3, 7, 14, 21, 28, 42, 56)
# Share of the generated active creators who are proven Amazon affiliates (_Person.amazon_ready).
AMAZON_READY_SHARE = 0.15
PAID_FEE_BY_TIER = ((50, 200), (150, 800), (600, 3000), (2500, 9000), (8000, 25000))
ENGAGEMENT_BY_TIER = ((4, 14), (3, 10), (2, 7), (1.5, 5), (1, 4))


@dataclass
class SeedReport:
    slug: str
    name: str
    created: bool
    counts: dict[str, int]
    digest: str = ""


def seed_demo(*, slug: str = d.DEMO_SLUG, creators: int = 320) -> list[SeedReport]:
    """Seed the demo workspaces that are not seeded yet; one transaction for all of them."""
    specs = [d.demo_spec(slug=slug, creators=creators)]
    if slug != d.SECOND_SLUG:
        specs.append(d.second_spec())
    reports = []
    with transaction.atomic():
        for spec in specs:
            reports.append(_seed_workspace(spec))
    return reports


def _seed_workspace(spec: WorkspaceSpec) -> SeedReport:
    workspace, _ = Workspace.objects.get_or_create(
        slug=spec.slug, defaults={"name": spec.name, "default_currency": spec.currency}
    )
    # Serialise concurrent runs: the second waits here, then finds the creators.
    workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
    if Creator.objects.filter(workspace=workspace).exists():
        return SeedReport(spec.slug, workspace.name, False, workspace_counts(workspace))
    _WorkspaceBuilder(spec, workspace).build()
    # The dashboard's charts have weeks to show from the first `make run`.
    pool_counts_backfill(workspace)
    return SeedReport(
        spec.slug, workspace.name, True, workspace_counts(workspace), pool_digest(workspace)
    )


# --- Reading back: counts and a digest of everything seeded (determinism checks) -------------


def workspace_counts(workspace: Workspace) -> dict[str, int]:
    ws = {"workspace": workspace}
    return {
        "creators": Creator.objects.filter(**ws).count(),
        "platform_accounts": PlatformAccount.objects.filter(**ws).count(),
        "contact_methods": ContactMethod.objects.filter(**ws).count(),
        "tags": Tag.objects.filter(**ws).count(),
        "products": Product.objects.filter(**ws).count(),
        "campaigns": Campaign.objects.filter(**ws).count(),
        "collaborations": Collaboration.objects.filter(**ws).count(),
        "content_posts": ContentPost.objects.filter(**ws).count(),
        "metric_snapshots": MetricSnapshot.objects.filter(**ws).count(),
        "notes": Note.objects.filter(**ws).count(),
        "activity_events": ActivityEvent.objects.filter(**ws).count(),
        "members": Membership.objects.filter(**ws).count(),
        "switchover_plans": SwitchoverPlan.objects.filter(**ws).count(),
    }


def _line(row) -> str:
    def text(value):
        if isinstance(value, dt.datetime):
            return value.astimezone(UTC).isoformat()
        if isinstance(value, dict | list):
            return json.dumps(value, sort_keys=True, ensure_ascii=False)
        return str(value)

    return "\x1f".join(text(v) for v in row)


def pool_digest(workspace: Workspace) -> str:
    """SHA-256 of the workspace's seeded content, independent of primary keys, row order and
    database backend. Memberships are left out: local logins may join a workspace first."""
    ws = {"workspace": workspace}
    name = "creator__display_name"
    collab = (
        "collaboration__creator__display_name",
        "collaboration__kind",
        "collaboration__created_at",
    )
    parts = {
        "creators": Creator.objects.filter(**ws).values_list(
            "display_name",
            "status",
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
            "owner__username",
            "created_at",
            "rollup_collaborations",
            "rollup_posts",
            "rollup_views",
            "rollup_orders",
            "rollup_gmv",
            "rollup_cost",
            "rollup_roi",
        ),
        "tags": Creator.tags.through.objects.filter(creator__workspace=workspace).values_list(
            name, "tag__name"
        ),
        "accounts": PlatformAccount.objects.filter(**ws).values_list(
            name,
            "platform",
            "handle",
            "handle_normalised",
            "url",
            "followers",
            "average_views",
            "engagement_rate",
            "last_synced_at",
        ),
        "contacts": ContactMethod.objects.filter(**ws).values_list(
            name,
            "kind",
            "value",
            "value_normalised",
            "label",
            "is_primary",
            "is_valid",
            "consent",
        ),
        "products": Product.objects.filter(**ws).values_list(
            "asin", "marketplace", "title", "category", "price", "currency"
        ),
        "campaigns": Campaign.objects.filter(**ws).values_list(
            "name", "starts_on", "ends_on", "budget", "currency", "description"
        ),
        "collaborations": Collaboration.objects.filter(**ws).values_list(
            name,
            "campaign__name",
            "owner__username",
            "kind",
            "status",
            "fee",
            "currency",
            "commission_rate",
            "sample_quantity",
            "sample_cost",
            "sample_shipped_on",
            "sample_carrier",
            "sample_tracking_number",
            "deliverables",
            "agreed_on",
            "post_by",
            "completed_on",
            "tracking_link",
            "promo_code",
            "amazon_tracking_tag",
            "created_at",
        ),
        "collaboration_products": Collaboration.products.through.objects.filter(
            collaboration__workspace=workspace
        ).values_list(*collab, "product__asin", "product__marketplace"),
        "posts": ContentPost.objects.filter(**ws).values_list(
            name, *collab, "platform", "url", "posted_on", "caption"
        ),
        "snapshots": MetricSnapshot.objects.filter(**ws).values_list(
            name,
            *collab,
            "post__url",
            "captured_at",
            "source",
            "views",
            "likes",
            "comments",
            "shares",
            "saves",
            "clicks",
            "detail_page_views",
            "add_to_carts",
            "orders",
            "units",
            "sales",
            "commission",
            "currency",
        ),
        "notes": Note.objects.filter(**ws).values_list(
            name,
            *collab,
            "author__username",
            "kind",
            "body",
            "occurred_at",
            "follow_up_on",
            "rating_content",
            "rating_reliability",
            "rating_communication",
            "created_at",
        ),
        "events": ActivityEvent.objects.filter(**ws).values_list(
            name, "actor__username", "verb", "target_type__model", "data", "created_at"
        ),
        "plans": SwitchoverPlan.objects.filter(**ws).values_list(
            "name",
            "status",
            "commission_rate",
            "min_readiness",
            "platforms",
            "countries",
            "max_invitations",
            "products__asin",
            "messages__language",
            "messages__subject",
            "messages__body",
        ),
    }
    digest = hashlib.sha256()
    for label, rows in parts.items():
        digest.update(f"[{label}]\n".encode())
        for line in sorted(_line(row) for row in rows):
            digest.update(line.encode())
            digest.update(b"\n")
    return digest.hexdigest()


# --- Building ----------------------------------------------------------------------------------


@dataclass
class _Person:
    """What the generator knows about a creator beyond the row itself."""

    creator: Creator
    locale: Locale
    niche: str
    tier: int
    roman_first: str
    roman_last: str
    handle: str
    quality: float  # 0.3 (poor) .. 1.8 (excellent): drives ratings, conversion and punctuality
    # A proven Amazon affiliate: storefront, Associates tag, consents, engaged audience. They
    # make the top of the readiness scale and the first wave of the demo switch-over plan.
    amazon_ready: bool = False
    platforms: list[str] = field(default_factory=list)
    accounts: dict[str, PlatformAccount] = field(default_factory=dict)
    marketplace: str = "US"
    writer: TeamMember | None = None
    added_on: dt.date = BASE_DATE
    ratings: list[int] = field(default_factory=list)


class _WorkspaceBuilder:
    def __init__(self, spec: WorkspaceSpec, workspace: Workspace):
        self.spec = spec
        self.workspace = workspace
        # A str seed is hashed with SHA-512 by random.seed: stable across processes.
        self.rng = random.Random(f"{d.SEED}:{spec.slug}")
        self.taken_handles: set[str] = set()
        self.taken_names: set[str] = set()
        self.taken_ids: set[str] = set()
        self.creators: list[Creator] = []
        self.accounts: list[PlatformAccount] = []
        self.contacts: list[ContactMethod] = []
        self.creator_tags: list[tuple[Creator, Tag]] = []
        self.collaborations: list[Collaboration] = []
        self.collab_products: list[tuple[Collaboration, Product]] = []
        self.posts: list[ContentPost] = []
        self.snapshots: list[MetricSnapshot] = []
        self.notes: list[Note] = []
        # (verb, creator, actor, target, data, when): written once targets have primary keys.
        self.events: list[tuple] = []
        # Every kind and every status appears even in a small pool: the first collaborations
        # of generated active creators take these (kind, status) pairs.
        kinds = list(K)
        self.forced = [(kinds[i % len(kinds)], status) for i, status in enumerate(STATUS_ORDER)]

    # -- small random helpers

    def pick(self, weights: dict):
        keys = list(weights)
        return self.rng.choices(keys, weights=[weights[k] for k in keys])[0]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def days_ago(self, low: int, high: int) -> dt.date:
        return BASE_DATE - dt.timedelta(days=self.rng.randint(min(low, high), max(low, high)))

    def at(self, day: dt.date, first_hour: int = 8, last_hour: int = 18) -> dt.datetime:
        minutes = self.rng.randint(first_hour * 60, last_hour * 60)
        return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=UTC)

    def digits(self, n: int) -> str:
        return "".join(self.rng.choice(string.digits) for _ in range(n))

    def unique(self, make) -> str:
        """Draw until unused; after a few clashes add a digit ("JAKE15" -> "JAKE153")."""
        for attempt in range(50):
            value = make()
            if attempt >= 5:
                value += self.digits(1 + attempt // 10)
            if value not in self.taken_ids:
                self.taken_ids.add(value)
                return value
        raise RuntimeError("could not draw a unique demo value")

    def money(self, low: float, high: float, step: int = 1) -> Decimal:
        value = self.rng.uniform(low, high)
        return Decimal(int(round(value / step)) * step).quantize(CENT)

    # -- build

    def build(self) -> None:
        self.users = self._team()
        self.products = self._products()
        self.campaigns = self._campaigns()
        self.tags = self._tags()
        featured = self.spec.featured[: self.spec.creators]
        for creator in featured:
            self._creator(featured=creator)
        generated = self.spec.creators - len(featured)
        for index in range(generated):
            self._creator(index=index)
        self._write()
        # The score reads the roll-ups just stored; computed here rather than left to the
        # debounced task, so the pool and the plan's preview are ranked as soon as the seed ends.
        readiness_recompute(workspace_id=self.workspace.pk)
        if self.spec.plan is not None:
            self._switchover_plan(self.spec.plan)

    def _switchover_plan(self, spec: d.PlanSpec) -> None:
        AmazonLinkSettings.objects.get_or_create(
            workspace=self.workspace,
            defaults={
                "marketplaces": [spec.marketplace],
                "store_id": spec.store_id,
                "tracking_id_pattern": spec.tracking_id_pattern,
                "attribution_tag_template": spec.attribution_tag_template,
            },
        )
        if SwitchoverPlan.objects.filter(workspace=self.workspace, name=spec.name).exists():
            return
        by_asin = {p.asin: p for p in self.products[spec.marketplace]}
        switchover_plan_create(
            workspace=self.workspace,
            actor=self.users[spec.author],
            data={
                "name": spec.name,
                "commission_rate": spec.commission_rate,
                "default_language": "en",
                "min_readiness": spec.min_readiness,
                "platforms": ["tiktok"],
                "countries": list(spec.countries),
                "max_invitations": spec.max_invitations,
                "products": [by_asin[asin] for asin in spec.asins],
                "messages": [
                    {"language": language, "subject": subject, "body": body}
                    for language, subject, body in spec.messages
                ],
            },
        )

    def _team(self) -> dict[str, object]:
        user_model = get_user_model()
        users = {}
        for member in self.spec.team:
            user, created = user_model.objects.get_or_create(
                username=member.username,
                defaults={
                    "first_name": member.first_name,
                    "last_name": member.last_name,
                    "email": member.email,
                },
            )
            if created:
                # Teammates exist to own creators and write notes; they cannot log in.
                user.set_unusable_password()
                user.save(update_fields=["password"])
            Membership.objects.get_or_create(
                workspace=self.workspace, user=user, defaults={"role": member.role}
            )
            users[member.username] = user
        self.writers = [m for m in self.spec.team if m.role != Membership.Role.VIEWER]
        return users

    def _products(self) -> dict[str, list[Product]]:
        """Products by marketplace. Upserted by (marketplace, ASIN) so a hand-made workspace
        with some of the same listings does not break the seed."""
        existing = {
            (p.marketplace, p.asin): p for p in Product.objects.filter(workspace=self.workspace)
        }
        new = []
        by_marketplace: dict[str, list[Product]] = {}
        for spec in self.spec.products:
            for marketplace in spec.marketplaces:
                product = existing.get((marketplace, spec.asin))
                if product is None:
                    currency = d.MARKETPLACE_CURRENCY[marketplace]
                    rate = {
                        "USD": 1,
                        "CAD": Decimal("1.35"),
                        "GBP": Decimal("0.79"),
                        "EUR": Decimal("0.92"),
                    }[currency]
                    product = Product(
                        workspace=self.workspace,
                        asin=spec.asin,
                        marketplace=marketplace,
                        title=spec.title,
                        category=spec.category,
                        price=(spec.price * rate).quantize(CENT, ROUND_HALF_UP),
                        currency=currency,
                    )
                    new.append(product)
                product.demo_niches = spec.niches  # type: ignore[attr-defined]
                by_marketplace.setdefault(marketplace, []).append(product)
        Product.objects.bulk_create(new)
        return by_marketplace

    def _campaigns(self) -> list[Campaign]:
        existing = {c.name: c for c in Campaign.objects.filter(workspace=self.workspace)}
        campaigns, new = [], []
        for spec in self.spec.campaigns:
            campaign = existing.get(spec.name)
            if campaign is None:
                campaign = Campaign(
                    workspace=self.workspace,
                    name=spec.name,
                    starts_on=spec.starts_on,
                    ends_on=spec.ends_on,
                    budget=spec.budget,
                    currency=self.spec.currency,
                    description=spec.description,
                )
                new.append(campaign)
            campaigns.append(campaign)
        Campaign.objects.bulk_create(new)
        return campaigns

    def _tags(self) -> dict[str, Tag]:
        existing = {t.name.lower(): t for t in Tag.objects.filter(workspace=self.workspace)}
        names = []
        for niche in self.spec.niche_weights:
            english, chinese, spanish = d.NICHES[niche][:3]
            names += [english, chinese, spanish]
        names += [*d.EXTRA_TAGS, *d.RESULT_TAGS]
        tags, new = {}, []
        for tag_name in names:
            key = tag_name.lower()
            if key in tags:
                continue
            tag = existing.get(key)
            if tag is None:
                tag = Tag(workspace=self.workspace, name=tag_name)
                new.append(tag)
            tags[key] = tag
        Tag.objects.bulk_create(new)
        return tags

    # -- one creator and everything around them

    def _creator(self, *, featured: d.FeaturedCreator | None = None, index: int = 0) -> None:
        rng = self.rng
        if featured is not None:
            locale = LOCALE_BY_KEY[featured.locale]
            niche, status, tier = featured.niche, featured.status, featured.tier
            display_name = featured.display_name
            first, last = featured.roman
            self.taken_names.add(display_name)
            handle = featured.handle
        else:
            locale = LOCALE_BY_KEY[self.pick({loc.key: loc.weight for loc in d.LOCALES})]
            niche = self.pick(self.spec.niche_weights)
            # A small pool still shows every pipeline status, and enough active creators to
            # carry every collaboration kind and status.
            statuses = list(CreatorStatus)
            if index < len(statuses):
                status = statuses[index]
            elif self.forced:
                status = CreatorStatus.ACTIVE
            else:
                status = self.pick(d.CREATOR_STATUS_WEIGHTS)
            tier = self.pick({i: t[0] for i, t in enumerate(d.FOLLOWER_TIERS)})
            display_name, first, last = self._name(locale, niche)
            handle = self._handle(first, last, niche)
        handle_normalised = normalise_handle(handle, "tiktok")
        self.taken_handles.add(handle_normalised)

        # Amazon-ready featured creators are the proven ones the demo story starts from; a
        # share of the generated active creators are as ready as they are.
        if featured is not None:
            amazon_ready = featured.amazon_ready
        else:
            amazon_ready = status == CreatorStatus.ACTIVE and self.chance(AMAZON_READY_SHARE)
        quality = round(rng.uniform(1.4, 1.8) if amazon_ready else rng.uniform(0.3, 1.8), 3)
        owner_member = None if self.chance(0.12) else rng.choice(self.writers)
        writer = owner_member or rng.choice(self.writers)
        marketplace = d.COUNTRY_MARKETPLACE.get(locale.country, "US")
        if marketplace not in self.products:
            marketplace = "US"
        languages = list(locale.languages)
        if "en" not in languages and self.chance(0.4):
            languages.append("en")

        creator = Creator(
            workspace=self.workspace,
            display_name=display_name,
            status=status,
            owner=self.users[owner_member.username] if owner_member else None,
            country=locale.country,
            language=locale.language,
            languages=languages,
        )
        person = _Person(
            creator=creator,
            locale=locale,
            niche=niche,
            tier=tier,
            roman_first=first,
            roman_last=last,
            handle=handle_normalised,
            quality=quality,
            amazon_ready=amazon_ready,
            marketplace=marketplace,
            writer=writer,
        )
        self.creators.append(creator)

        if featured is not None:
            person.platforms = list(featured.platforms)
        else:
            person.platforms = [p for p, chance in d.PLATFORM_CHANCES if self.chance(chance)]
            if niche in ("gaming", "tech") and self.chance(0.35):
                person.platforms.append("twitch")
            if not any(p in POST_PLATFORMS for p in person.platforms):
                person.platforms.insert(0, "tiktok")
        if amazon_ready:
            # Amazon links on TikTok need a TikTok account; a storefront shows on Amazon.
            person.platforms += [p for p in ("tiktok", "amazon") if p not in person.platforms]
        self._accounts(person, display_handle=handle)

        # Consent, Amazon readiness, TikTok Shop.
        is_dnc = status == CreatorStatus.DO_NOT_CONTACT
        consent_chance = {"prospect": 0.3, "contacted": 0.7}.get(status, 0.95)
        creator.consent_to_contact = not is_dnc and (amazon_ready or self.chance(consent_chance))
        if "amazon" in person.platforms:
            creator.amazon_storefront_url = person.accounts["amazon"].url
        if not is_dnc and (amazon_ready or self.chance(0.3 if status != "prospect" else 0.1)):
            creator.consent_amazon_links = True
        if amazon_ready or (status != "prospect" and self.chance(0.22)):
            suffix = d.ASSOCIATES_SUFFIX.get(locale.country, "-20")
            base = handle_normalised.replace(".", "").replace("_", "").replace("-", "")[:14]
            tracking_id = base + suffix
            while tracking_id in self.taken_ids:
                tracking_id = f"{base}{self.digits(2)}{suffix}"
            self.taken_ids.add(tracking_id)
            creator.associates_tracking_id = tracking_id
        if amazon_ready or self.chance(0.18):
            alnum = handle_normalised.replace(".", "").replace("-", "")
            creator.attribution_tag = self.unique(
                lambda: f"maas=maas_adg_{self.digits(rng.randint(8, 10))}_{alnum}"
            )
        if "tiktok" in person.platforms:
            creator.tiktok_shop_status = self.pick(
                {"none": 45, "invited": 15, "active": 28, "inactive": 12}
            )
        if self.chance(0.3):
            creator.remarks = rng.choice(d.CREATOR_REMARKS[self._note_language(person)])

        self._contacts(person)
        self._creator_tags(person)
        self._history(person, featured=featured)

    def _name(self, locale: Locale, niche: str) -> tuple[str, str, str]:
        rng = self.rng
        for _attempt in range(30):
            first_native, first = rng.choice(locale.first_names)
            last_native, last = rng.choice(locale.last_names)
            style = rng.random()
            if locale.family_first:
                if locale.language == "zh" and style < 0.25:
                    name = f"{first_native}{d.NICHES[niche][4]}"
                elif style < 0.65:
                    name = f"{last_native}{locale.family_sep}{first_native}"
                else:
                    name = f"{first.capitalize()} {last.capitalize()}"
            elif style < 0.7:
                name = f"{first_native} {last_native}"
            elif style < 0.82:
                word = d.CHANNEL_WORDS[niche]
                name = rng.choice((f"{first_native}'s {word}", f"{first_native} {word}"))
            elif style < 0.95:
                name = f"{first_native} {last_native[0]}."
            else:
                name = f"{first_native} {last_native} " + rng.choice("🌸✨🐾🍳💪🏡")
            if name not in self.taken_names:
                self.taken_names.add(name)
                return name, first, last
        return name, first, last

    def _handle(self, first: str, last: str, niche: str) -> str:
        rng = self.rng
        words = d.NICHES[niche][3]
        for attempt in range(40):
            word = rng.choice(words)
            patterns = (
                f"{first}{last}",
                f"{first}.{last}",
                f"{first}_{last}",
                f"{first}{word}",
                f"{first}.{word}",
                f"the{first}{word}",
                f"{first}{last[:1]}{self.digits(2)}",
                f"{word}with{first}",
                f"{first}_{word}{self.digits(2)}",
            )
            handle = rng.choice(patterns)
            if attempt > 5:
                handle = f"{handle}{self.digits(3)}"
            if handle not in self.taken_handles:
                break
        # How people type it: sometimes with "@" or capitals; handle_normalised is lower-case.
        style = rng.random()
        if style < 0.12:
            return "@" + handle
        if style < 0.2:
            return handle.replace(first, first.capitalize(), 1)
        return handle

    def _accounts(self, person: _Person, *, display_handle: str) -> None:
        rng = self.rng
        low, high = d.FOLLOWER_TIERS[person.tier][1:]
        # Log-uniform within the tier: many small accounts, few big ones.
        base = int(math.exp(rng.uniform(math.log(low), math.log(high))))
        er_low, er_high = ENGAGEMENT_BY_TIER[person.tier]
        if person.amazon_ready:  # an audience that follows their recommendations
            er_low, er_high = (er_low + er_high) / 2, er_high * 1.25
        for platform in person.platforms:
            factor = {
                "tiktok": 1.0,
                "instagram": rng.uniform(0.1, 1.2),
                "youtube": rng.uniform(0.05, 0.8),
                "x": rng.uniform(0.02, 0.3),
                "twitch": rng.uniform(0.02, 0.4),
                "linkedin": rng.uniform(0.01, 0.05),
            }
            handle = display_handle if platform == "tiktok" else person.handle
            if platform == "youtube" and self.chance(0.3):
                handle = f"@{person.handle}"
            normalised = normalise_handle(handle, platform)
            account = PlatformAccount(
                workspace=self.workspace,
                creator=person.creator,
                platform=platform,
                handle=handle,
                handle_normalised=normalised,
                url=profile_url(platform, normalised),
            )
            if platform != "amazon":
                followers = max(int(base * factor.get(platform, 1.0)), 50)
                account.followers = followers
                view_rate = (
                    rng.uniform(0.08, 0.6)
                    if platform in ("tiktok", "youtube")
                    else (rng.uniform(0.03, 0.25))
                )
                account.average_views = int(followers * view_rate * (0.6 + person.quality / 3))
                account.engagement_rate = Decimal(str(round(rng.uniform(er_low, er_high), 2)))
                if self.chance(0.75):
                    account.last_synced_at = self.at(
                        BASE_DATE - dt.timedelta(days=rng.randint(0, 60)), 0, 23
                    )
            person.accounts[platform] = account
            self.accounts.append(account)

    def _phone(self, country: str) -> str | None:
        shapes = d.PHONE_SHAPES.get(country)
        if not shapes:
            return None
        for _attempt in range(20):
            prefix, count = self.rng.choice(shapes)
            number = phonenumbers.parse(prefix + self.digits(count))
            if phonenumbers.is_valid_number(number):
                return phonenumbers.format_number(
                    number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
                )
        return None

    def _contacts(self, person: _Person) -> None:
        rng = self.rng
        creator, locale = person.creator, person.locale
        consent = creator.consent_to_contact

        def add(kind, value, normalised, *, primary=False, label="", valid=True, ok=consent):
            if any(
                c.creator is creator and c.kind == kind and c.value_normalised == normalised
                for c in self.contacts[-6:]
            ):
                return
            self.contacts.append(
                ContactMethod(
                    workspace=self.workspace,
                    creator=creator,
                    kind=kind,
                    value=value,
                    value_normalised=normalised,
                    label=label,
                    is_primary=primary,
                    is_valid=valid,
                    consent=ok,
                )
            )

        if creator.status == CreatorStatus.PROSPECT and self.chance(0.25):
            return  # found on TikTok, no contact yet
        first, last = person.roman_first or "hello", person.roman_last or "creator"
        if person.amazon_ready or self.chance(0.88):
            local = (
                rng.choice(
                    (
                        f"{first}.{last}",
                        f"{first}{last}{self.digits(2)}",
                        person.handle,
                        f"collabs.{person.handle}",
                        f"{first}{self.digits(3)}",
                    )
                )
                .replace("_", ".")
                .replace("..", ".")
                .strip(".")
            )
            domain = rng.choice(d.EMAIL_DOMAINS)
            value = f"{local}@{domain}"
            if self.chance(0.15):
                value = f"{local.capitalize()}@{domain.capitalize()}"
            bounced = not person.amazon_ready and self.chance(0.03)
            add(
                ContactMethod.Kind.EMAIL,
                value,
                normalise_email(value),
                primary=True,
                label="bounced" if bounced else "",
                valid=not bounced,
            )
            if self.chance(0.15):
                value = f"partnerships+{person.handle.replace('_', '.')}@example.org"
                add(ContactMethod.Kind.EMAIL, value, normalise_email(value), label="business")
        phone_chance = 0.55 if locale.language in ("es", "pt", "de", "it", "fr") else 0.25
        if self.chance(phone_chance):
            phone = self._phone(locale.country)
            if phone:
                whatsapp = locale.country not in ("US", "CA", "JP", "KR", "CN", "TW")
                kind = ContactMethod.Kind.WHATSAPP if whatsapp else ContactMethod.Kind.PHONE
                add(
                    kind,
                    phone,
                    normalise_phone(phone),
                    primary=True,
                    label="mobile" if kind == ContactMethod.Kind.PHONE else "",
                )
        if locale.language == "zh" and self.chance(0.65):
            value = rng.choice(
                (
                    f"{first}_{self.digits(3)}",
                    f"wxid_{first}{self.digits(4)}",
                    f"{person.handle.replace('.', '_')}",
                )
            )
            add(ContactMethod.Kind.WECHAT, value, value.lower(), primary=True)
        if locale.country == "JP" and self.chance(0.4):
            add(ContactMethod.Kind.LINE, person.handle, person.handle.lower(), primary=True)
        if person.tier >= 3 and self.chance(0.8) or person.tier == 2 and self.chance(0.25):
            agency, domain = rng.choice(d.AGENCIES)
            agent = rng.choice(d.AGENT_FIRST)
            local = agent.lower() if agent.isascii() else "talent"
            value = f"{local}@{domain}"
            add(
                ContactMethod.Kind.AGENT,
                value,
                value.lower(),
                primary=True,
                label=f"{agency} - {agent}",
                ok=True,
            )

    def _creator_tags(self, person: _Person) -> None:
        rng = self.rng
        english, chinese, spanish = d.NICHES[person.niche][:3]
        names = [english]
        if person.writer and person.writer.writes == "zh" and self.chance(0.7):
            names.append(chinese)
        if person.locale.language == "es" and self.chance(0.5):
            names.append(spanish)
        if self.chance(0.3):
            other = self.pick(self.spec.niche_weights)
            names.append(d.NICHES[other][0])
        if self.chance(0.15):
            names.append(rng.choice(d.EXTRA_TAGS))
        if person.creator.status in ("active", "paused") and self.chance(0.2):
            names.append(rng.choice(d.RESULT_TAGS))
        seen = []
        for tag_name in names:
            tag = self.tags.get(tag_name.lower())
            if tag is not None and tag not in seen:
                seen.append(tag)
                self.creator_tags.append((person.creator, tag))

    # -- timeline: collaborations, posts, snapshots, notes, events

    def _note_language(self, person: _Person) -> str:
        writes = person.writer.writes if person.writer else "en"
        if writes == "es" and person.locale.language != "es":
            return "en"
        if writes == "zh" and self.chance(0.2):
            return "en"
        return writes

    def _note(
        self,
        person,
        kind,
        template,
        when,
        *,
        collab=None,
        follow_up=None,
        promo_code="",
        **values,
    ):
        language = self._note_language(person)
        texts = d.NOTE_TEXT[template]
        body_template = self.rng.choice(texts.get(language) or texts["en"])
        if promo_code:
            body_template += d.PROMO_CODE_TEXT.get(language, d.PROMO_CODE_TEXT["en"])
            values["code"] = promo_code
        if collab is not None:
            chinese = 1 if language == "zh" else 0
            values.setdefault("deal", d.DEAL_NAMES[collab.kind][chinese])
            values.setdefault("deliverables", d.DELIVERABLES[collab.kind][chinese])
        if "rating" in values:
            verdicts = d.VERDICTS.get(language, d.VERDICTS["en"])
            values["verdict"] = verdicts[values.pop("rating") - 1]
        product = values.pop("product", None)
        if product is not None:
            values["product"] = (
                d.PRODUCT_ZH.get(product.asin, product.title)
                if language == "zh"
                else product.title.split(",")[0]
            )
        values.setdefault(
            "niche", d.NICHE_ZH[person.niche] if language == "zh" else d.NICHES[person.niche][0]
        )
        values.setdefault("name", person.creator.display_name.split()[0])
        values.setdefault("rate", self.rng.choice((10, 12, 15, 20)))
        values.setdefault("fee", self.rng.choice((150, 300, 500, 800, 1200)))
        body = body_template.format_map(_Defaults(values))
        author = self.users[person.writer.username] if person.writer else None
        note = Note(
            workspace=self.workspace,
            creator=person.creator,
            collaboration=collab,
            author=author,
            kind=kind,
            body=body,
            occurred_at=when,
            follow_up_on=follow_up,
        )
        self.notes.append(note)
        self.events.append((Verb.NOTE_ADDED, person.creator, author, note, {"kind": kind}, when))
        return note

    def _history(self, person: _Person, *, featured) -> None:
        rng = self.rng
        creator = person.creator
        status = creator.status
        author = self.users[person.writer.username] if person.writer else None
        plans = self._collab_plan(person, featured=featured)
        first_note = len(self.notes)  # this creator's notes are self.notes[first_note:]
        start = {
            "prospect": None,
            "contacted": self.days_ago(3, 70),
            "negotiating": self.days_ago(10, 90),
            "active": self.days_ago(90, 420),
            "paused": self.days_ago(120, 420),
            "do_not_contact": self.days_ago(20, 300),
        }[status]
        proposals = []
        for kind, collab_status in plans:
            oldest, newest = STATUS_WINDOW[collab_status]
            if start is not None:
                oldest = min(oldest, (BASE_DATE - start).days)
            proposals.append((self.days_ago(newest, max(oldest, newest)), kind, collab_status))
        proposals.sort(key=lambda p: p[0])
        if proposals and start is not None:
            start = min(start, proposals[0][0] - dt.timedelta(days=rng.randint(2, 10)))
        if start is None:
            person.added_on = self.days_ago(0, 240)
        else:
            person.added_on = start - dt.timedelta(days=rng.randint(0, 20))
        creator.demo_added_at = self.at(person.added_on)  # type: ignore[attr-defined]
        self.events.append(
            (
                Verb.CREATOR_CREATED,
                creator,
                author,
                creator,
                {"display_name": creator.display_name},
                creator.demo_added_at,
            )
        )

        # Outreach before any deal.
        if status == CreatorStatus.PROSPECT:
            if self.chance(0.45):
                self._note(
                    person,
                    Note.Kind.REMARK,
                    "prospect",
                    self.at(person.added_on),
                    product=self._products_for(person)[0],
                )
        else:
            first_kind = Note.Kind.EMAIL if self.chance(0.6) else Note.Kind.DM
            template = "first_email" if first_kind == Note.Kind.EMAIL else "first_dm"
            self._note(
                person, first_kind, template, self.at(start), product=self._products_for(person)[0]
            )
            if self.chance(0.5):
                self._note(
                    person,
                    Note.Kind.EMAIL,
                    "follow_up",
                    self.at(start + dt.timedelta(days=rng.randint(3, 9))),
                )

        for proposed_on, kind, collab_status in proposals:
            self._collaboration(person, kind, collab_status, proposed_on)

        if status in (CreatorStatus.CONTACTED, CreatorStatus.NEGOTIATING) or (
            status == CreatorStatus.ACTIVE and self.chance(0.4)
        ):
            # The latest touch point carries the next follow-up: some overdue, some ahead.
            latest = max(n.occurred_at for n in self.notes[first_note:]).date()
            when = min(latest + dt.timedelta(days=rng.randint(1, 6)), BASE_DATE)
            follow_up = when + dt.timedelta(days=rng.choice((3, 5, 7, 14, 30, 45)))
            kind = self.pick(
                {Note.Kind.EMAIL: 4, Note.Kind.DM: 2, Note.Kind.CALL: 2, Note.Kind.MEETING: 1}
            )
            template = {
                Note.Kind.EMAIL: "follow_up",
                Note.Kind.DM: "follow_up",
                Note.Kind.CALL: "call",
                Note.Kind.MEETING: "meeting",
            }[kind]
            if status == CreatorStatus.ACTIVE:
                template = "check_in"
            self._note(
                person,
                kind,
                template,
                self.at(when),
                follow_up=follow_up,
                product=self._products_for(person)[0],
            )
        if status == CreatorStatus.PAUSED:
            self._note(person, Note.Kind.REMARK, "paused", self.at(self.days_ago(5, 40)))
        if status == CreatorStatus.DO_NOT_CONTACT:
            when = self.days_ago(1, max((BASE_DATE - start).days - 1, 1))
            self._note(person, Note.Kind.EMAIL, "dnc", self.at(when))

        if person.ratings:
            creator.rating = max(1, min(5, round(sum(person.ratings) / len(person.ratings))))
        elif status in ("negotiating", "contacted") and self.chance(0.2):
            creator.rating = rng.choice((3, 4))
        contact_times = [
            n.occurred_at for n in self.notes[first_note:] if n.kind in Note.CONTACT_KINDS
        ]
        creator.last_contacted_at = max(contact_times) if contact_times else None
        if (
            any(
                c.kind == K.TIKTOK_SHOP_AFFILIATE
                for c in self.collaborations[-4:]
                if c.creator is creator
            )
            and "tiktok" in person.platforms
        ):
            creator.tiktok_shop_status = (
                TikTokShopStatus.INACTIVE if status == "paused" else TikTokShopStatus.ACTIVE
            )

    def _collab_plan(self, person: _Person, *, featured) -> list[tuple[str, str]]:
        status = person.creator.status
        kinds = dict(KIND_WEIGHTS)
        if "tiktok" not in person.platforms:
            kinds.pop(K.TIKTOK_SHOP_AFFILIATE)
            kinds.pop(K.AMAZON_AFFILIATE_TIKTOK)

        def kind():
            return self.pick(kinds)

        if status == CreatorStatus.PROSPECT:
            return []
        if status == CreatorStatus.CONTACTED:
            roll = self.rng.random()
            if roll < 0.3:
                return [(kind(), S.PROPOSED)]
            return [(kind(), S.DECLINED)] if roll < 0.42 else []
        if status == CreatorStatus.NEGOTIATING:
            return [(kind(), self.pick({S.PROPOSED: 6, S.AGREED: 4}))]
        if status == CreatorStatus.PAUSED:
            return [
                (kind(), self.pick({S.COMPLETED: 7, S.CANCELLED: 3}))
                for _ in range(self.rng.randint(1, 2))
            ]
        if status == CreatorStatus.DO_NOT_CONTACT:
            if self.chance(0.5):
                return [(kind(), self.pick({S.DECLINED: 1, S.CANCELLED: 1}))]
            return []
        # Active: a history of deals and usually one in flight.
        plans = [
            (kind(), self.pick({S.COMPLETED: 80, S.CANCELLED: 12, S.DECLINED: 8}))
            for _ in range(self.rng.randint(0, 3))
        ]
        plans.append(
            (
                kind(),
                self.pick(
                    {S.AGREED: 15, S.SAMPLE_SHIPPED: 20, S.CONTENT_LIVE: 35, S.COMPLETED: 30}
                ),
            )
        )
        if person.amazon_ready:
            plans.append((K.AMAZON_AFFILIATE_TIKTOK, S.CONTENT_LIVE))
            plans.append((K.CREATOR_CONNECTIONS, S.COMPLETED))
        if featured is None or not featured.amazon_ready:
            allowed = [pair for pair in self.forced if pair[0] in kinds]
            if allowed:
                self.forced.remove(allowed[0])
                plans[0] = allowed[0]
        return plans

    def _products_for(self, person: _Person) -> list[Product]:
        pool = self.products[person.marketplace]
        fitting = [p for p in pool if person.niche in p.demo_niches] or pool
        return fitting

    def _campaign_for(self, day: dt.date) -> Campaign | None:
        for campaign in self.campaigns:
            if campaign.starts_on <= day <= campaign.ends_on:
                return campaign
        return None

    def _collaboration(self, person: _Person, kind: str, status: str, proposed_on) -> None:
        rng = self.rng
        creator = person.creator
        products = self._products_for(person)
        chosen = [rng.choice(products)]
        if len(products) > 1 and self.chance(0.2):
            chosen.append(rng.choice([p for p in products if p is not chosen[0]]))
        main = chosen[0]
        owner = creator.owner
        language = "zh" if person.writer and person.writer.writes == "zh" else "en"
        collab = Collaboration(
            workspace=self.workspace,
            creator=creator,
            campaign=self._campaign_for(proposed_on) if self.chance(0.85) else None,
            owner=owner,
            kind=kind,
            status=status,
            currency=main.currency,
            deliverables=d.DELIVERABLES[kind][0 if language == "en" else 1],
        )
        collab.demo_created_at = self.at(proposed_on)  # type: ignore[attr-defined]
        self.collaborations.append(collab)
        self.collab_products += [(collab, p) for p in chosen]
        self.events.append(
            (
                Verb.COLLABORATION_CREATED,
                creator,
                owner,
                collab,
                {"kind": kind, "status": S.PROPOSED},
                collab.demo_created_at,
            )
        )

        # Money.
        if kind == K.PAID_POST:
            collab.fee = self.money(*PAID_FEE_BY_TIER[person.tier], step=50)
            collab.commission_rate = Decimal("5.00") if self.chance(0.2) else None
        elif kind == K.OTHER:
            collab.fee = self.money(100, 600, step=25)
        elif kind == K.TIKTOK_SHOP_AFFILIATE:
            collab.commission_rate = Decimal(rng.choice((10, 12, 15, 18, 20, 25))).quantize(CENT)
            if self.chance(0.2):
                collab.fee = self.money(100, 300, step=50)
        elif kind == K.CREATOR_CONNECTIONS:
            collab.commission_rate = Decimal(rng.choice((5, 8, 10, 15, 20))).quantize(CENT)
        elif kind == K.AMAZON_AFFILIATE_TIKTOK:
            collab.commission_rate = Decimal(rng.choice((8, 10, 12, 15))).quantize(CENT)
            if self.chance(0.5):
                collab.fee = self.money(100, 300, step=50)

        # Links and codes.
        host = d.AMAZON_HOST.get(main.marketplace, "www.amazon.com")
        if kind in (K.CREATOR_CONNECTIONS, K.AMAZON_AFFILIATE_TIKTOK):
            tag = creator.associates_tracking_id or self.unique(
                lambda: f"demobrand{self.digits(3)}-20"
            )
            collab.amazon_tracking_tag = tag
            collab.tracking_link = f"https://{host}/dp/{main.asin}?tag={tag}"
        elif kind == K.TIKTOK_SHOP_AFFILIATE:
            collab.tracking_link = (
                f"https://shop.tiktok.com/view/product/17{self.digits(17)}?region=US"
            )
        elif creator.attribution_tag and kind == K.PAID_POST:
            collab.amazon_tracking_tag = creator.attribution_tag
            collab.tracking_link = f"https://{host}/dp/{main.asin}?{creator.attribution_tag}"
        if kind in (K.PAID_POST, K.TIKTOK_SHOP_AFFILIATE, K.AMAZON_AFFILIATE_TIKTOK) and (
            self.chance(0.5)
        ):
            stem = (person.roman_first or person.handle).upper().replace(".", "")[:8]
            collab.promo_code = self.unique(lambda: f"{stem}{rng.choice((10, 15, 20, 25))}")

        note_values = {"product": main}
        pitch_kind = self.pick({Note.Kind.EMAIL: 3, Note.Kind.DM: 1, Note.Kind.CALL: 1})
        self._note(
            person,
            pitch_kind,
            "call" if pitch_kind == Note.Kind.CALL else "pitch",
            self.at(proposed_on),
            collab=collab,
            fee=int(collab.fee) or 300,
            rate=int(collab.commission_rate or 10),
            **note_values,
        )
        if status == S.PROPOSED:
            return
        if status == S.DECLINED:
            day = min(proposed_on + dt.timedelta(days=rng.randint(1, 6)), BASE_DATE)
            self._note(person, Note.Kind.EMAIL, "declined", self.at(day), collab=collab)
            return

        reached = STATUS_ORDER.index(status) if status != S.CANCELLED else rng.randint(1, 2)
        agreed = min(proposed_on + dt.timedelta(days=rng.randint(1, 7)), BASE_DATE)
        collab.agreed_on = agreed
        collab.post_by = agreed + dt.timedelta(days=rng.randint(14, 30))
        note_values["post_by"] = collab.post_by.isoformat()
        self._note(
            person,
            self.pick({Note.Kind.CALL: 2, Note.Kind.MEETING: 1, Note.Kind.EMAIL: 2}),
            "agreed",
            self.at(agreed),
            collab=collab,
            promo_code=collab.promo_code,
            **note_values,
        )

        ships = self.chance(SAMPLE_CHANCE[kind]) or status == S.SAMPLE_SHIPPED
        if ships:
            collab.sample_quantity = rng.choice((1, 1, 1, 2, 3))
            collab.sample_cost = (
                sum(((p.price or Decimal(0)) * Decimal("0.4")).quantize(CENT) for p in chosen)
                * collab.sample_quantity
            )
        ready = agreed
        if ships and reached >= STATUS_ORDER.index(S.SAMPLE_SHIPPED):
            shipped = min(agreed + dt.timedelta(days=rng.randint(1, 5)), BASE_DATE)
            collab.sample_shipped_on = shipped
            # As the shipping services set it: the workspace's default of days to post.
            collab.sample_post_by = shipped + dt.timedelta(days=self.workspace.sample_post_by_days)
            collab.sample_carrier = rng.choice(d.CARRIERS.get(person.locale.country, ("DHL",)))
            collab.sample_tracking_number = self._tracking_number(collab.sample_carrier)
            ready = shipped
        if status == S.CANCELLED:
            day = min(ready + dt.timedelta(days=rng.randint(3, 20)), BASE_DATE)
            self._note(person, Note.Kind.REMARK, "cancelled", self.at(day), collab=collab)
            return
        if reached < STATUS_ORDER.index(S.CONTENT_LIVE):
            return

        # Content went live: posts, readings, and what the team thought.
        late = 0 if person.quality > 0.8 else rng.randint(0, 15)
        first_post = min(
            ready + dt.timedelta(days=rng.randint(4, 18) + late), BASE_DATE - dt.timedelta(days=1)
        )
        first_post = max(first_post, ready)
        post_count = self.pick({1: 6, 2: 3, 3: 1})
        posts = []
        for n in range(post_count):
            day = min(first_post + dt.timedelta(days=n * rng.randint(2, 7)), BASE_DATE)
            posts.append(self._post(person, collab, day, main, second=n > 0))
        total_views = sum(p.demo_final_views for p in posts)
        orders = self._collab_snapshots(person, collab, first_post, total_views, main)

        days_late = max((first_post - collab.post_by).days, 0)
        if status == S.COMPLETED:
            done = first_post + dt.timedelta(days=rng.randint(10, 25))
            collab.completed_on = max(min(done, BASE_DATE), agreed)
            grade = person.quality + rng.uniform(-0.3, 0.3)
            content = _clamp_rating(1 + 4 * (grade - 0.3) / 1.5)
            reliability = _clamp_rating(5 - days_late / 3 + rng.uniform(-1, 0.5))
            communication = _clamp_rating(content + rng.choice((-1, 0, 0, 1)))
            person.ratings.append(round((content + reliability + communication) / 3))
            template = "perf_good" if content >= 4 else ("perf_ok" if content == 3 else "perf_bad")
            extra = {"orders": orders, "days": max(days_late, 2)}
            if orders is None:
                template, extra = "perf_no_sales", {"rating": content}
            note = self._note(
                person,
                Note.Kind.PERFORMANCE,
                template,
                self.at(collab.completed_on),
                collab=collab,
                views=f"{total_views:,}",
                product=main,
                **extra,
            )
            note.rating_content = content
            note.rating_reliability = reliability
            note.rating_communication = communication
        elif self.chance(0.5):
            day = min(first_post + dt.timedelta(days=rng.randint(2, 6)), BASE_DATE)
            self._note(
                person,
                Note.Kind.PERFORMANCE,
                "perf_early",
                self.at(day),
                collab=collab,
                views=f"{posts[0].demo_final_views // 3:,}",
                product=main,
            )

    def _tracking_number(self, carrier: str) -> str:
        alnum = string.ascii_uppercase + string.digits
        if carrier == "USPS":
            return "9400" + self.digits(18)
        if carrier == "UPS":
            return "1Z" + "".join(self.rng.choice(alnum) for _ in range(6)) + "03" + self.digits(8)
        if carrier in ("Royal Mail", "La Poste", "Correos", "Japan Post", "Correios"):
            letters = "".join(self.rng.choice(string.ascii_uppercase) for _ in range(2))
            country = {
                "Royal Mail": "GB",
                "La Poste": "FR",
                "Correos": "ES",
                "Japan Post": "JP",
                "Correios": "BR",
            }[carrier]
            return f"{letters}{self.digits(9)}{country}"
        if carrier == "SF Express":
            return "SF" + self.digits(13)
        if carrier == "DHL":
            return self.digits(10)
        return self.digits(12)

    def _post(self, person: _Person, collab, day, product, *, second) -> ContentPost:
        rng = self.rng
        options = [p for p in person.platforms if p in POST_PLATFORMS] or ["tiktok"]
        platform = "tiktok" if "tiktok" in options and not second else rng.choice(options)
        if platform not in person.accounts:
            platform = options[0]
        handle = person.accounts[platform].handle_normalised
        chars = string.ascii_letters + string.digits + "_-"

        def url():
            if platform == "tiktok":
                return f"https://www.tiktok.com/@{handle}/video/7{self.digits(18)}"
            if platform == "instagram":
                code = "".join(rng.choice(chars) for _ in range(11))
                return f"https://www.instagram.com/reel/{code}/"
            if platform == "youtube":
                code = "".join(rng.choice(chars) for _ in range(11))
                return f"https://www.youtube.com/shorts/{code}"
            if platform == "x":
                return f"https://x.com/{handle}/status/18{self.digits(17)}"
            return f"https://www.twitch.tv/videos/2{self.digits(9)}"

        language = person.locale.language
        captions = d.CAPTIONS.get(language) or d.CAPTIONS["en"]
        product_name = (
            d.PRODUCT_ZH.get(product.asin, product.title)
            if language == "zh"
            else product.title.split(",")[0]
        )
        post = ContentPost(
            workspace=self.workspace,
            creator=person.creator,
            collaboration=collab,
            platform=platform,
            url=self.unique(url),
            posted_on=day,
            caption=rng.choice(captions).format(
                product=product_name, niche=d.NICHES[person.niche][0].replace(" ", "")
            ),
        )
        self.posts.append(post)
        account = person.accounts[platform]
        typical = account.average_views or 1000
        post.demo_final_views = max(  # type: ignore[attr-defined]
            int(typical * rng.lognormvariate(0, 0.7) * (0.5 + person.quality / 2)), 150
        )
        self._post_snapshots(person, collab, post)
        return post

    def _readings(self, start: dt.date, first_offset: int = 0) -> list[dt.date]:
        days = [start + dt.timedelta(days=o + first_offset) for o in SNAPSHOT_DAYS]
        days = [day for day in days if day <= BASE_DATE]
        keep = self.rng.randint(3, 6)
        return days[:keep] or [min(start + dt.timedelta(days=1), BASE_DATE)]

    def _post_snapshots(self, person: _Person, collab, post) -> None:
        """Cumulative readings of one post: each is a fixed share of the final count, and the
        share only grows, so every count is non-decreasing over time."""
        rng = self.rng
        final = post.demo_final_views
        tau = rng.uniform(2, 9)
        rates = {
            "likes": rng.uniform(0.03, 0.12),
            "comments": rng.uniform(0.001, 0.01),
            "shares": rng.uniform(0.001, 0.02),
            "saves": rng.uniform(0.002, 0.03),
        }
        source = self.pick(
            {
                MetricSnapshot.Source.API: 5,
                MetricSnapshot.Source.MANUAL: 4,
                MetricSnapshot.Source.IMPORT: 1,
            }
        )
        for day in self._readings(post.posted_on):
            age = (day - post.posted_on).days + 0.5
            views = int(final * (1 - math.exp(-age / tau)))
            self.snapshots.append(
                MetricSnapshot(
                    workspace=self.workspace,
                    creator=person.creator,
                    collaboration=collab,
                    post=post,
                    captured_at=self.at(day, 6, 10),
                    source=source,
                    views=views,
                    currency=collab.currency,
                    **{name: int(views * rate) for name, rate in rates.items()},
                )
            )

    def _collab_snapshots(self, person, collab, first_post, total_views, product) -> int | None:
        """Sales-side readings for the whole collaboration (Amazon Attribution, Associates or
        TikTok Shop reports), separate from the per-post readings so nothing counts twice."""
        rng = self.rng
        if collab.kind == K.GIFTED_SAMPLE and self.chance(0.5):
            return None  # no link or code to attribute sales to
        price = product.price or Decimal("20")
        conversion = person.quality / 1.8
        if collab.kind == K.TIKTOK_SHOP_AFFILIATE:
            final = {"orders": int(total_views * rng.uniform(0.0003, 0.002) * conversion)}
            source = MetricSnapshot.Source.IMPORT
        else:
            clicks = int(total_views * rng.uniform(0.002, 0.012))
            dpv = int(clicks * rng.uniform(0.6, 0.9))
            atc = int(dpv * rng.uniform(0.08, 0.2))
            final = {
                "clicks": clicks,
                "detail_page_views": dpv,
                "add_to_carts": atc,
                "orders": int(atc * rng.uniform(0.3, 0.6) * (0.4 + conversion)),
            }
            source = (
                MetricSnapshot.Source.MANUAL
                if collab.kind == K.PAID_POST and not collab.amazon_tracking_tag
                else MetricSnapshot.Source.IMPORT
            )
        unit_factor = rng.uniform(1.0, 1.3)
        rate = (collab.commission_rate or Decimal(0)) / 100
        readings = self._readings(first_post, first_offset=6)
        reading = {}
        for i, day in enumerate(readings):
            share = (i + 1) / len(readings) if len(readings) > 1 else 1.0
            share = share**0.6  # most sales come early
            reading = {name: int(value * share) for name, value in final.items()}
            units = int(reading["orders"] * unit_factor)
            sales = (price * units).quantize(CENT)
            self.snapshots.append(
                MetricSnapshot(
                    workspace=self.workspace,
                    creator=person.creator,
                    collaboration=collab,
                    post=None,
                    captured_at=self.at(day, 11, 13),
                    source=source,
                    units=units,
                    sales=sales,
                    commission=(sales * rate).quantize(CENT) if rate else None,
                    currency=collab.currency,
                    **reading,
                )
            )
        return reading.get("orders", 0)

    # -- write everything

    def _write(self) -> None:
        ws = self.workspace
        bulk_create_with_history(self.creators, Creator, batch_size=500)
        PlatformAccount.objects.bulk_create(self.accounts, batch_size=500)
        bulk_create_with_history(self.contacts, ContactMethod, batch_size=500)
        through = Creator.tags.through
        through.objects.bulk_create(
            [through(creator_id=c.pk, tag_id=t.pk) for c, t in self.creator_tags],
            batch_size=1000,
        )
        bulk_create_with_history(self.collaborations, Collaboration, batch_size=500)
        through = Collaboration.products.through
        through.objects.bulk_create(
            [through(collaboration_id=c.pk, product_id=p.pk) for c, p in self.collab_products],
            batch_size=1000,
        )
        ContentPost.objects.bulk_create(self.posts, batch_size=500)
        MetricSnapshot.objects.bulk_create(self.snapshots, batch_size=1000)
        Note.objects.bulk_create(self.notes, batch_size=1000)

        content_types = ContentType.objects.get_for_models(Creator, Collaboration, Note)
        events = []
        for verb, creator, actor, target, data, when in self.events:
            event = ActivityEvent(
                workspace=ws,
                verb=verb,
                actor=actor,
                creator=creator,
                target_type=content_types[type(target)],
                target_id=target.pk,
                data=data,
            )
            event.demo_created_at = when  # type: ignore[attr-defined]
            events.append(event)
        ActivityEvent.objects.bulk_create(events, batch_size=1000)

        # created_at is auto_now_add, so bulk_create stamped "now"; the demo's history needs
        # the generated dates instead (lists are ordered by them).
        _set_created_at(Creator, [(c.pk, c.demo_added_at) for c in self.creators])
        _set_created_at(Collaboration, [(c.pk, c.demo_created_at) for c in self.collaborations])
        _set_created_at(Note, [(n.pk, n.occurred_at) for n in self.notes])
        _set_created_at(ActivityEvent, [(e.pk, e.demo_created_at) for e in events])

        creator_rollups_store(creator_ids=[c.pk for c in self.creators])


def _set_created_at(model, rows: list[tuple[int, dt.datetime]]) -> None:
    """One prepared UPDATE run for many rows: much cheaper than bulk_update's CASE WHEN."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET created_at = %s WHERE id = %s",
            [(adapt(when), pk) for pk, when in rows],
        )


class _Defaults(dict):
    """format_map helper: a placeholder a template does not get stays visible, not a crash."""

    def __missing__(self, key):
        return "{" + key + "}"


def _clamp_rating(value: float) -> int:
    return max(1, min(5, round(value)))
