from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalSiteConfig(AppConfig):
    """The composition root: settings, root URLs, the Celery app, ``seed_demo`` and the scale
    tooling. It may import every app; nothing below it imports it (docs/architecture.md)."""

    name = "portal"
    label = "portal_site"
    verbose_name = _("门户站点")

    def ready(self) -> None:
        from core.pagecache import pagecache_vary_on
        from portal.views import LARGE_TEXT_COOKIE

        # 大字版 changes every page's markup: a cached page is kept per choice.
        pagecache_vary_on("large_text", lambda request: request.COOKIES.get(LARGE_TEXT_COOKIE, ""))
