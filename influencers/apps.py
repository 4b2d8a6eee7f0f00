from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class InfluencersConfig(AppConfig):
    name = "influencers"
    verbose_name = _("Influencer pool")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from influencers.models.readiness import ensure_readiness_trigger
        from influencers.services.readiness import connect_signals

        connect_signals()
        post_migrate.connect(
            ensure_readiness_trigger, sender=self, dispatch_uid="influencers_readiness_trigger"
        )
