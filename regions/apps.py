from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = _("地区")

    def ready(self) -> None:
        from core.pagecache import pagecache_vary_on
        from regions import signals  # noqa: F401 - connects the cache invalidation
        from regions.current import current_region_code

        # An anonymous visitor's cached page is the one for the region they chose.
        pagecache_vary_on("region", current_region_code)
