"""The consent gate's page: members who never agreed online (imported from a union roster),
or whose consent predates the current privacy policy, agree here before anything else
(``accounts.middleware.ConsentGateMiddleware`` sends them)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.auth_forms import ConsentGateForm
from accounts.selectors.privacy import consent_gate_state
from accounts.services.privacy import consent_gate_accept
from accounts.views.auth import _safe_next
from core.audit import client_ip


def _next_url(request: HttpRequest, value: str | None) -> str:
    url = _safe_next(request, value)
    # The gate's own page as "next" would send the member round in a circle.
    if not url or url.split("?", 1)[0] == reverse("accounts:consent"):
        return resolve_url(settings.LOGIN_REDIRECT_URL)
    return url


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def consent_required(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request, request.POST.get("next") or request.GET.get("next"))
    state = consent_gate_state(user=request.user)
    if not state.needs_privacy_consent:
        return redirect(next_url)
    form = ConsentGateForm(
        request.POST or None,
        ask_id_number=state.ask_id_number,
        initial={"next": next_url},
    )
    if request.method == "POST" and form.is_valid():
        try:
            consent_gate_accept(
                user=request.user,
                id_number=form.cleaned_data.get("id_number", False),
                ip_address=client_ip(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("感谢您的确认，欢迎继续使用职工之家。"))
            return redirect(next_url)
    return render(
        request,
        "accounts/consent_required.html",
        {"form": form, "state": state, "next": next_url},
    )
