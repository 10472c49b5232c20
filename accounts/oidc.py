"""One identity across platforms: the OpenID Connect provider built on ``allauth.idp.oidc``.

Other union platforms (a city union's app, the national platform) sign members in with this
identity through the authorization code flow. Everything specific to this portal lives here:

* ``OIDCAdapter`` (``settings.IDP_OIDC_ADAPTER``): the claims (``member_id``,
  ``phone_number``, ``name``, the member's union), Chinese scope descriptions, the server
  metadata, the issuer and the signing key (``OIDC_PRIVATE_KEY``; the keys it replaced,
  ``OIDC_PREVIOUS_PRIVATE_KEYS``, stay in the JWKS but never sign).
* ``OIDCAuthorizationView``: allauth's authorize endpoint, but PKCE with S256 is required of
  every client, confidential ones included (allauth requires it of public clients only).
* ``oidc_client_register`` / ``oidc_client_secret_rotate``: the one write path for clients,
  used by the admin, the demo data and the tests.
* ``urlpatterns``: the discovery document and JWKS at the site root
  (``/.well-known/…``), everything else under ``/oidc/``. Included from ``portal/urls.py``
  under the ``idp`` namespace, so allauth's own ``reverse("idp:oidc:…")`` calls resolve.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from http import HTTPStatus
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlencode, urlsplit, urlunsplit

from allauth.core.internal import jwkkit
from allauth.idp.oidc import views as idp_views
from allauth.idp.oidc.adapter import DefaultOIDCAdapter
from allauth.idp.oidc.internal.oauthlib.server import get_server
from allauth.idp.oidc.internal.oauthlib.utils import extract_params
from allauth.idp.oidc.models import Client, PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_deny
from django.views.decorators.csrf import csrf_exempt
from oauthlib.oauth2.rfc6749 import errors as oauth_errors

from accounts.models import Membership

#: Scopes a client may be granted, and what the member is told each one shares.
SCOPE_DISPLAY: dict[str, Any] = {
    "openid": gettext_lazy("确认您是职工之家·河北的用户（不含个人信息）"),
    "profile": gettext_lazy("您的称呼（显示名）"),
    "phone": gettext_lazy("您的手机号"),
    "member": gettext_lazy("您的永久会员号和当前所属工会"),
}
SUPPORTED_SCOPES = tuple(SCOPE_DISPLAY)
CLAIMS_SUPPORTED = [
    "sub",
    "iss",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "name",
    "phone_number",
    "phone_number_verified",
    "member_id",
    "union",
]
#: Only the code flow (and refreshing its tokens) is offered.
CLIENT_GRANT_TYPES = (Client.GrantType.AUTHORIZATION_CODE, Client.GrantType.REFRESH_TOKEN)

# The token endpoint's error_description must be ASCII (RFC 6749 §5.2), so it is English;
# the member never sees it: it is for the developer of the client.
PKCE_REQUIRED_DESCRIPTION = (
    "PKCE is required: send code_challenge with code_challenge_method=S256 "
    "('plain' is not accepted)."
)


# --- Adapter ------------------------------------------------------------------------------


def _key_problem(variable: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"{variable} is not an RSA private key in PEM format "
        "(generate one with: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048)."
    )


def _development_key(path: Path) -> str:
    """The DEBUG-only signing key: generated once into ``var/`` and reused, so ID tokens a
    local client holds stay verifiable across restarts. Never used outside DEBUG."""
    try:
        return path.read_text()
    except FileNotFoundError:
        pass
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    pem = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another process generated it first: use theirs.
        return path.read_text()
    with os.fdopen(fd, "w") as handle:
        handle.write(pem)
    return pem


_checked_pems: set[str] = set()


class OIDCAdapter(DefaultOIDCAdapter):
    """The portal's answers to allauth's OIDC questions (``settings.IDP_OIDC_ADAPTER``)."""

    scope_display = SCOPE_DISPLAY

    def get_issuer(self) -> str:
        # Behind a proxy the request's host may differ from the public one; the issuer must
        # not, or clients reject every token.
        configured = getattr(settings, "OIDC_ISSUER", "")
        return configured.rstrip("/") if configured else super().get_issuer()

    def list_private_keys(
        self,
        *,
        did_activate: Literal[True] | None = None,
        is_active: Literal[True] | None = None,
    ) -> list[PrivateKey]:
        """The current key (``OIDC_PRIVATE_KEY``) and the previous ones
        (``OIDC_PREVIOUS_PRIVATE_KEYS``): all are published in the JWKS and verify tokens."""
        keys = super().list_private_keys(did_activate=did_activate, is_active=is_active)
        current = settings.IDP_OIDC_PRIVATE_KEY
        if not current:
            if not settings.DEBUG:
                raise ImproperlyConfigured(
                    "OIDC_PRIVATE_KEY must be set when DEBUG is off: the OpenID Connect "
                    "provider signs ID tokens with it (an RSA private key in PEM format)."
                )
            if keys:
                # A previous key must never become the signing one by default.
                raise ImproperlyConfigured(
                    "OIDC_PREVIOUS_PRIVATE_KEYS is set but OIDC_PRIVATE_KEY is not: previous "
                    "keys only verify, the current key signs."
                )
            keys = [PrivateKey(pem=_development_key(Path(settings.OIDC_DEV_KEY_FILE)))]
        for key in keys:
            if key.pem not in _checked_pems:
                try:
                    jwkkit.load_pem(key.pem)
                except (ValueError, TypeError) as exc:
                    previous = current and key.pem != current
                    variable = "OIDC_PREVIOUS_PRIVATE_KEYS" if previous else "OIDC_PRIVATE_KEY"
                    raise _key_problem(variable) from exc
                _checked_pems.add(key.pem)
        return keys

    def get_signing_key(self) -> PrivateKey:
        # allauth signs with the most recently issued key, and keys from settings carry no
        # date, so it could pick a previous one: the current key is named explicitly.
        current = settings.IDP_OIDC_PRIVATE_KEY
        for key in self.list_private_keys(did_activate=True, is_active=True):
            if current and key.pem == current:
                return key
        return super().get_signing_key()

    def get_claims(
        self,
        purpose: Literal["id_token", "userinfo"],
        user: Any,
        client: Client,
        scopes: Iterable[str],
        email: str | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """``sub`` always (the user's primary key: stable, never reused, reveals nothing);
        ``name`` with ``profile``, ``phone_number`` with ``phone``, ``member_id`` and
        ``union`` with ``member``. A claim without a value is left out (OIDC Core 5.3.2)."""
        scopes = set(scopes)
        claims: dict[str, Any] = {"sub": self.get_user_sub(client, user)}
        if "profile" in scopes:
            name = user.display_name or user.masked_phone
            if name:
                claims["name"] = name
        if "phone" in scopes and user.phone and not user.is_closed:
            claims["phone_number"] = f"+86{user.phone}"
            claims["phone_number_verified"] = user.phone_verified_at is not None
        if "member" in scopes:
            claims.update(oidc_member_claims(user=user))
        return claims

    def populate_server_metadata(self, data: dict[str, Any]) -> None:
        data["scopes_supported"] = list(SUPPORTED_SCOPES)
        data["claims_supported"] = CLAIMS_SUPPORTED
        data["response_types_supported"] = ["code"]
        data["grant_types_supported"] = [str(grant) for grant in CLIENT_GRANT_TYPES]
        data["code_challenge_methods_supported"] = ["S256"]
        data["ui_locales_supported"] = ["zh-CN"]
        data["claims_locales_supported"] = ["zh-CN"]
        # The device flow is not offered to any client (see CLIENT_GRANT_TYPES).
        data.pop("device_authorization_endpoint", None)


def oidc_member_claims(*, user: Any) -> dict[str, str]:
    """The ``member`` scope's claims: the permanent member ID once the member verified
    their real name, and the name of the union of their active membership, if any."""
    claims: dict[str, str] = {}
    identity = getattr(user, "identity", None) if user.pk else None
    if identity is not None and identity.member_id:
        claims["member_id"] = identity.member_id
    membership = (
        Membership.objects.filter(user=user, status=Membership.Status.ACTIVE)
        .select_related("organization")
        .only("organization__name")
        .first()
    )
    if membership is not None:
        claims["union"] = membership.organization.name
    return claims


# --- Clients: the one write path ----------------------------------------------------------


def _redirect_uri_problem(uri: str) -> str | None:
    parts = urlsplit(uri)
    if parts.scheme in {"http", "https"}:
        try:
            URLValidator(schemes=["http", "https"])(uri)
        except ValidationError:
            return _("回调地址“%(uri)s”不是有效的网址。") % {"uri": uri}
        if parts.fragment:
            return _("回调地址“%(uri)s”不能带“#”片段。") % {"uri": uri}
        loopback = parts.hostname in {"127.0.0.1", "localhost", "::1"}
        if parts.scheme == "http" and not loopback:
            return _("回调地址“%(uri)s”必须使用 https（本机调试地址除外）。") % {"uri": uri}
        return None
    # A native app's private-use scheme (RFC 8252 §7.1), e.g. cn.gov.hebei.lf.app:/callback.
    if "." in parts.scheme:
        return None
    return _("回调地址“%(uri)s”必须是 https 网址或 App 的私有协议地址。") % {"uri": uri}


def oidc_client_validate(
    *, name: str, client_type: str, redirect_uris: list[str], scopes: list[str]
) -> None:
    """Raise ``ValidationError`` (Chinese, per field) unless these settings make a usable
    client of this provider: a name, a known type, at least one valid redirect URI and
    only supported scopes, ``openid`` among them."""
    problems: dict[str, list[str]] = {}
    if not name.strip():
        problems.setdefault("name", []).append(_("请填写客户端名称。"))
    if client_type not in Client.Type.values:
        problems.setdefault("type", []).append(_("客户端类型只能是“机密”或“公开”。"))
    if not redirect_uris:
        problems.setdefault("redirect_uris", []).append(_("请至少填写一个回调地址。"))
    for uri in redirect_uris:
        problem = _redirect_uri_problem(uri)
        if problem:
            problems.setdefault("redirect_uris", []).append(problem)
    unknown = [scope for scope in scopes if scope not in SUPPORTED_SCOPES]
    if unknown:
        problems.setdefault("scopes", []).append(
            _("不支持的授权范围：%(scopes)s。可用：%(supported)s。")
            % {"scopes": "、".join(unknown), "supported": "、".join(SUPPORTED_SCOPES)}
        )
    if "openid" not in scopes:
        problems.setdefault("scopes", []).append(_("授权范围必须包含 openid。"))
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def oidc_client_register(
    *,
    name: str,
    client_type: str,
    redirect_uris: list[str],
    scopes: list[str] | None = None,
    skip_consent: bool = False,
    owner: Any = None,
    client_id: str | None = None,
) -> tuple[Client, str | None]:
    """Register a platform that signs members in here.

    Preconditions: the arguments pass ``oidc_client_validate``; ``client_id``, if given, is
    not taken. Side effects: creates the ``Client`` (code flow with refresh tokens, response
    type ``code``). Returns the client and, for a confidential client, its secret in clear:
    only its hash is stored, so this is the one moment it can be shown. Public clients (apps
    that cannot keep a secret) get ``None`` and must use PKCE, as every client must.
    """
    scopes = list(scopes or ["openid", "profile", "phone", "member"])
    redirect_uris = [uri.strip() for uri in redirect_uris if uri.strip()]
    oidc_client_validate(
        name=name, client_type=client_type, redirect_uris=redirect_uris, scopes=scopes
    )
    if client_id and Client.objects.filter(pk=client_id).exists():
        raise ValidationError({"id": _("客户端编号“%(id)s”已被使用。") % {"id": client_id}})
    client = Client(name=name.strip(), type=client_type, skip_consent=skip_consent, owner=owner)
    if client_id:
        client.id = client_id
    client.set_redirect_uris(redirect_uris)
    client.set_scopes(scopes)
    client.set_default_scopes(["openid"])
    client.set_grant_types([str(grant) for grant in CLIENT_GRANT_TYPES])
    client.set_response_types(["code"])
    secret = None
    if client_type == Client.Type.CONFIDENTIAL:
        secret = OIDCAdapter().generate_client_secret()
        client.set_secret(secret)
    client.save()
    return client, secret


@transaction.atomic
def oidc_client_secret_rotate(*, client: Client) -> str:
    """Give a confidential client a new secret; the old one stops working at once.

    Preconditions: ``client`` is confidential. Side effects: stores the new secret's hash.
    Returns the secret in clear (shown once)."""
    if client.type != Client.Type.CONFIDENTIAL:
        raise ValidationError(_("公开客户端没有密钥，它以 PKCE 证明身份。"))
    secret = OIDCAdapter().generate_client_secret()
    client.set_secret(secret)
    client.save(update_fields=["secret"])
    return secret


# --- Authorize endpoint: PKCE (S256) for every client ------------------------------------


def _with_query(uri: str, params: dict[str, str]) -> str:
    parts = urlsplit(uri)
    query = "&".join(filter(None, [parts.query, urlencode(params)]))
    return urlunsplit(parts._replace(query=query))


@method_decorator(xframe_options_deny, name="dispatch")
@method_decorator(csrf_exempt, name="dispatch")
class OIDCAuthorizationView(idp_views.AuthorizationView):
    """allauth's authorize endpoint, refusing any request without ``code_challenge`` and
    ``code_challenge_method=S256``.

    An intercepted code is worthless without the verifier only if every client uses PKCE,
    so confidential clients are held to it too. The request is refused the way OAuth says
    (RFC 6749 §4.1.2.1): back to a registered redirect URI with ``error=invalid_request``;
    when the client or redirect URI itself is wrong, allauth's own checks show the member an
    error page instead of redirecting anywhere.
    """

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        challenge = request.GET.get("code_challenge")
        method = request.GET.get("code_challenge_method")
        if not challenge or method != "S256":
            refusal = self._refuse_without_pkce(request)
            if refusal is not None:
                return refusal
        return super().get(request, *args, **kwargs)

    def _refuse_without_pkce(self, request: HttpRequest) -> HttpResponse | None:
        try:
            _scopes, info = get_server().validate_authorization_request(*extract_params(request))
            redirect_uri = info["redirect_uri"]
        except (oauth_errors.FatalClientError, ValidationError):
            return None  # unknown client or redirect URI: allauth shows its error page
        except oauth_errors.OAuth2Error as exc:
            # The client and its redirect URI are valid (oauthlib checks them first), but
            # something else is wrong too, often the PKCE that allauth checks for public
            # clients: report the PKCE rule, which this request breaks in any case.
            redirect_uri = exc.redirect_uri
            if not redirect_uri:
                return None
        params = {"error": "invalid_request", "error_description": PKCE_REQUIRED_DESCRIPTION}
        if request.GET.get("state"):
            params["state"] = request.GET["state"]
        response = HttpResponse(status=HTTPStatus.FOUND)
        # Not HttpResponseRedirect: an app's private-use scheme must be allowed here.
        response["Location"] = _with_query(redirect_uri, params)
        return response


authorization = OIDCAuthorizationView.as_view()


# --- URLs (included as namespace "idp" from portal/urls.py) ------------------------------

_oidc_patterns = [
    path(".well-known/openid-configuration", idp_views.configuration, name="configuration"),
    path(".well-known/jwks.json", idp_views.jwks, name="jwks"),
    path("oidc/authorize", authorization, name="authorization"),
    path("oidc/token", idp_views.token, name="token"),
    path("oidc/userinfo", idp_views.user_info, name="userinfo"),
    path("oidc/revoke", idp_views.revoke, name="revoke"),
    path("oidc/logout", idp_views.logout, name="logout"),
    # allauth's discovery document names the device flow's endpoints, so they must resolve;
    # no client is given that grant (see CLIENT_GRANT_TYPES), so they refuse every request.
    path("oidc/device/code", idp_views.device_code, name="device_code"),
    path("oidc/device", idp_views.device_authorization, name="device_authorization"),
]

urlpatterns = [path("", include((_oidc_patterns, "oidc")))]
