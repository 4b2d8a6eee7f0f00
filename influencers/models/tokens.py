import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TimeStampedModel

TOKEN_PREFIX_LENGTH = 12


def hash_token_secret(raw: str) -> str:
    """sha256 of the whole token: a random 256-bit secret needs no slow password hash."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(TimeStampedModel):
    """A personal API token: acts as `user` inside exactly one `workspace`.

    Only the sha256 of the secret is stored; `prefix` (the first characters of the token, not
    secret on their own) lets people tell their tokens apart in lists and logs.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    workspace = models.ForeignKey(
        "influencers.Workspace",
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("workspace"),
    )
    name = models.CharField(_("name"), max_length=100, blank=True, default="")
    prefix = models.CharField(_("prefix"), max_length=TOKEN_PREFIX_LENGTH, db_index=True)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # Chosen at creation (default API_TOKEN_DEFAULT_DAYS); null: never expires.
    expires_at = models.DateTimeField(
        _("expires"), null=True, blank=True, help_text=_("Blank: never expires.")
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "workspace"], name="apitoken_user_ws")]

    def __str__(self):
        return f"{self.name or self.prefix} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        from django.utils import timezone

        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired
