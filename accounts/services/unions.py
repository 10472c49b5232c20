"""Writes for union organisations."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from stdnum.cn import uscc

from accounts.models import UnionOrganization
from regions.models import Region

Kind = UnionOrganization.Kind

# Which organisation kinds may sit below which: federations follow the region tree, the
# unions members join hang below a federation.
ALLOWED_PARENT_KINDS = {
    Kind.PROVINCIAL_FEDERATION: (),
    Kind.CITY_FEDERATION: (Kind.PROVINCIAL_FEDERATION,),
    Kind.COUNTY_FEDERATION: (Kind.CITY_FEDERATION,),
    Kind.GRASSROOTS: Kind.values,
    Kind.JOINT: UnionOrganization.FEDERATION_KINDS,
    Kind.INDUSTRY: UnionOrganization.FEDERATION_KINDS,
}


@transaction.atomic
def union_organization_create(
    *,
    name: str,
    kind: str,
    region: Region,
    parent: UnionOrganization | None = None,
    employer_name: str = "",
    credit_code: str = "",
    trades: str = "",
    accepts_applications: bool = True,
) -> UnionOrganization:
    """Create an organisation below ``parent`` and compute its path.

    Raises ``ValidationError`` (Chinese) for a parent of the wrong kind, a region outside the
    parent's region, a bad credit code or a duplicate name; nothing is saved then.
    """
    kind = Kind(kind)
    allowed = ALLOWED_PARENT_KINDS[kind]
    if parent is None and allowed:
        raise ValidationError(_("请选择上级工会。"))
    if parent is not None and parent.kind not in allowed:
        raise ValidationError(
            _("%(kind)s不能设在%(parent)s之下。")
            % {"kind": kind.label, "parent": parent.get_kind_display()}
        )
    if parent is not None and not region.path.startswith(parent.region.path):
        raise ValidationError(_("工会所在地区必须在上级工会的地区范围内。"))
    if credit_code:
        credit_code = credit_code.strip().upper()
        if not uscc.is_valid(credit_code):
            raise ValidationError(_("统一社会信用代码“%(code)s”无效。") % {"code": credit_code})
    organization = UnionOrganization(
        name=name.strip(),
        kind=kind,
        region=region,
        parent=parent,
        employer_name=employer_name.strip(),
        credit_code=credit_code,
        trades=trades.strip(),
        accepts_applications=accepts_applications,
        path="",
    )
    organization.full_clean(exclude=["path"])
    organization.save(force_insert=True)
    organization.path = f"{parent.path if parent else ''}{organization.pk}/"
    organization.save(update_fields=["path"])
    return organization
