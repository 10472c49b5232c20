"""Writes of the 劳模工匠 register: staff record an honour, the member agrees to show it or
withdraws that agreement. Each is one transaction and audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Action, user_can
from core.audit import audit_record
from honours.models import Honour

_FIELDS = ("name", "kind", "level", "title", "year", "region", "employer", "occupation", "story")


@transaction.atomic
def honour_save(*, honour: Honour, actor: Any) -> Honour:
    """Record a new honour or save staff's edits of one. ``actor`` must publish content in
    the honour's region (``PermissionDenied`` otherwise). A new honour starts not public:
    only its member can agree to show it. Editing the story or title of a public honour
    keeps it public (the member agreed to the profile, staff correct it). Raises
    ``ValidationError`` (Chinese) for invalid fields or a second record of the same honour;
    nothing is saved then. Side effects: the row, an audit entry."""
    if not user_can(actor, Action.CONTENT_PUBLISH, region=honour.region):
        raise PermissionDenied(_("您不能在该地区登记劳模工匠。"))
    creating = honour.pk is None
    if creating:
        honour.recorded_by = actor
        honour.consented_at = None
    honour.full_clean(exclude=["recorded_by"] if creating else None)
    try:
        with transaction.atomic():
            if creating:
                honour.save()
            else:
                honour.save(update_fields=list(_FIELDS))
    except IntegrityError:
        raise ValidationError(_("该会员的这项荣誉已经登记过了。")) from None
    audit_record(
        actor=actor,
        action="honours.record" if creating else "honours.edit",
        target=honour,
        details={"title": honour.title, "year": honour.year},
    )
    return honour


@transaction.atomic
def honour_consent_grant(*, user: Any, honour: Honour) -> Honour:
    """The member agrees that ``honour`` (theirs) is shown on the public 劳模工匠 pages.
    Idempotent. Side effects: ``consented_at`` set, an audit entry."""
    if honour.user_id != user.pk:
        raise PermissionDenied
    if honour.consented_at is None:
        honour.consented_at = timezone.now()
        honour.save(update_fields=["consented_at"])
        audit_record(actor=user, action="honours.consent", target=honour)
    return honour


@transaction.atomic
def honour_consent_withdraw(*, user: Any, honour: Honour) -> Honour:
    """The member takes the agreement back: the profile leaves the public pages at once
    (they are not page-cached for that reason). Idempotent. Side effects: ``consented_at``
    cleared, an audit entry."""
    if honour.user_id != user.pk:
        raise PermissionDenied
    if honour.consented_at is not None:
        honour.consented_at = None
        honour.save(update_fields=["consented_at"])
        audit_record(actor=user, action="honours.withdraw", target=honour)
    return honour
