"""Shared set-up for the switch-over tests: a plan, eligible creators, a real SMTP server."""

import contextlib
import socket
from decimal import Decimal

from aiosmtpd.controller import Controller

from influencers.models import AmazonLinkSettings, SwitchoverMessage, SwitchoverPlan
from tests.factories import (
    ContactMethodFactory,
    CreatorFactory,
    PlatformAccountFactory,
    ProductFactory,
)


class Sink:
    """An aiosmtpd handler that keeps every message; `refuse` recipients get a 451 once."""

    def __init__(self, refuse=(), delay=0.0):
        self.messages = []
        self.refuse = set(refuse)
        self.delay = delay

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            self.refuse.discard(address)
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            import asyncio

            await asyncio.sleep(self.delay)
        self.messages.append((envelope.rcpt_tos[:], envelope.content.decode("utf8", "replace")))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_smtp(handler) -> Controller:
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller


@contextlib.contextmanager
def smtp_server(settings, sink: Sink):
    """A real SMTP server on loopback for the duration, Django's SMTP backend pointed at it,
    retries without backoff; yields the sink."""
    controller = start_smtp(sink)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.SWITCHOVER_RETRY_BACKOFF_SECONDS = 0
    try:
        yield sink
    finally:
        controller.stop()


def make_plan(workspace, **kw) -> SwitchoverPlan:
    AmazonLinkSettings.objects.get_or_create(
        workspace=workspace, defaults={"marketplaces": ["US"], "tracking_id_pattern": "{handle}-20"}
    )
    plan = SwitchoverPlan.objects.create(
        workspace=workspace, name="Day one", commission_rate=Decimal("12.5"), **kw
    )
    plan.products.add(ProductFactory(workspace=workspace, asin="B0TESTASIN", title="Lamp"))
    SwitchoverMessage.objects.create(
        plan=plan,
        language="en",
        subject="{{ brand }} x {{ name }}",
        body="Hi {{ name }}, promote {{ product }} for {{ commission }}: {{ link }}\n"
        "Answer: {{ answer_link }}\n{{ opt_out }}",
    )
    SwitchoverMessage.objects.create(
        plan=plan, language="es", subject="Hola {{ name }}", body="Enlace: {{ link }}"
    )
    return plan


def eligible(workspace, n, start=0, **kw):
    creators = []
    for i in range(start, start + n):
        creator = CreatorFactory(workspace=workspace, readiness__score=50 + i % 50, **kw)
        PlatformAccountFactory(
            creator=creator, handle=f"@maker.{i}", handle_normalised=f"maker.{i}"
        )
        ContactMethodFactory(
            creator=creator, value=f"maker{i}@example.com", value_normalised=f"maker{i}@example.com"
        )
        creators.append(creator)
    return creators


def sent_invitation(plan, creator, *, tag: str, language="en", marketplace="US", **kw):
    """An invitation as the launch leaves it once sent (link for `tag` in `marketplace`)."""
    from influencers.models import Invitation
    from influencers.switchover.links import DOMAINS

    return Invitation.objects.create(
        workspace=plan.workspace,
        plan=plan,
        creator=creator,
        status=Invitation.Status.SENT,
        email=f"{tag.removesuffix('-20')}@example.com",
        language=language,
        marketplace=marketplace,
        tracking_link=f"https://{DOMAINS[marketplace]}/dp/B0TESTASIN?tag={tag}",
        tracking_id=tag,
        **kw,
    )


def answer_path(plan_id: int, creator_id: int) -> str:
    """The answer link's path (the link's host is SWITCHOVER_PUBLIC_BASE_URL)."""
    from influencers.switchover.selection import answer_url

    return "/" + answer_url(plan_id, creator_id).split("://", 1)[1].split("/", 1)[1]
