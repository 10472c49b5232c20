"""Demo unions, memberships and a waiting application (入会, 转会) for the article's people.

The union tree follows real Hebei places; the enterprises are plausible but fictional, so
credit codes are left blank. Runs after accounts.demo (which creates the people) and is
idempotent: everything is looked up first and created only when missing.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import (
    EmploymentForm,
    Membership,
    MembershipApplication,
    MembershipEvent,
    Role,
    TransferRequest,
    UnionOrganization,
)
from accounts.selectors.users import user_get_by_phone
from accounts.services import membership as services
from accounts.services.roles import role_assign
from accounts.services.unions import union_organization_create
from accounts.services.users import user_create
from regions.models import Region

Kind = UnionOrganization.Kind

CITY_FEDERATIONS = [
    ("130100", "石家庄市总工会"),
    ("130200", "唐山市总工会"),
    ("130300", "秦皇岛市总工会"),
    ("130400", "邯郸市总工会"),
    ("130500", "邢台市总工会"),
    ("130600", "保定市总工会"),
    ("130700", "张家口市总工会"),
    ("130800", "承德市总工会"),
    ("130900", "沧州市总工会"),
    ("131000", "廊坊市总工会"),
    ("131100", "衡水市总工会"),
]

# region code, name, parent city code
COUNTY_FEDERATIONS = [
    ("130102", "长安区总工会", "130100"),
    ("130104", "桥西区总工会", "130100"),
    ("131082", "三河市总工会", "131000"),
    ("131003", "广阳区总工会", "131000"),
    ("131022", "固安县总工会", "131000"),
    ("130682", "定州市总工会", "130600"),
]

# region code, name, kind, parent (name), employer, trades
MEMBER_UNIONS = [
    (
        "130102",
        "石家庄冀中重型装备制造有限公司工会",
        Kind.GRASSROOTS,
        "长安区总工会",
        "石家庄冀中重型装备制造有限公司",
        "",
    ),
    (
        "130104",
        "石家庄恒创精密机械有限公司工会",
        Kind.GRASSROOTS,
        "桥西区总工会",
        "石家庄恒创精密机械有限公司",
        "",
    ),
    (
        "130105",
        "河北医科大学第二医院工会",
        Kind.GRASSROOTS,
        "石家庄市总工会",
        "河北医科大学第二医院",
        "护士、医师、医技人员",
    ),
    (
        "131003",
        "廊坊顺达物流有限公司工会",
        Kind.GRASSROOTS,
        "广阳区总工会",
        "廊坊顺达物流有限公司",
        "货车司机、仓储管理员",
    ),
    (
        "131000",
        "廊坊市快递行业联合工会",
        Kind.INDUSTRY,
        "廊坊市总工会",
        "",
        "快递员、快递分拣员",
    ),
    (
        "130100",
        "石家庄市网约配送员联合工会",
        Kind.JOINT,
        "石家庄市总工会",
        "",
        "网约配送员、外卖骑手、即时配送员",
    ),
    (
        "130000",
        "河北省货车司机工会联合会",
        Kind.INDUSTRY,
        "河北省总工会",
        "",
        "货车司机、道路货运从业人员",
    ),
    (
        "131082",
        "三河市新就业形态联合工会",
        Kind.JOINT,
        "三河市总工会",
        "",
        "快递员、网约配送员、网约车司机、货车司机",
    ),
    (
        "131022",
        "固安县新就业形态联合工会",
        Kind.JOINT,
        "固安县总工会",
        "",
        "货车司机、快递员、网约配送员",
    ),
]

OFFICER = ("13900000004", "周建华（三河市总工会）")
COURIER = ("13800000004", "张强")


def _union(*, code: str, name: str, kind: str, parent=None, **extra) -> UnionOrganization:
    region = Region.objects.get(code=code)
    existing = UnionOrganization.objects.filter(region=region, name=name).first()
    if existing is not None:
        return existing
    return union_organization_create(name=name, kind=kind, region=region, parent=parent, **extra)


def _person(phone: str, name: str, *, stdout):
    user = user_get_by_phone(phone=phone)
    if user is None:
        user = user_create(phone=phone, password=DEMO_PASSWORD, display_name=name)
        stdout.write(f"  user {phone} / {DEMO_PASSWORD}  {name} [created]")
    return user


def _backdate(user, days_ago: dict[str, int]) -> None:
    """Spread a demo member's steps over past dates so the timeline reads like real life
    (the services stamp them with "now")."""
    now = timezone.now()
    for kind, days in days_ago.items():
        when = now - timedelta(days=days)
        MembershipEvent.objects.filter(user=user, kind=kind).update(created_at=when)
        if kind == MembershipEvent.Kind.APPLIED:
            MembershipApplication.objects.filter(user=user).update(submitted_at=when)
        elif kind == MembershipEvent.Kind.APPROVED:
            MembershipApplication.objects.filter(user=user).update(decided_at=when)
            Membership.objects.filter(user=user, application__isnull=False).update(started_at=when)
        elif kind == MembershipEvent.Kind.TRANSFER_REQUESTED:
            TransferRequest.objects.filter(user=user).update(requested_at=when)
        elif kind == MembershipEvent.Kind.TRANSFER_RELEASED:
            TransferRequest.objects.filter(user=user).update(released_at=when)
        elif kind == MembershipEvent.Kind.TRANSFER_COMPLETED:
            TransferRequest.objects.filter(user=user).update(completed_at=when)
            Membership.objects.filter(user=user, application__isnull=True).update(started_at=when)
            Membership.objects.filter(user=user, status=Membership.Status.ENDED).update(
                ended_at=when
            )


def _join(*, user, union, employer, occupation, form, officer, days_ago=None) -> bool:
    """Admit ``user`` to ``union`` through the services unless they have any history."""
    if MembershipEvent.objects.filter(user=user).exists():
        return False
    application = services.membership_application_submit(
        user=user,
        organization=union,
        employer=employer,
        occupation=occupation,
        employment_form=form,
    )
    services.membership_application_approve(application=application, officer=officer)
    if days_ago:
        _backdate(user, days_ago)
    return True


def seed(*, stdout) -> None:
    province = _union(code="130000", name="河北省总工会", kind=Kind.PROVINCIAL_FEDERATION)
    by_name = {province.name: province}
    for code, name in CITY_FEDERATIONS:
        by_name[name] = _union(code=code, name=name, kind=Kind.CITY_FEDERATION, parent=province)
    city_by_code = {code: by_name[name] for code, name in CITY_FEDERATIONS}
    for code, name, city_code in COUNTY_FEDERATIONS:
        by_name[name] = _union(
            code=code, name=name, kind=Kind.COUNTY_FEDERATION, parent=city_by_code[city_code]
        )
    for code, name, kind, parent, employer, trades in MEMBER_UNIONS:
        by_name[name] = _union(
            code=code,
            name=name,
            kind=kind,
            parent=by_name[parent],
            employer_name=employer,
            trades=trades,
        )
    stdout.write(f"  union organisations: {UnionOrganization.objects.count()}")

    admin = user_get_by_phone(phone="13900000001")
    officer = _person(*OFFICER, stdout=stdout)
    role_assign(
        user=officer, role=Role.ORG_OFFICER, organization=by_name["三河市总工会"], granted_by=admin
    )
    stdout.write(
        f"  officer {OFFICER[0]} / {DEMO_PASSWORD}  {OFFICER[1]} (ORG_OFFICER 三河市总工会)"
    )

    wang = user_get_by_phone(phone="13800000001")
    li = user_get_by_phone(phone="13800000002")
    liu = user_get_by_phone(phone="13800000003")
    E = MembershipEvent.Kind
    if wang and _join(
        user=wang,
        union=by_name["石家庄冀中重型装备制造有限公司工会"],
        employer="石家庄冀中重型装备制造有限公司",
        occupation="装配钳工",
        form=EmploymentForm.FULL_TIME,
        officer=admin,
        days_ago={E.APPLIED: 400, E.APPROVED: 396},
    ):
        stdout.write("  王伟: member of 石家庄冀中重型装备制造有限公司工会")
    if liu and _join(
        user=liu,
        union=by_name["石家庄恒创精密机械有限公司工会"],
        employer="石家庄恒创精密机械有限公司",
        occupation="数控设备技术员",
        form=EmploymentForm.FULL_TIME,
        officer=admin,
        days_ago={E.APPLIED: 210, E.APPROVED: 207},
    ):
        stdout.write("  刘鸿: member of 石家庄恒创精密机械有限公司工会")
    if li and _join(
        user=li,
        union=by_name["固安县新就业形态联合工会"],
        employer="个体货运（挂靠固安县货运站）",
        occupation="货车司机",
        form=EmploymentForm.NEW_FORM,
        officer=admin,
    ):
        transfer = services.transfer_request_submit(
            user=li,
            to_organization=by_name["廊坊顺达物流有限公司工会"],
            employer="廊坊顺达物流有限公司",
            occupation="货车司机",
            employment_form=EmploymentForm.FULL_TIME,
            reason="签约廊坊顺达物流有限公司，成为公司专职司机",
        )
        services.transfer_release(transfer=transfer, officer=admin)
        services.transfer_accept(transfer=transfer, officer=admin)
        _backdate(
            li,
            {
                E.APPLIED: 730,
                E.APPROVED: 726,
                E.TRANSFER_REQUESTED: 95,
                E.TRANSFER_RELEASED: 92,
                E.TRANSFER_COMPLETED: 88,
            },
        )
        stdout.write("  李师傅: transferred 固安县新就业形态联合工会 → 廊坊顺达物流有限公司工会")

    courier = _person(*COURIER, stdout=stdout)
    if not MembershipEvent.objects.filter(user=courier).exists():
        services.membership_application_submit(
            user=courier,
            organization=by_name["三河市新就业形态联合工会"],
            employer="三河市燕郊镇快递服务站",
            occupation="快递员",
            employment_form=EmploymentForm.NEW_FORM,
        )
        stdout.write("  张强 (快递员): application to 三河市新就业形态联合工会 waits for 周建华")
