from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "hotline"
    verbose_name = _("12351 热线")

    def ready(self) -> None:
        from accounts.selectors.privacy import register_personal_data_exporter
        from hotline import signals  # noqa: F401 - connects the calendar's cache invalidation
        from hotline.selectors import hotline_personal_data

        register_personal_data_exporter("hotline")(hotline_personal_data)
