from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = _("地区")

    def ready(self) -> None:
        from regions import signals  # noqa: F401 - connects the cache invalidation
