from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .base import Currency, WorkspaceOwnedModel


class Marketplace(models.TextChoices):
    US = "US", _("Amazon.com (US)")
    CA = "CA", _("Amazon.ca (Canada)")
    MX = "MX", _("Amazon.com.mx (Mexico)")
    UK = "UK", _("Amazon.co.uk (UK)")
    DE = "DE", _("Amazon.de (Germany)")
    FR = "FR", _("Amazon.fr (France)")
    IT = "IT", _("Amazon.it (Italy)")
    ES = "ES", _("Amazon.es (Spain)")
    JP = "JP", _("Amazon.co.jp (Japan)")
    AU = "AU", _("Amazon.com.au (Australia)")


class Product(WorkspaceOwnedModel):
    asin = models.CharField(_("ASIN"), max_length=10)
    marketplace = models.CharField(
        _("marketplace"), max_length=2, choices=Marketplace.choices, default=Marketplace.US
    )
    title = models.CharField(_("title"), max_length=300, blank=True, default="")
    category = models.CharField(_("category"), max_length=120, blank=True, default="")
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2, null=True, blank=True)
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.USD
    )

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["asin"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "marketplace", "asin"], name="product_unique_asin"
            ),
            models.CheckConstraint(
                condition=Q(asin__regex=r"^[A-Z0-9]{10}$"),
                name="product_asin_format",
                violation_error_message=_(
                    "An ASIN is 10 capital letters or digits, e.g. B0C1234567."
                ),
            ),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gte=0),
                name="product_price_non_negative",
                violation_error_message=_("A price cannot be negative."),
            ),
        ]
        indexes = [models.Index(fields=["workspace", "category"], name="product_ws_category")]

    def __str__(self):
        # The marketplace is part of who the product is: one ASIN sold in three marketplaces
        # showed as three identical choices.
        return f"{self.asin} · {self.marketplace} {self.title}".strip()


class Campaign(WorkspaceOwnedModel):
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.USD
    )
    description = models.TextField(_("description"), blank=True, default="")

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="campaign_dates_in_order",
                violation_error_message=_("A campaign cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="campaign_budget_non_negative",
                violation_error_message=_("A budget cannot be negative."),
            ),
        ]
        indexes = [models.Index(fields=["workspace", "starts_on"], name="campaign_ws_starts")]

    def __str__(self):
        return self.name
