"""Welcome packs and other benefits: claiming from a limited stock, redeeming by QR."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Credential
from accounts.permissions import Action, user_can
from accounts.services.wallet import credential_issue, credential_revoke
from accounts.tokens import credential_token_verify
from activities.models import Campaign, CampaignQuota, Claim
from activities.services.eligibility import eligibility_check
from activities.services.quotas import (
    CAMPAIGN_QUOTAS,
    regional_quota_rows_check,
    regional_quota_take,
    regional_quotas_set,
)
from core.audit import audit_record
from core.stockgate import Admission, stock_gate_close, stock_gate_give_back, stock_gate_take
from regions.models import Region

CLAIM_SOURCE = "activities.claim"


def _sold_out_message() -> str:
    return _("已领完")


def _campaign_gate_name(campaign_id: int) -> str:
    return f"campaign:{campaign_id}"


def campaign_claim(*, campaign_id: int, user: Any) -> Claim:
    """Claim one unit of a campaign for ``user`` and put the voucher in their wallet.

    Preconditions checked (``ValidationError`` in Chinese, nothing written): the campaign
    is published and inside its window, the member is eligible, has not claimed before,
    and stock remains ("已领完"). A Redis admission gate (``core.stockgate``) answers
    "已领完" without the database once its copy of the stock is at zero, so the rush after
    a popular pack runs out costs no transaction; a request the gate admits is decided by
    the database as below, and a unit it did not use goes back to the gate. Side effects:
    the stock and quotas, one ``Claim``, one voucher ``Credential``.
    """
    gate = _campaign_gate_name(campaign_id)
    admission = stock_gate_take(
        name=gate,
        load_stock=lambda: (
            Campaign.objects.filter(pk=campaign_id, published=True)
            .values_list("stock", flat=True)
            .first()
        ),
    )
    if admission is Admission.SOLD_OUT:
        raise ValidationError(_sold_out_message(), code="sold_out")
    try:
        return _campaign_claim_in_database(campaign_id=campaign_id, user=user)
    except ValidationError as error:
        if admission is Admission.TAKEN:
            if getattr(error, "code", None) == "sold_out":
                stock_gate_close(name=gate)
            else:
                stock_gate_give_back(name=gate)
        raise
    except BaseException:
        if admission is Admission.TAKEN:
            stock_gate_give_back(name=gate)
        raise


@transaction.atomic
def _campaign_claim_in_database(*, campaign_id: int, user: Any) -> Claim:
    """The claim itself, decided by the database. Stock is taken by one conditional
    ``UPDATE … SET stock = stock - 1 WHERE stock > 0``; the unique (campaign, member)
    constraint stops a second claim even when two arrive at once. When the campaign has
    regional quotas, the ones covering the member's union region are taken first the same
    way ("三河市的名额已领完" when one ran out). Raises ``ValidationError`` with code
    ``sold_out`` when the campaign's own stock is empty.
    """
    campaign = (
        Campaign.objects.select_related("region").filter(pk=campaign_id, published=True).first()
    )
    if campaign is None:
        raise ValidationError(_("没有找到该福利活动。"))
    now = timezone.now()
    if now < campaign.starts_at:
        raise ValidationError(_("尚未开始领取，请在开始时间后再来。"))
    if now >= campaign.ends_at:
        raise ValidationError(_("领取已截止。"))
    membership = eligibility_check(target=campaign, user=user)
    if Claim.objects.filter(campaign_id=campaign.pk, user_id=user.pk).exists():
        raise ValidationError(_("您已领取过该福利。"))
    member_path = membership.organization.region.path if membership is not None else ""
    regional_quota_take(kind=CAMPAIGN_QUOTAS, owner_id=campaign.pk, member_path=member_path)
    if not Campaign.objects.filter(pk=campaign.pk, stock__gt=0).update(stock=F("stock") - 1):
        raise ValidationError(_sold_out_message(), code="sold_out")
    try:
        with transaction.atomic():
            claim = Claim.objects.create(campaign=campaign, user=user, claimed_at=now)
    except IntegrityError:
        # A concurrent claim by the same member won; raising rolls our decrement back.
        raise ValidationError(_("您已领取过该福利。")) from None
    claim.credential = credential_issue(
        user=user,
        kind=Credential.Kind.VOUCHER,
        title=campaign.title,
        issuer=str(campaign.region.name) + _("总工会"),
        source_type=CLAIM_SOURCE,
        source_id=claim.pk,
        data={
            "campaign_id": campaign.pk,
            "redemption_place": campaign.redemption_place,
            "organization": campaign.region.name,
        },
        expires_at=campaign.voucher_expires_at,
    )
    claim.save(update_fields=["credential"])
    return claim


def campaign_quota_rows_check(*, campaign: Campaign, rows: list[tuple[Region, int]]) -> None:
    """Validate a campaign's complete set of regional quotas before it is written (see
    ``regional_quota_rows_check``): within the campaign's region and total, nested."""
    regional_quota_rows_check(kind=CAMPAIGN_QUOTAS, owner=campaign, rows=rows)


@transaction.atomic
def campaign_quotas_set(
    *, campaign: Campaign, quotas: list[tuple[Region, int]], actor: Any
) -> list[CampaignQuota]:
    """Replace the campaign's regional quotas with ``quotas`` (region, quota) on behalf of
    ``actor`` (who manages activities in the campaign's region).

    A kept region's remaining stock moves by the change of its quota (``stock = stock +
    new - old`` in SQL, so claims made meanwhile are not overwritten); a quota below what
    its region has already claimed is refused. A region left out loses its cap. Raises
    ``ValidationError`` (Chinese); nothing is written then.
    """
    return regional_quotas_set(kind=CAMPAIGN_QUOTAS, owner=campaign, quotas=quotas, actor=actor)


@transaction.atomic
def campaign_voucher_redeem(*, token: str, staff: Any, request: Any = None) -> Claim:
    """Redeem a scanned voucher QR at the distribution point, once.

    The token is verified and consumed (``credential_token_verify(consume=True)``); the
    claim is marked redeemed by a conditional update, and the voucher is voided so the
    wallet shows it used. Raises ``ValidationError`` for a forged, expired or used token,
    a voucher already redeemed, or a campaign outside the staff member's region; nothing is
    written then (the consumed nonce rolls back with the rest). Audited.
    """
    check = credential_token_verify(token=token or "", consume=True)
    credential = check.credential
    claim = None
    if credential is not None and credential.kind == Credential.Kind.VOUCHER:
        claim = (
            Claim.objects.select_related("campaign__region", "user")
            .filter(credential=credential)
            .first()
        )
    if claim is not None and claim.redeemed_at is not None:
        raise ValidationError(
            _("该礼包券已于 %(when)s 核销，不能重复使用。")
            % {"when": timezone.localtime(claim.redeemed_at).strftime("%Y-%m-%d %H:%M")}
        )
    if not check.is_valid:
        raise ValidationError(check.message)
    if claim is None:
        raise ValidationError(_("这不是福利礼包券，无法核销。"))
    if not user_can(staff, Action.ACTIVITIES_MANAGE, region=claim.campaign.region):
        raise ValidationError(_("您无权核销该地区的礼包券。"))
    now = timezone.now()
    if not Claim.objects.filter(pk=claim.pk, redeemed_at__isnull=True).update(
        redeemed_at=now, redeemed_by=staff
    ):
        raise ValidationError(_("该礼包券已核销，不能重复使用。"))
    claim.redeemed_at, claim.redeemed_by = now, staff
    credential_revoke(credential=credential, reason=_("已核销"))
    audit_record(actor=staff, action="activities.voucher_redeem", target=claim, request=request)
    return claim
