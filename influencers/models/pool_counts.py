from django.db import models
from django.utils.translation import gettext_lazy as _

from .creator import CreatorStatus


class PoolDailyCount(models.Model):
    """How many creators a workspace had in each status on a day, and how many were ready.

    The pool's history for the home dashboard's charts ("pool by status over time", "ready for
    the switch, week by week"). Written once a day per workspace by a beat task, set-based and
    idempotent (a second run the same day overwrites that day's rows); the statuses of the past
    cannot be read back from the creator rows, which only know today's.
    """

    workspace = models.ForeignKey(
        "influencers.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("day"))
    status = models.CharField(_("status"), max_length=20, choices=CreatorStatus.choices)
    creators = models.PositiveIntegerField(_("creators"), default=0)
    ready = models.PositiveIntegerField(_("ready for the switch"), default=0)

    class Meta:
        verbose_name = _("pool daily count")
        verbose_name_plural = _("pool daily counts")
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "day", "status"], name="pool_count_unique_day"
            )
        ]

    def __str__(self):
        return f"{self.day} {self.status}: {self.creators}"
