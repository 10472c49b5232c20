from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("活动福利")

    def ready(self) -> None:
        # Personal data export (PIPL) and cache invalidation of the region pages' block.
        from activities import signals  # noqa: F401
        from activities.selectors import privacy  # noqa: F401
