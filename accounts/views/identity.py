"""Member pages of the identity area: 实名认证, the member card, the wallet, and the public
verification page."""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.identity_forms import CredentialVerifyForm, IdentityVerifyForm
from accounts.models import Credential
from accounts.selectors.identity import identity_for_user
from accounts.selectors.wallet import (
    credential_get_for_user,
    credential_list_for_user,
    member_card_for_user,
)
from accounts.services.identity import identity_id_number_reveal, identity_verify
from accounts.tokens import credential_token_issue, credential_token_verify

#: The page asks for a fresh QR well before the token (CARD_TOKEN_TTL_SECONDS) expires.
QR_REFRESH_SECONDS = 60


def _private(response: HttpResponse) -> HttpResponse:
    # Pages with personal data or a live QR must not be cached by browsers or proxies.
    add_never_cache_headers(response)
    response["Cache-Control"] += ", private"
    return response


def _membership_apply_url() -> str | None:
    try:
        return reverse("accounts:membership_apply")
    except NoReverseMatch:
        return None


def _page_url(credential: Credential) -> str:
    if credential.kind == Credential.Kind.MEMBER_CARD:
        return reverse("accounts:card")
    return reverse("accounts:wallet_detail", args=[credential.serial])


def _qr_context(request: HttpRequest, credential: Credential) -> dict:
    """A fresh token and its QR (an inline SVG drawn here, no script or CDN needed)."""
    context = {
        "credential": credential,
        "page_url": _page_url(credential),
        "refresh_seconds": QR_REFRESH_SECONDS,
    }
    if credential.is_revoked or credential.is_expired():
        return context
    issued = credential_token_issue(credential=credential)
    verify_url = request.build_absolute_uri(
        reverse("accounts:credential_verify") + "?" + urlencode({"t": issued.token})
    )
    context.update(
        token=issued.token,
        token_expires_at=issued.expires_at,
        qr_svg=segno.make(verify_url, error="m").svg_inline(
            scale=4, omitsize=True, title=_("凭证二维码")
        ),
    )
    return context


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_http_methods(["GET", "POST"])
def identity_detail(request: HttpRequest) -> HttpResponse:
    """实名认证 form, or the verified identity (number masked)."""
    identity = identity_for_user(user=request.user)
    form = None
    if identity is None:
        form = IdentityVerifyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                identity_verify(
                    user=request.user,
                    real_name=form.cleaned_data["real_name"],
                    id_number=form.cleaned_data["id_number"],
                    consent=form.cleaned_data["consent"],
                    request=request,
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("实名认证成功，您的会员号已生成。"))
                return redirect("accounts:identity")
    elif request.method == "POST":
        return redirect("accounts:identity")
    return _private(
        render(
            request,
            "accounts/identity_detail.html",
            {
                "identity": identity,
                "form": form,
                "consent_version": settings.PORTAL_CONSENT_VERSIONS["id_number"],
            },
        )
    )


@login_required
@require_POST
def identity_reveal(request: HttpRequest) -> HttpResponse:
    """The owner's own full number, shown once on this response (never stored in a URL)."""
    identity = identity_for_user(user=request.user)
    if identity is None:
        raise Http404
    number = identity_id_number_reveal(identity=identity, viewer=request.user, request=request)
    return _private(
        render(
            request,
            "accounts/identity_detail.html",
            {"identity": identity, "form": None, "revealed_number": number},
        )
    )


@login_required
@require_GET
def card_detail(request: HttpRequest) -> HttpResponse:
    """The electronic member card with a live QR, or why there is none yet."""
    state = member_card_for_user(user=request.user)
    context = {
        "identity": identity_for_user(user=request.user),
        "membership": state.membership,
        "card": state.card,
        "membership_apply_url": _membership_apply_url(),
    }
    if state.card is not None:
        context.update(_qr_context(request, state.card))
    return _private(render(request, "accounts/card_detail.html", context))


@login_required
@require_GET
def wallet_list(request: HttpRequest) -> HttpResponse:
    return _private(
        render(
            request,
            "accounts/wallet_list.html",
            {"credentials": credential_list_for_user(user=request.user)},
        )
    )


@login_required
@require_GET
def wallet_detail(request: HttpRequest, serial: str) -> HttpResponse:
    credential = credential_get_for_user(user=request.user, serial=serial)
    return _private(
        render(request, "accounts/wallet_detail.html", _qr_context(request, credential))
    )


@login_required
@require_GET
def credential_qr(request: HttpRequest, serial: str) -> HttpResponse:
    """The QR fragment alone, polled by htmx so the code never expires on screen."""
    credential = credential_get_for_user(user=request.user, serial=serial)
    return _private(
        render(request, "accounts/credential_qr.html", _qr_context(request, credential))
    )


@require_GET
def credential_verify(request: HttpRequest) -> HttpResponse:
    """Public: what a scanned QR proves (masked name, union, card, status)."""
    form = CredentialVerifyForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        result = credential_token_verify(token=form.cleaned_data["t"])
    response = render(request, "accounts/credential_verify.html", {"form": form, "result": result})
    response["X-Robots-Tag"] = "noindex"
    return _private(response)
