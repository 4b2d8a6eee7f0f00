"""Who a plan would invite, ranked, and what each of them would receive."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.db.models import CharField, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from influencers.models import (
    AmazonLinkSettings,
    ContactMethod,
    Creator,
    CreatorStatus,
    Invitation,
    Marketplace,
    Platform,
    PlatformAccount,
    SwitchoverPlan,
)

from . import links, marketplaces, messages

ANSWER_SALT = "switchover.answer"


class Problem:
    NO_EMAIL = "no_email"
    NO_CONSENT = "no_consent"
    NO_TRACKING_ID = "no_tracking_id"
    NO_PRODUCT = "no_product"
    NO_MARKETPLACE = "no_marketplace_product"
    NO_MESSAGE = "no_message"
    TEMPLATE = "template_error"


def problem_label(code: str) -> str:
    """A dry run's problem code in words (the API keeps the codes)."""
    return {
        Problem.NO_EMAIL: _("No valid, consented email"),
        Problem.NO_CONSENT: _("Held back: has not consented to be contacted"),
        Problem.NO_TRACKING_ID: _("No valid Associates tracking ID"),
        Problem.NO_PRODUCT: _("The plan has no product"),
        Problem.NO_MARKETPLACE: _("No product in the creator's Amazon marketplace"),
        Problem.NO_MESSAGE: _("No message in a language the creator reads"),
        Problem.TEMPLATE: _("The message template has an error"),
    }.get(code, code)


def held_back_by_consent(plan: SwitchoverPlan) -> int:
    """Creators matching the plan who are not invited because they have not consented: the
    preview and the dry run both say it, from this one count."""
    return held_back_querysets(plan)[Problem.NO_CONSENT].count()


@dataclass
class Prepared:
    creator_id: int
    name: str
    readiness: int
    reasons: list
    email: str
    language: str
    handle: str
    # The creator has no consented email of their own: the invitation goes to this agency.
    via_agency: str = ""
    tracking_id: str = ""
    attribution_tag: str = ""
    marketplace: str = ""
    link: str = ""
    subject: str = ""
    body: str = ""
    problems: list[str] = field(default_factory=list)
    problem_texts: list[str] = field(default_factory=list)

    @property
    def sendable(self) -> bool:
        return not self.problems


def answer_token(plan_id: int, creator_id: int) -> str:
    """The same token whenever it is rendered (no timestamp in it), so the message the preview
    shows is the message sent, byte for byte. The link expires counted from the invitation's
    sending (influencers.views.answers)."""
    return signing.Signer(salt=ANSWER_SALT).sign(f"{plan_id}:{creator_id}")


def answer_url(plan_id: int, creator_id: int) -> str:
    path = reverse("switchover-answer", args=[answer_token(plan_id, creator_id)])
    return settings.SWITCHOVER_PUBLIC_BASE_URL.rstrip("/") + path


def _emails():
    return ContactMethod.objects.filter(
        creator=OuterRef("pk"), kind=ContactMethod.Kind.EMAIL, consent=True, is_valid=True
    ).order_by("-is_primary", "pk")


def criteria_queryset(plan: SwitchoverPlan):
    """Creators matching the plan's criteria, best first. Do-not-contact never matches."""
    # Best first walks the readiness row's (workspace, score, creator) index (with_readiness).
    qs = (
        Creator.objects.filter(workspace_id=plan.workspace_id)
        .with_readiness()
        .exclude(status=CreatorStatus.DO_NOT_CONTACT)
    )
    if plan.min_readiness:
        qs = qs.filter(readiness__score__gte=plan.min_readiness)
    if plan.min_followers:
        qs = qs.filter(followers__gte=plan.min_followers)
    if plan.countries:
        qs = qs.filter(country__in=[c.upper() for c in plan.countries])
    if plan.statuses:
        qs = qs.filter(status__in=plan.statuses)
    if plan.platforms:
        qs = qs.filter(
            Exists(
                PlatformAccount.objects.filter(creator=OuterRef("pk"), platform__in=plan.platforms)
            )
        )
    tag_ids = [t.pk for t in plan.tags.all()]
    if tag_ids:
        through = Creator.tags.through
        qs = qs.filter(
            Exists(through.objects.filter(creator_id=OuterRef("pk"), tag_id__in=tag_ids))
        )
    if plan.not_invited_days:
        since = timezone.now() - dt.timedelta(days=plan.not_invited_days)
        qs = qs.exclude(
            Exists(
                Invitation.objects.filter(creator=OuterRef("pk"), sent_at__gte=since).exclude(
                    plan_id=plan.pk
                )
            )
        )
    # A creator with no consented email of their own is reached through their agency's email
    # (agencies answer for the creators they manage); the preview says so.
    own_email = Subquery(_emails().values("value")[:1])
    return qs.annotate(
        own_email=own_email,
        invite_email=Coalesce(
            own_email, NullIf("agency__email", Value("")), output_field=CharField()
        ),
        agency_name=F("agency__name"),
        tiktok_handle=Subquery(
            PlatformAccount.objects.filter(creator=OuterRef("pk"), platform=Platform.TIKTOK)
            .order_by("-followers", "pk")
            .values("handle_normalised")[:1]
        ),
    ).order_by("-readiness__score", "pk")


def _reachable() -> Q:
    """Has a valid, consented email of their own, or an agency's email to be reached through."""
    return Q(
        Exists(
            ContactMethod.objects.filter(
                creator=OuterRef("pk"),
                kind=ContactMethod.Kind.EMAIL,
                consent=True,
                is_valid=True,
            )
        )
    ) | Q(agency__email__gt="")


def launch_queryset(plan: SwitchoverPlan):
    """What a launch invites: matching creators who consented and have a consented email."""
    return criteria_queryset(plan).filter(consent_to_contact=True).filter(_reachable())


def held_back_querysets(plan: SwitchoverPlan) -> dict:
    """{problem code: matching creators} for those a launch never reads (filtered in SQL)."""
    matching = criteria_queryset(plan)
    return {
        Problem.NO_CONSENT: matching.filter(consent_to_contact=False),
        Problem.NO_EMAIL: matching.filter(consent_to_contact=True).exclude(_reachable()),
    }


COLUMNS = (
    "pk",
    "display_name",
    "readiness__score",
    "readiness__reasons",
    "language",
    "consent_to_contact",
    "associates_tracking_id",
    "invite_email",
    "own_email",
    "agency_name",
    "tiktok_handle",
    "country",
    "amazon_marketplace",
)


class Preparer:
    """Renders the exact message and link for creators of one plan (loads the plan's
    settings, products and templates once)."""

    def __init__(self, plan: SwitchoverPlan):
        self.plan = plan
        self.settings = AmazonLinkSettings.objects.filter(workspace_id=plan.workspace_id).first()
        self.products = list(plan.products.order_by("pk"))
        self.templates = {m.language: m for m in plan.messages.all()}
        self.brand = plan.workspace.name

    def template_for(self, language: str):
        lang = (language or "").lower()
        return (
            self.templates.get(lang)
            or self.templates.get(lang.split("-")[0])
            or self.templates.get(self.plan.default_language)
            or next(iter(self.templates.values()), None)
        )

    def prepare(self, row: dict) -> Prepared:
        p = Prepared(
            creator_id=row["pk"],
            name=row["display_name"],
            readiness=row["readiness__score"],
            reasons=row["readiness__reasons"],
            email=row["invite_email"] or "",
            language=(row["language"] or self.plan.default_language or "en").lower(),
            handle=row["tiktok_handle"] or "",
            via_agency=(row["agency_name"] or "")
            if row["invite_email"] and not row["own_email"]
            else "",
        )
        if not row["consent_to_contact"]:
            p.problems.append(Problem.NO_CONSENT)
            p.problem_texts.append(_("has not consented to be contacted"))
        if not p.email:
            p.problems.append(Problem.NO_EMAIL)
            p.problem_texts.append(_("no valid, consented email"))
        if not self.products:
            p.problems.append(Problem.NO_PRODUCT)
            p.problem_texts.append(_("the plan has no product"))
            return p
        products, marketplace = marketplaces.pick_products(
            self.products,
            marketplaces.creator_marketplace(
                country=row.get("country", ""), explicit=row.get("amazon_marketplace", "")
            ),
        )
        if not products:
            p.problems.append(Problem.NO_MARKETPLACE)
            if marketplace:
                p.problem_texts.append(
                    _("the plan has no product in %(marketplace)s, the creator's marketplace")
                    % {"marketplace": Marketplace(marketplace).label}
                )
            else:
                p.problem_texts.append(
                    _(
                        "the plan sells in several marketplaces and the creator's is unknown: "
                        "set their country or Amazon marketplace"
                    )
                )
            return p
        settings_ = self.settings
        product = products[0]
        try:
            p.tracking_id = links.tracking_id(
                pattern=settings_.tracking_id_pattern if settings_ else "{handle}-20",
                handle=p.handle,
                creator_id=p.creator_id,
                store_id=settings_.store_id if settings_ else "",
                own_tracking_id=row["associates_tracking_id"],
            )
            p.marketplace = product.marketplace
            p.link = links.amazon_link(
                asin=product.asin,
                marketplace=product.marketplace,
                tag=p.tracking_id,
                marketplaces=(settings_.marketplaces if settings_ else ()),
            )
            p.attribution_tag = links.attribution_tag(
                template=settings_.attribution_tag_template if settings_ else "",
                handle=p.handle,
                creator_id=p.creator_id,
            )
        except links.LinkError as exc:
            p.problems.append(Problem.NO_TRACKING_ID)
            p.problem_texts.append(" ".join(exc.messages))
            return p
        template = self.template_for(p.language)
        if template is None:
            p.problems.append(Problem.NO_MESSAGE)
            p.problem_texts.append(_("the plan has no message"))
            return p
        with translation.override(template.language):
            opt_out = _(
                "Not interested? Use the link above to decline and we will not write about "
                "this again."
            )
        answer_link = answer_url(self.plan.pk, p.creator_id)
        rendered = messages.render(
            subject=template.subject,
            body=template.body,
            fields={
                "name": p.name,
                "product": product.title or product.asin,
                "asin": product.asin,
                "link": p.link,
                "commission": f"{self.plan.commission_rate.normalize():f}%",
                "answer_link": answer_link,
                "opt_out": opt_out,
                "brand": self.brand,
            },
        )
        if rendered.error:
            p.problems.append(Problem.TEMPLATE)
            p.problem_texts.append(rendered.error)
        else:
            with translation.override(template.language):
                rendered.body += messages.footer(
                    subject=template.subject,
                    body=template.body,
                    answer_link=answer_link,
                    opt_out=opt_out,
                )
        p.subject, p.body = rendered.subject, rendered.body
        p.language = template.language
        return p


def preview(plan: SwitchoverPlan, *, limit: int | None = None) -> list[Prepared]:
    """The ranked shortlist (criteria matches, capped at the plan's maximum) with the exact
    message and link each would get, and the problems that would keep one from being sent."""
    cap = plan.max_invitations if limit is None else min(limit, plan.max_invitations)
    preparer = Preparer(plan)
    rows = criteria_queryset(plan).values(*COLUMNS)[:cap]
    return [preparer.prepare(r) for r in rows]


class SkipReport:
    """Who was left out and why: a count per problem code and the first few creators. The
    dry run keeps each example's problems in words (the page shows them now); a launch keeps
    codes (SwitchoverPlan.launch_report, put in words by whoever reads it later)."""

    EXAMPLES = 50

    def __init__(self, *, words: bool = False):
        self.words = words
        self.problems: dict[str, int] = {}
        self.examples: list[dict] = []

    def add(self, prepared: Prepared) -> None:
        for code in prepared.problems:
            self.problems[code] = self.problems.get(code, 0) + 1
        if len(self.examples) < self.EXAMPLES:
            self.examples.append(
                {
                    "creator": prepared.creator_id,
                    "name": prepared.name,
                    "problems": prepared.problem_texts if self.words else prepared.problems,
                }
            )

    def add_held_back(self, plan: SwitchoverPlan) -> None:
        """The creators a launch never reads (filtered in SQL): a count and a few names each."""
        for code, queryset in held_back_querysets(plan).items():
            n = queryset.count()
            if not n:
                continue
            self.problems[code] = self.problems.get(code, 0) + n
            room = self.EXAMPLES - len(self.examples)
            if room > 0:
                for pk, name in queryset.values_list("pk", "display_name")[: min(room, 20)]:
                    self.examples.append({"creator": pk, "name": name, "problems": [code]})

    def as_json(self) -> dict:
        return {
            "at": timezone.now().isoformat(),
            "problems": self.problems,
            "examples": self.examples,
        }


def dry_run(plan: SwitchoverPlan) -> dict:
    """Everything a launch would do except writing and sending: counts and problems."""
    preparer = Preparer(plan)
    report = SkipReport(words=True)
    matched = would_send = 0
    for row in criteria_queryset(plan).values(*COLUMNS).iterator(chunk_size=2000):
        matched += 1
        prepared = preparer.prepare(row)
        if not prepared.sendable:
            report.add(prepared)
        elif would_send < plan.max_invitations:
            would_send += 1
    already = plan.invitations.exclude(status=Invitation.Status.DRAFTED).count()
    return {
        "held_back_by_consent": report.problems.get(Problem.NO_CONSENT, 0),
        "matched": matched,
        "would_send": would_send,
        "already_invited": already,
        "capped_at": plan.max_invitations,
        "problems": report.problems,
        "examples": report.examples,
    }
