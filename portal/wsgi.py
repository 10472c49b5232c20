import gc
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

# What django.core.wsgi.get_wsgi_application does, with the handler resolving URLs through
# core.resolve's memo (issue 19).
django.setup(set_prefix=False)

from core.resolve import PortalWSGIHandler  # noqa: E402 - after setup, as Django's own

application = PortalWSGIHandler()


def _warm() -> None:
    """Import every view (the URLconf loads lazily, on a worker's first request) and compile
    the shared templates once in the importing process. Under gunicorn's ``preload_app`` that
    is the master, so each worker forked from it, also one recycled after ``max_requests``,
    serves its first requests warm. Opens no database or cache connection (none may cross
    a fork). Then freezes the loaded objects out of the garbage collector's reach."""
    from django.template.loader import get_template
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - the import is the point
    for name in ("base.html", "404.html", "500.html"):
        try:
            get_template(name)
        except Exception:  # noqa: BLE001, S112 - a missing optional template warms nothing
            continue
    # Everything loaded so far lives as long as the process: keep it out of the collector's
    # scans (a full collection walks every object; the forked workers share these pages).
    gc.freeze()


_warm()
