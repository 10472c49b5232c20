from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal import pwa, views
from publishing.feeds import RegionAtomFeed, RegionRssFeed
from publishing.sitemaps import SITEMAPS
from publishing.views import home

api_patterns = [
    path("", include("regions.api.urls")),
    path("", include("publishing.api.urls")),
    path("", include("accounts.api.urls")),
    path("", include("hotline.api.urls")),
    path("", include("learning.api.urls")),
    path("", include("jobs.api.urls")),
    path("", include("activities.api.urls")),
    path("", include("datahub.api.urls")),
    path("", include("aid.api.urls")),
    path("", include("honours.api.urls")),
    path("", include("insights.api.urls")),
]

urlpatterns = [
    path("", home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("prefs/large-text/", views.large_text_toggle, name="large_text_toggle"),
    # The installable app; the worker at the root so that its scope is the whole site.
    path("manifest.webmanifest", pwa.manifest, name="pwa_manifest"),
    path("sw.js", pwa.service_worker, name="pwa_service_worker"),
    path("offline/", pwa.offline, name="pwa_offline"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: no inline <script> (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include(api_patterns)),
    path("auth/", include("allauth.urls")),
    # OpenID Connect provider: /.well-known/openid-configuration and jwks.json at the root,
    # the endpoints under /oidc/ (namespace "idp:oidc", as allauth expects).
    path("", include(("accounts.oidc", "idp"))),
    # >>> publishing: feeds and sitemap
    path("feeds/<str:code>/rss/", RegionRssFeed(), name="region-feed-rss"),
    path("feeds/<str:code>/atom/", RegionAtomFeed(), name="region-feed-atom"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    # <<< publishing
    path("", include("accounts.urls")),
    path("learning/", include("learning.urls")),
    path("hotline/", include("hotline.urls")),
    path("jobs/", include("jobs.urls")),
    path("activities/", include("activities.urls")),
    path("datahub/", include("datahub.urls")),
    path("aid/", include("aid.urls")),
    path("honours/", include("honours.urls")),
    path("insights/", include("insights.urls")),
    # Region pages own readable top-level paths (/hebei/langfang/), so they come last.
    path("", include("publishing.urls")),
]

if settings.DEBUG:
    urlpatterns.insert(0, path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))

if settings.PORTAL_BENCH_CEILING:  # load tests only (issue 10), off by default
    from portal.bench import ceiling

    urlpatterns.insert(0, path("bench/ceiling", ceiling, name="bench_ceiling"))

handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"
handler500 = "portal.views.error_500"
