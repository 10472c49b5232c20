"""Exchange with the national federation: registering a trusted system, applying its pushes,
logging every call.

A trusted system is an ``allauth.idp.oidc`` client with the ``client_credentials`` grant
only: it gets a one-hour access token from ``/oidc/token`` with its id and secret and the
scopes it asks for, among those it was given:

* ``members:read`` — pull members and the change feed; ID numbers masked;
* ``members:id_number`` — with ``members:read``, full ID numbers in pulls;
* ``members:write`` — push member records (validated and applied like a roster row).
"""

from __future__ import annotations

from typing import Any

from allauth.idp.oidc.models import Client
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit_record, client_ip
from datahub.cleaning import FIELD_LABELS, RegionResolver, RowCleaner
from datahub.models import ExchangeCallLog, MemberChange
from datahub.services.imports import RowOutcome, rows_apply
from regions.models import Region
from regions.selectors import region_tree

SCOPE_READ = "members:read"
SCOPE_WRITE = "members:write"
SCOPE_ID_NUMBER = "members:id_number"
EXCHANGE_SCOPES: dict[str, Any] = {
    SCOPE_READ: gettext_lazy("读取会员及会籍变更（身份证号脱敏）"),
    SCOPE_ID_NUMBER: gettext_lazy("读取完整身份证号（需同时具有 members:read）"),
    SCOPE_WRITE: gettext_lazy("推送会员信息"),
}
PUSH_MAX_ROWS = 500
_PUSH_FIELDS = list(FIELD_LABELS)


def exchange_scopes_clean(scopes: list[str]) -> list[str]:
    """The scopes in their canonical order; ``ValidationError`` (Chinese) when they are not
    a valid grant. Pure: forms call it to show the reason next to the field."""
    unknown = [s for s in scopes if s not in EXCHANGE_SCOPES]
    if unknown or not scopes:
        raise ValidationError(
            _("授权范围无效：%(scopes)s。可用：%(supported)s。")
            % {"scopes": "、".join(unknown) or "—", "supported": "、".join(EXCHANGE_SCOPES)}
        )
    if SCOPE_ID_NUMBER in scopes and SCOPE_READ not in scopes:
        raise ValidationError(_("读取完整身份证号须同时授予 members:read。"))
    return [scope for scope in EXCHANGE_SCOPES if scope in scopes]


def _exchange_scopes_apply(client: Client, scopes: list[str]) -> None:
    client.set_scopes(scopes)
    client.set_default_scopes([SCOPE_READ] if SCOPE_READ in scopes else scopes[:1])


@transaction.atomic
def exchange_client_register(
    *,
    name: str,
    scopes: list[str],
    client_id: str | None = None,
    actor: Any = None,
    request: HttpRequest | None = None,
) -> tuple[Client, str]:
    """Register a trusted system (confidential, ``client_credentials`` only).

    Returns the client and its secret in clear: only a hash is stored, so this is the one
    moment it can be shown. Raises ``ValidationError`` for an unknown scope or a taken id.
    With ``actor`` (a person in the admin), the registration is audited.
    """
    from accounts.oidc import OIDCAdapter

    scopes = exchange_scopes_clean(scopes)
    if not name.strip():
        raise ValidationError(_("请填写客户端名称。"))
    if client_id and Client.objects.filter(pk=client_id).exists():
        raise ValidationError(_("客户端编号“%(id)s”已被使用。") % {"id": client_id})
    client = Client(name=name.strip(), type=Client.Type.CONFIDENTIAL, skip_consent=True)
    if client_id:
        client.id = client_id
    _exchange_scopes_apply(client, scopes)
    client.set_grant_types([Client.GrantType.CLIENT_CREDENTIALS])
    client.set_response_types([])
    client.set_redirect_uris([])
    secret = OIDCAdapter().generate_client_secret()
    client.set_secret(secret)
    client.save()
    if actor is not None:
        audit_record(
            actor=actor,
            action="exchange.client_register",
            target=client,
            request=request,
            details={"scopes": scopes},
        )
    return client, secret


@transaction.atomic
def exchange_client_update(
    *, actor: Any, client: Client, name: str, scopes: list[str], request: HttpRequest | None = None
) -> Client:
    """Rename a trusted system or change what it may do; audited with the scopes before and
    after. Tokens already issued keep their scopes until they expire (one hour)."""
    if client.get_grant_types() != [Client.GrantType.CLIENT_CREDENTIALS]:
        raise ValidationError(_("只能在这里修改数据交换客户端。"))
    scopes = exchange_scopes_clean(scopes)
    if not name.strip():
        raise ValidationError(_("请填写客户端名称。"))
    # From the database: a form may already have written its choice onto the instance.
    stored = Client.objects.filter(pk=client.pk).values_list("scopes", flat=True).first()
    before = Client(scopes=stored or "").get_scopes()
    client.name = name.strip()
    _exchange_scopes_apply(client, scopes)
    client.save(update_fields=["name", "scopes", "default_scopes"])
    audit_record(
        actor=actor,
        action="exchange.client_update",
        target=client,
        request=request,
        details={"scopes_before": before, "scopes": scopes},
    )
    return client


def exchange_call_log(
    *,
    request: HttpRequest,
    client_id: str,
    scopes: list[str],
    status_code: int,
    result_count: int = 0,
    error: str = "",
) -> ExchangeCallLog:
    """Append one entry to the call log (its own statement: a refused call is logged too)."""
    return ExchangeCallLog.objects.create(
        client_id=client_id[:100],
        method=request.method[:8],
        path=request.get_full_path()[:200],
        status_code=status_code,
        scopes=" ".join(scopes)[:200],
        result_count=result_count,
        error=error[:300],
        ip_address=client_ip(request),
        request_id=getattr(request, "request_id", "")[:64],
    )


@transaction.atomic
def exchange_members_push(*, client_id: str, records: list[dict[str, Any]]) -> list[RowOutcome]:
    """Apply member records pushed by a trusted system, with the roster's rules: each is
    cleaned and validated, matched by ID hash then phone, and merged or created; a bad
    record is refused with its reason and does not stop the others. Records are numbered
    from 1 in the outcomes. Re-pushing the same records changes nothing.

    Side effects as a roster import's, with ``MemberChange.source`` "exchange".
    """
    if not records:
        raise ValidationError(_("请至少提交一条会员记录。"))
    if len(records) > PUSH_MAX_ROWS:
        raise ValidationError(
            _("一次最多提交%(max)d条记录，本次%(count)d条。")
            % {"max": PUSH_MAX_ROWS, "count": len(records)}
        )
    clean = RowCleaner(
        mapping={field: index for index, field in enumerate(_PUSH_FIELDS)},
        regions=RegionResolver(region_tree().nodes),
        today=timezone.localdate(),
    )
    rows = [
        clean(number, [record.get(field) for field in _PUSH_FIELDS])
        for number, record in enumerate(records, start=1)
    ]
    scope = Region.objects.get(code=settings.PORTAL_DEFAULT_REGION_CODE)
    return rows_apply(
        rows=rows, scope=scope, source=MemberChange.Source.EXCHANGE, source_ref=client_id[:64]
    )
