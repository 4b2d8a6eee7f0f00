from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Func, Q, Value
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from influencers.normalisers import (
    NormaliseError,
    normalise_attribution_tag,
    normalise_tracking_id,
)
from influencers.normalisers.folding import ACCENTED, PLAIN

from .base import WorkspaceOwnedModel, WorkspaceQuerySet
from .commerce import Marketplace


class Tag(WorkspaceOwnedModel):
    """A niche or label (beauty, pets, "met at CES"...)."""

    name = models.CharField(_("name"), max_length=80)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "workspace",
                Lower("name"),
                name="tag_unique_name_ci",
                violation_error_message=_("A tag with this name already exists in this workspace."),
            ),
        ]

    def __str__(self):
        return self.name


class CreatorStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    CONTACTED = "contacted", _("Contacted")
    NEGOTIATING = "negotiating", _("Negotiating")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    DO_NOT_CONTACT = "do_not_contact", _("Do not contact")


class TikTokShopStatus(models.TextChoices):
    NONE = "none", _("Not an affiliate")
    INVITED = "invited", _("Invited")
    ACTIVE = "active", _("Active affiliate")
    INACTIVE = "inactive", _("Inactive affiliate")


class CreatorQuerySet(WorkspaceQuerySet):
    def with_readiness(self):
        """Joins each creator's readiness row (CreatorReadiness) as an INNER join in the
        creator's own workspace. Every creator has that row (a trigger adds it on insert), so
        no creator is lost; and with the workspace of the query PostgreSQL can order and
        filter by readiness on the (workspace, score, creator) index, walking it in order
        and stopping at the page, where a LEFT join (or COALESCE for a missing row) would
        sort the whole workspace. Later filters, order_by, values and select_related on
        `readiness__...` reuse this join."""
        return self.filter(readiness__workspace=models.F("workspace"))

    def refresh_reach(self) -> int:
        """Store each creator's reach (largest account's followers and that account's
        engagement rate) on the creator row, in one UPDATE. Idempotent. A queryset rule, so
        the services and the importers' bulk path share it."""
        from decimal import Decimal

        from django.db.models import F, OuterRef, Subquery, Value
        from django.db.models.functions import Coalesce

        biggest = PlatformAccount.objects.filter(creator_id=OuterRef("pk")).order_by(
            F("followers").desc(nulls_last=True), "pk"
        )
        return self.update(
            followers=Coalesce(Subquery(biggest.values("followers")[:1]), Value(0)),
            engagement_rate=Coalesce(
                Subquery(biggest.values("engagement_rate")[:1]), Value(Decimal("0"))
            ),
        )


def folded_display_name():
    """translate(lower(display_name), accented, plain): the name as searched without accents
    (influencers.normalisers.folding), indexed by creator_ws_name_folded."""
    return Func(
        Lower("display_name"),
        Value(ACCENTED),
        Value(PLAIN),
        function="translate",
        output_field=models.CharField(),
    )


class Creator(WorkspaceOwnedModel):
    """A person or channel in the pool."""

    Status = CreatorStatus
    objects = CreatorQuerySet.as_manager()

    display_name = models.CharField(_("name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=CreatorStatus.choices, default=CreatorStatus.PROSPECT
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="creators", verbose_name=_("tags"))
    agency = models.ForeignKey(
        "influencers.Agency",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="creators",
        verbose_name=_("agency"),
    )
    country = models.CharField(_("country"), max_length=2, blank=True, default="")
    # Which Amazon store the creator's audience buys from, when their country does not say it
    # (a creator living in Austria selling to Germany, a US creator with a UK audience). Blank:
    # the marketplace of their country (influencers.switchover.marketplaces).
    amazon_marketplace = models.CharField(
        _("Amazon marketplace"),
        max_length=2,
        choices=Marketplace.choices,
        blank=True,
        default="",
        db_default="",  # rows loaded with plain SQL (bulk loads, COPY) need no value
        help_text=_("Blank: the marketplace of the creator's country."),
    )
    language = models.CharField(
        _("main language"), max_length=16, blank=True, default="", help_text=_("e.g. en, es, zh")
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    consent_to_contact = models.BooleanField(_("consents to be contacted"), default=False)
    consent_amazon_links = models.BooleanField(_("consents to promote Amazon links"), default=False)
    # Consent is evidence: where it was given (or withdrawn) and when, so "why was this creator
    # written to?" has an answer. Set by the import's consent column and the consent action.
    consent_source = models.CharField(
        _("consent source"),
        max_length=200,
        blank=True,
        default="",
        db_default="",  # rows loaded with plain SQL (bulk loads, COPY) need no value
        help_text=_('Where the creator consented (or said no), e.g. "TikTok DM, 2026-12-01".'),
    )
    consent_recorded_at = models.DateTimeField(_("consent recorded"), null=True, blank=True)
    amazon_storefront_url = models.URLField(
        _("Amazon storefront URL"), max_length=500, blank=True, default=""
    )
    associates_tracking_id = models.CharField(
        _("Associates tracking ID"), max_length=64, blank=True, default=""
    )
    attribution_tag = models.CharField(
        _("Amazon Attribution tag"), max_length=128, blank=True, default=""
    )
    tiktok_shop_status = models.CharField(
        _("TikTok Shop affiliate status"),
        max_length=16,
        choices=TikTokShopStatus.choices,
        default=TikTokShopStatus.NONE,
    )
    remarks = models.TextField(_("remarks"), blank=True, default="")
    last_contacted_at = models.DateTimeField(_("last contacted"), null=True, blank=True)

    # Roll-ups: recomputed in SQL by services.rollups (on change, via Celery, and nightly) and
    # stored so the pool can be sorted and filtered by results at a million creators.
    rollup_collaborations = models.PositiveIntegerField(_("collaborations"), default=0)
    rollup_posts = models.PositiveIntegerField(_("posts"), default=0)
    rollup_views = models.PositiveBigIntegerField(_("views"), default=0)
    rollup_orders = models.PositiveBigIntegerField(_("orders"), default=0)
    rollup_gmv = models.DecimalField(_("GMV"), max_digits=14, decimal_places=2, default=0)
    rollup_cost = models.DecimalField(_("cost"), max_digits=14, decimal_places=2, default=0)
    rollup_roi = models.DecimalField(
        _("ROI"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    rollups_updated_at = models.DateTimeField(_("roll-ups updated"), null=True, blank=True)

    # Reach, denormalised from the platform accounts by the creator services so that filtering
    # and ordering a million creators by followers is an index scan, not a join + aggregate:
    # the biggest account's followers and that account's engagement rate.
    followers = models.PositiveBigIntegerField(_("followers (largest account)"), default=0)
    engagement_rate = models.DecimalField(
        _("engagement rate (%)"), max_digits=5, decimal_places=2, default=0
    )

    # Readiness for Amazon links on TikTok lives in its own table (CreatorReadiness, reached as
    # `creator.readiness`), so that rescoring the pool does not rewrite this wide row.

    history = HistoricalRecords(
        excluded_fields=[
            "rollups_updated_at",
            "updated_at",
            "followers",
            "engagement_rate",
        ]
    )

    class Meta:
        verbose_name = _("creator")
        verbose_name_plural = _("creators")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["workspace", "status", "id"], name="creator_ws_status_id"),
            models.Index(fields=["workspace", "country"], name="creator_ws_country"),
            models.Index(fields=["workspace", "language"], name="creator_ws_language"),
            models.Index(fields=["workspace", "tiktok_shop_status"], name="creator_ws_ttshop"),
            models.Index(
                fields=["workspace", "last_contacted_at", "id"], name="creator_ws_last_contact_id"
            ),
            models.Index(fields=["workspace", "rating"], name="creator_ws_rating"),
            models.Index(fields=["workspace", "associates_tracking_id"], name="creator_ws_assoc"),
            models.Index(fields=["workspace", "attribution_tag"], name="creator_ws_attr"),
            models.Index(fields=["workspace", "owner", "id"], name="creator_ws_owner_id"),
            # The list's sortable columns, each with the id that breaks ties in the same
            # direction (CreatorChangeList), so a sorted page is an index walk.
            models.Index(fields=["workspace", "display_name", "id"], name="creator_ws_name_id"),
            models.Index(fields=["workspace", "rollup_roi", "id"], name="creator_ws_roi_id"),
            models.Index(Lower("display_name"), name="creator_name_ci"),
            # Keyset (cursor) pagination orders by (column, id) within a workspace.
            models.Index(fields=["workspace", "followers", "id"], name="creator_ws_followers"),
            models.Index(
                fields=["workspace", "engagement_rate", "id"], name="creator_ws_engagement"
            ),
            models.Index(fields=["workspace", "created_at", "id"], name="creator_ws_created"),
            models.Index(fields=["workspace", "updated_at", "id"], name="creator_ws_updated"),
            models.Index(fields=["workspace", "rollup_gmv", "id"], name="creator_ws_gmv_id"),
            # Name prefix search also uses creator_name_prefix, (workspace, LOWER(display_name)
            # text_pattern_ops): created by raw SQL in migration 0002, so not listed here.
            # A search answers with creator ids (handles, emails, phones matched first); the
            # page then sorts those creators by the list's order. Covering the sort columns,
            # that is an index-only probe per id instead of a read of the wide row: 6 ms
            # instead of 140 ms for 1,300 matches at 1M creators (docs/performance.md).
            models.Index(
                fields=["id"],
                include=[
                    "workspace",
                    "created_at",
                    "updated_at",
                    "followers",
                    "engagement_rate",
                    "rollup_gmv",
                    "last_contacted_at",
                ],
                name="creator_id_sort_cover",
            ),
            # Names typed without their accents use creator_ws_name_folded, (workspace,
            # folded_display_name() text_pattern_ops): raw SQL in migration 0028.
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="creator_rating_1_5",
                violation_error_message=_("A rating is from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=Q(country="") | Q(country__regex=r"^[A-Z]{2}$"),
                name="creator_country_iso2",
                violation_error_message=_("A country is a two-letter code such as US or DE."),
            ),
            models.CheckConstraint(
                condition=Q(rollup_gmv__gte=0) & Q(rollup_cost__gte=0),
                name="creator_rollups_non_negative",
                violation_error_message=_("GMV and cost cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.display_name

    def clean(self):
        """Amazon IDs are checked where they are typed (admin; the API and the import use the
        same normalisers), not first when a switch-over builds the creator's link."""
        super().clean()
        errors = {}
        for field, normalise in (
            ("associates_tracking_id", normalise_tracking_id),
            ("attribution_tag", normalise_attribution_tag),
        ):
            if value := getattr(self, field):
                try:
                    setattr(self, field, normalise(value))
                except NormaliseError as exc:
                    errors[field] = str(exc.reason)
        if errors:
            raise ValidationError(errors)

    @property
    def is_do_not_contact(self) -> bool:
        return self.status == CreatorStatus.DO_NOT_CONTACT


class Platform(models.TextChoices):
    TIKTOK = "tiktok", "TikTok"
    INSTAGRAM = "instagram", "Instagram"
    YOUTUBE = "youtube", "YouTube"
    X = "x", "X"
    TWITCH = "twitch", "Twitch"
    LINKEDIN = "linkedin", "LinkedIn"
    AMAZON_STOREFRONT = "amazon", _("Amazon storefront")
    OTHER = "other", _("Other")


class PlatformAccount(WorkspaceOwnedModel):
    # Indexed by account_creator_platform (creator, platform).
    creator = models.ForeignKey(
        Creator,
        on_delete=models.CASCADE,
        related_name="accounts",
        verbose_name=_("creator"),
        db_index=False,
    )
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    handle = models.CharField(_("handle"), max_length=200)
    # Written by services from normalisers.normalise_handle: "@Jane.Doe", "jane.doe" and the
    # profile URL all become "jane.doe", which is what uniqueness is enforced on.
    handle_normalised = models.CharField(_("normalised handle"), max_length=100)
    url = models.URLField(_("profile URL"), max_length=500, blank=True, default="")
    followers = models.PositiveBigIntegerField(_("followers"), null=True, blank=True)
    average_views = models.PositiveBigIntegerField(_("average views"), null=True, blank=True)
    engagement_rate = models.DecimalField(
        _("engagement rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    last_synced_at = models.DateTimeField(_("last synced"), null=True, blank=True)

    class Meta:
        verbose_name = _("platform account")
        verbose_name_plural = _("platform accounts")
        ordering = ["platform", "handle_normalised"]
        constraints = [
            models.UniqueConstraint(
                "workspace",
                "platform",
                Lower("handle_normalised"),
                name="account_unique_handle_per_platform",
                violation_error_message=_("This handle is already in the pool for this platform."),
            ),
            models.CheckConstraint(
                condition=Q(engagement_rate__isnull=True)
                | Q(engagement_rate__gte=0, engagement_rate__lte=100),
                name="account_engagement_percent",
                violation_error_message=_("An engagement rate is a percentage from 0 to 100."),
            ),
            models.CheckConstraint(
                condition=~Q(handle_normalised=""),
                name="account_handle_not_empty",
                violation_error_message=_("A handle cannot be empty."),
            ),
        ]
        indexes = [
            # handle_normalised included: a search probes a creator's handles (an EXISTS per
            # creator walked) from the index alone.
            models.Index(
                fields=["creator", "platform"],
                include=["handle_normalised"],
                name="account_creator_platform",
            ),
            models.Index(
                fields=["workspace", "platform", "followers"], name="account_ws_followers"
            ),
            # Handle prefix search (LIKE 'abc%'): the workspace and creator come from the index
            # itself (index-only scan), so `@prefix` and name-or-handle search never read the
            # account heap.
            models.Index(
                fields=["handle_normalised"],
                name="account_handle_prefix_cov",
                opclasses=["varchar_pattern_ops"],
                include=["workspace", "creator"],
            ),
        ]

    def __str__(self):
        return f"{self.get_platform_display()} @{self.handle_normalised}"


class ContactMethod(WorkspaceOwnedModel):
    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")
        WHATSAPP = "whatsapp", "WhatsApp"
        WECHAT = "wechat", _("WeChat")
        LINE = "line", "LINE"
        AGENT = "agent", _("Agent / manager")
        OTHER = "other", _("Other")

    # Indexed by contact_unique_per_creator (creator, kind, value_normalised).
    creator = models.ForeignKey(
        Creator,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("creator"),
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    value = models.CharField(_("value"), max_length=254)
    # Lower-cased email or E.164 phone, used for duplicate detection and search. Looked up
    # with its workspace and kind (contact_ws_value) or its creator: a separate index on the
    # value (and its LIKE twin) cost an import ~2 s per 100,000 contacts and served no query.
    value_normalised = models.CharField(_("normalised value"), max_length=254)
    label = models.CharField(_("label"), max_length=100, blank=True, default="")
    is_primary = models.BooleanField(_("primary"), default=False)
    is_valid = models.BooleanField(_("validated"), default=True)
    consent = models.BooleanField(_("consent to use"), default=False)
    # Set when the contact is the creator's agency's (an MCN's shared inbox or phone), not the
    # creator's own: it reaches the creator, and it never makes two creators one person.
    agency = models.ForeignKey(
        "influencers.Agency",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("agency's contact"),
        help_text=_("This contact belongs to the creator's agency and is shared."),
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("contact method")
        verbose_name_plural = _("contact methods")
        ordering = ["-is_primary", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["creator", "kind"],
                condition=Q(is_primary=True),
                name="contact_one_primary_per_kind",
                violation_error_message=_(
                    "This creator already has a primary contact of this kind."
                ),
            ),
            models.UniqueConstraint(
                fields=["creator", "kind", "value_normalised"], name="contact_unique_per_creator"
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "kind", "value_normalised"], name="contact_ws_value"),
            # Search by the start of an email, and by its domain (the reversed value's start).
            # creator_id included: the matching creators are read from the index alone.
            models.Index(
                fields=["workspace", "kind", "value_normalised"],
                opclasses=["int8_ops", "text_ops", "varchar_pattern_ops"],
                include=["creator"],
                name="contact_ws_value_prefix",
            ),
            # An email's domain is searched as the start of the reversed value:
            # contact_ws_value_reversed, raw SQL in migration 0028.
        ]

    def __str__(self):
        return f"{self.kind}: {self.value}"
