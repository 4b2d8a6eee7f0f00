from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InfluencersConfig(AppConfig):
    name = "influencers"
    verbose_name = _("Influencer pool")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Register the tasks with Celery in every process (web, worker, tests): services queue
        # them by name through influencers.background, never by importing them.
        import influencers.checks  # noqa: F401
        import influencers.tasks  # noqa: F401
        from influencers.services.readiness import connect_signals

        connect_signals()
