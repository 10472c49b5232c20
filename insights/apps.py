from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "insights"
    verbose_name = _("数智中台")

    def ready(self) -> None:
        # Each domain module registers its indicators into insights.registry on import.
        from insights import indicators  # noqa: F401
