"""The load test's ceiling: a Django view returning a constant, through the full middleware
stack of the same gunicorn, touching neither database nor cache. Served at /bench/ceiling
only with ``BENCH_CEILING=1`` (``PORTAL_BENCH_CEILING``); off by default."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def ceiling(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")
