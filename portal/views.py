from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from portal import health

LARGE_TEXT_COOKIE = "large_text"
ONE_YEAR = 365 * 24 * 3600


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = health.run_checks()
    down = sorted(name for name, result in checks.items() if result["status"] != "up")
    body = {
        "status": "down" if down else "up",
        "down": down,
        "checks": checks,
        "details": health.run_details(),
    }
    return JsonResponse(body, status=503 if down else 200)


def _safe_next(request: HttpRequest, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or fallback
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_POST
def large_text_toggle(request: HttpRequest):
    """Switch the 大字版 (large type, high contrast) on or off; a cookie remembers it."""
    response = redirect(_safe_next(request))
    if request.COOKIES.get(LARGE_TEXT_COOKIE) == "1":
        response.delete_cookie(LARGE_TEXT_COOKIE, samesite="Lax")
    else:
        response.set_cookie(LARGE_TEXT_COOKIE, "1", max_age=ONE_YEAR, samesite="Lax", httponly=True)
    return response


def error_403(request: HttpRequest, exception=None):
    return render(request, "403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = ""):
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception=None):
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest):
    # Render without context processors: whatever broke may be what they would call.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render({}))
