"""Aid test helpers: members, officers and editors on the ``union_tree``, documents, plans
and applications moved through the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from accounts.services.roles import role_assign
from aid.models import AidForm, HardshipReason, MutualPlan, Payer, PlanKind
from aid.services import hardship, mutual
from regions.models import Region
from tests.accounts.factories import StaffUserFactory, make_member, make_officer


def pdf(name: str = "诊断证明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 demo proof", content_type="application/pdf")


def editor(region_code: str, **fields) -> Any:
    user = StaffUserFactory(**fields)
    role_assign(user=user, role=Role.REGION_EDITOR, region=Region.objects.get(code=region_code))
    return user


def province_admin() -> Any:
    user = StaffUserFactory()
    role_assign(user=user, role=Role.PROVINCE_ADMIN, region=Region.objects.get(code="130000"))
    return user


@dataclass
class World:
    member: Any
    other_member: Any
    officer: Any
    county_editor: Any
    city_editor: Any
    langfang_editor: Any
    province_admin: Any
    plan: MutualPlan
    unions: dict


def make_world(union_tree: dict) -> World:
    factory = union_tree["factory"]
    officer = make_officer(organization=factory)
    member = make_member(organization=factory, officer=officer)
    other = make_member(organization=factory, officer=officer)
    return World(
        member=member,
        other_member=other,
        officer=officer,
        county_editor=editor("130102"),
        city_editor=editor("130100"),
        langfang_editor=editor("131000"),
        province_admin=province_admin(),
        plan=make_plan(),
        unions=union_tree,
    )


def make_plan(
    *, name="职工住院医疗互助保障", year=2026, cover="30000", premium="50", kind=PlanKind.INPATIENT
) -> MutualPlan:
    return MutualPlan.objects.create(
        name=name,
        year=year,
        kind=kind,
        region=Region.objects.get(code="130000"),
        premium=Decimal(premium),
        cover_limit=Decimal(cover),
    )


def submit(member, **extra):
    return hardship.hardship_application_submit(
        member=member,
        reason=extra.pop("reason", HardshipReason.ILLNESS),
        family_size=extra.pop("family_size", 4),
        monthly_income=extra.pop("monthly_income", "2600"),
        family_situation=extra.pop("family_situation", "妻子患尿毒症每周透析三次，两个孩子上学。"),
        documents=extra.pop("documents", [pdf()]),
        **extra,
    )


def approved(world: World, *, amount="5000"):
    application = submit(world.member)
    hardship.hardship_application_verify(
        actor=world.officer, application=application, note="入户走访，情况属实"
    )
    return hardship.hardship_application_approve(
        actor=world.city_editor, application=application, amount=amount, form=AidForm.MEDICAL
    )


def active_enrolment(world: World, *, member=None, plan=None):
    enrolment = mutual.mutual_enrol(
        member=member or world.member,
        plan=plan or world.plan,
        payer=Payer.SELF,
        today=date(2026, 3, 1),
    )
    return mutual.mutual_enrolment_confirm_payment(actor=world.officer, enrolment=enrolment)


def claim(world: World, enrolment, *, amount="12000"):
    return mutual.mutual_claim_file(
        member=enrolment.member,
        enrolment=enrolment,
        incident_date=date(2026, 5, 10),
        amount_claimed=amount,
        description="因腰椎间盘突出住院治疗十二天，已出院。",
        documents=[pdf("出院小结.pdf")],
        today=date(2026, 6, 1),
    )
