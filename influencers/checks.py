"""System checks for what `check --deploy` cannot know from Django's own settings."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register

_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", ""}


@register(Tags.security, deploy=True)
def public_base_url(app_configs, **kwargs):
    """Answer links in invitations are built from SWITCHOVER_PUBLIC_BASE_URL: on a server it
    must be the site's public https address, or every creator gets a link that goes nowhere."""
    url = urlsplit(settings.SWITCHOVER_PUBLIC_BASE_URL)
    if url.scheme == "https" and url.hostname not in _LOCAL_HOSTS:
        return []
    return [
        Warning(
            f"SWITCHOVER_PUBLIC_BASE_URL is {settings.SWITCHOVER_PUBLIC_BASE_URL!r}: the answer "
            "links in invitations would not reach creators.",
            hint="Set SWITCHOVER_PUBLIC_BASE_URL to the site's public https address, "
            "e.g. https://pool.example.com.",
            id="influencers.W001",
        )
    ]
