"""Demo content for the aid services: the article's people and a few more Hebei workers
with hardship applications at every stage, and this year's 互助保障 plans with enrolments
and claims. Everything goes through the services; dates are moved into the past so the
status pages read like real life. Idempotent: seeded once, left alone afterwards."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import Membership, Role, UnionOrganization
from accounts.selectors.users import user_get_by_phone
from accounts.services import membership as membership_services
from accounts.services.roles import role_assign
from accounts.services.users import user_create
from aid.models import (
    AidForm,
    HardshipApplication,
    HardshipReason,
    HardshipStep,
    MutualClaim,
    MutualPlan,
    Payer,
    PlanKind,
)
from aid.services import hardship as hs
from aid.services import mutual as ms
from regions.models import Region

ADMIN = "13900000001"
CITY_STAFF = ("13900000021", "陈静（石家庄市总工会帮扶中心）", "130100")
FACTORY_UNION = "石家庄冀中重型装备制造有限公司工会"
FACTORY_OFFICER = ("13900000022", "韩志刚（冀中装备公司工会）")
LANGFANG_EDITOR = "13900000003"  # 孙丽, 廊坊市总工会
# phone, name, union, employer, occupation
WORKERS = [
    ("13800000021", "赵建民", FACTORY_UNION, "石家庄冀中重型装备制造有限公司", "电焊工"),
    ("13800000022", "张秀芳", "河北医科大学第二医院工会", "河北医科大学第二医院", "护士"),
    (
        "13800000023",
        "孙桂英",
        "石家庄恒创精密机械有限公司工会",
        "石家庄恒创精密机械有限公司",
        "质检员",
    ),
    ("13800000024", "周立国", "廊坊顺达物流有限公司工会", "廊坊顺达物流有限公司", "仓储管理员"),
]
PLANS = [
    (
        "职工住院医疗互助保障",
        PlanKind.INPATIENT,
        "50",
        "30000",
        "在职会员住院治疗，医保报销后个人负担的合规费用按比例给予互助金，全年累计不超过限额。",
    ),
    (
        "职工意外伤害互助保障",
        PlanKind.ACCIDENT,
        "30",
        "50000",
        "因意外伤害导致住院、伤残或身故的，按规定给付互助金。上下班途中的意外同样保障。",
    ),
    (
        "职工重大疾病互助保障",
        PlanKind.CRITICAL,
        "60",
        "100000",
        "首次确诊恶性肿瘤、急性心肌梗塞、脑中风后遗症等25种重大疾病，一次性给付互助金。",
    ),
    (
        "女职工特殊疾病互助保障",
        PlanKind.WOMEN,
        "40",
        "20000",
        "女性会员首次确诊乳腺癌、宫颈癌等特殊疾病，给付互助金。",
    ),
]


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% demo document\n", content_type="application/pdf")


def _staff(phone: str, name: str, *, stdout):
    user = user_get_by_phone(phone=phone)
    if user is None:
        user = user_create(phone=phone, password=DEMO_PASSWORD, display_name=name)
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        stdout.write(f"  staff {phone} / {DEMO_PASSWORD}  {name} [created]")
    return user


def _worker(phone, name, union_name, employer, occupation, *, admin, stdout):
    user = user_get_by_phone(phone=phone)
    if user is None:
        user = user_create(phone=phone, password=DEMO_PASSWORD, display_name=name)
        stdout.write(f"  user {phone} / {DEMO_PASSWORD}  {name} [created]")
    if not Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).exists():
        union = UnionOrganization.objects.get(name=union_name)
        application = membership_services.membership_application_submit(
            user=user,
            organization=union,
            employer=employer,
            occupation=occupation,
            employment_form="full_time",
        )
        membership_services.membership_application_approve(application=application, officer=admin)
    return user


def _age(application: HardshipApplication, days: list[int]) -> None:
    """Spread the steps over the past: ``days[i]`` days ago for the i-th step."""
    now = timezone.now()
    steps = list(application.steps.order_by("id"))
    for step, ago in zip(steps, days, strict=False):
        HardshipStep.objects.filter(pk=step.pk).update(created_at=now - timedelta(days=ago))
    HardshipApplication.objects.filter(pk=application.pk).update(
        created_at=now - timedelta(days=days[0])
    )


def _apply(member, reason, size, income, situation, docs):
    return hs.hardship_application_submit(
        member=member,
        reason=reason,
        family_size=size,
        monthly_income=income,
        family_situation=situation,
        documents=[_pdf(d) for d in docs],
    )


def seed(*, stdout) -> None:
    if MutualPlan.objects.filter(name=PLANS[0][0]).exists():
        stdout.write("  aid demo already seeded")
        return
    admin = user_get_by_phone(phone=ADMIN)
    city = _staff(CITY_STAFF[0], CITY_STAFF[1], stdout=stdout)
    role_assign(
        user=city,
        role=Role.REGION_EDITOR,
        region=Region.objects.get(code=CITY_STAFF[2]),
        granted_by=admin,
    )
    officer = _staff(*FACTORY_OFFICER, stdout=stdout)
    role_assign(
        user=officer,
        role=Role.ORG_OFFICER,
        organization=UnionOrganization.objects.get(name=FACTORY_UNION),
        granted_by=admin,
    )
    langfang = user_get_by_phone(phone=LANGFANG_EDITOR)
    wang = user_get_by_phone(phone="13800000001")
    li = user_get_by_phone(phone="13800000002")
    liu = user_get_by_phone(phone="13800000003")
    zhao, zhang, sun, zhou = (_worker(*w, admin=admin, stdout=stdout) for w in WORKERS)
    today = timezone.localdate()

    # --- 困难职工帮扶: one application at every stage ---
    # 王伟: father's stroke, the whole journey done — medical aid paid 200 days ago.
    a = _apply(
        wang,
        HardshipReason.ILLNESS,
        4,
        "4200",
        "父亲突发脑梗住院，术后需长期康复治疗，医保报销后自付部分约4万元；"
        "母亲无收入，女儿读初中，家庭靠本人工资维持。",
        ["诊断证明.pdf", "住院费用清单.pdf"],
    )
    hs.hardship_application_verify(
        actor=officer, application=a, note="车间主任陪同入户走访，情况属实"
    )
    hs.hardship_application_approve(actor=city, application=a, amount="6000", form=AidForm.MEDICAL)
    hs.hardship_disburse(
        actor=city,
        application=a,
        amount="6000",
        form=AidForm.MEDICAL,
        disbursed_on=today - timedelta(days=200),
        note="打卡发放",
    )
    _age(a, [230, 224, 210, 200])
    stdout.write("  王伟: 医疗救助 6000元 disbursed")
    # 赵建民: just submitted, waits for his union's check.
    _apply(
        zhao,
        HardshipReason.EDUCATION,
        3,
        "3800",
        "儿子考入河北工业大学，学费住宿费每年约9000元，妻子下岗在家，家里还有房贷。",
        ["录取通知书.pdf"],
    )
    # 刘鸿: verified by his union, waits for the city's approval.
    b = _apply(
        liu,
        HardshipReason.DISASTER,
        3,
        "5200",
        "今年7月暴雨，老家平山县房屋进水倒塌一间，父母暂住亲戚家，修缮需约3万元。",
        ["村委会证明.pdf", "受灾照片说明.pdf"],
    )
    hs.hardship_application_verify(actor=admin, application=b, note="经村委会和企业工会核实属实")
    _age(b, [12, 8])
    # 张秀芳: approved, waiting for disbursement.
    c = _apply(
        zhang,
        HardshipReason.SINGLE_PARENT,
        2,
        "3100",
        "离异后独自抚养患自闭症的儿子，康复训练每月费用约2500元。",
        ["康复机构证明.pdf"],
    )
    hs.hardship_application_verify(actor=admin, application=c, note="医院工会核实属实")
    hs.hardship_application_approve(actor=city, application=c, amount="5000", form=AidForm.LIVING)
    _age(c, [20, 15, 3])
    # 孙桂英: refused with a reason.
    d = _apply(
        sun,
        HardshipReason.OTHER,
        3,
        "16500",
        "家里想换房，首付还差一些，希望工会给予帮助。",
        ["收入证明.pdf"],
    )
    hs.hardship_application_refuse(
        actor=admin, application=d, reason="家庭人均月收入5500元，高于石家庄市困难职工认定标准"
    )
    _age(d, [40, 36])
    # 周立国 (廊坊): aided a year ago, his yearly re-check is due now.
    e = _apply(
        zhou,
        HardshipReason.UNEMPLOYMENT,
        4,
        "2600",
        "妻子所在工厂停产失业，两个孩子上学，母亲常年服药，家庭收入骤减。",
        ["失业证明.pdf"],
    )
    hs.hardship_application_verify(actor=admin, application=e, note="物流公司工会核实属实")
    hs.hardship_application_approve(
        actor=langfang, application=e, amount="4000", form=AidForm.LIVING
    )
    hs.hardship_disburse(
        actor=langfang,
        application=e,
        amount="4000",
        form=AidForm.LIVING,
        disbursed_on=today - timedelta(days=370),
    )
    hs.hardship_application_flag_recheck(application_id=e.pk)
    _age(e, [400, 395, 385, 370, 5])

    # --- 职工互助保障 ---
    province = Region.objects.get(code="130000")
    plans = {}
    for name, kind, premium, cover, description in PLANS:
        plans[kind] = ms.mutual_plan_create(
            actor=admin,
            name=name,
            year=today.year,
            kind=kind,
            region=province,
            premium=premium,
            cover_limit=cover,
            description=description,
        )
    ms.mutual_plan_create(
        actor=admin,
        name=PLANS[0][0],
        year=today.year - 1,
        kind=PlanKind.INPATIENT,
        region=province,
        premium="50",
        cover_limit="30000",
        is_open=False,
    )
    start = date(today.year, 1, 1)

    def enrol(member, kind, payer=Payer.SELF, employer="", confirm=True):
        enrolment = ms.mutual_enrol(
            member=member, plan=plans[kind], payer=payer, employer_name=employer, today=start
        )
        if confirm:
            enrolment = ms.mutual_enrolment_confirm_payment(actor=admin, enrolment=enrolment)
        return enrolment

    def file(enrolment, amount, ago, text, docs):
        return ms.mutual_claim_file(
            member=enrolment.member,
            enrolment=enrolment,
            incident_date=max(start, today - timedelta(days=ago)),
            amount_claimed=amount,
            description=text,
            documents=[_pdf(x) for x in docs],
        )

    w1 = enrol(wang, PlanKind.INPATIENT)
    paid = file(
        w1,
        "8600",
        90,
        "腰椎间盘突出在省三院住院治疗12天，医保报销后自付8600元。",
        ["出院小结.pdf", "费用结算单.pdf"],
    )
    ms.mutual_claim_approve(actor=city, claim=paid, amount="6880", note="按自付费用80%给付")
    ms.mutual_claim_pay(actor=city, claim=paid)
    enrol(wang, PlanKind.ACCIDENT, Payer.EMPLOYER, "石家庄冀中重型装备制造有限公司", confirm=False)
    l1 = enrol(li, PlanKind.ACCIDENT, Payer.EMPLOYER, "廊坊顺达物流有限公司")
    file(l1, "12000", 20, "装卸货物时从车厢跌落，左腿骨折住院两周。", ["诊断证明.pdf"])
    r1 = enrol(liu, PlanKind.CRITICAL)
    approved = file(r1, "100000", 30, "体检发现甲状腺恶性肿瘤，已在省四院手术。", ["病理报告.pdf"])
    ms.mutual_claim_approve(actor=city, claim=approved, amount="100000", note="符合重疾给付条件")
    z1 = enrol(zhang, PlanKind.WOMEN)
    refused = file(
        z1, "5000", 60, "体检发现乳腺结节，在市妇幼保健院做了微创切除手术。", ["手术记录.pdf"]
    )
    ms.mutual_claim_refuse(actor=city, claim=refused, reason="乳腺良性结节不属于保障的特殊疾病")
    enrol(zhao, PlanKind.INPATIENT)
    enrol(zhou, PlanKind.INPATIENT, Payer.EMPLOYER, "廊坊顺达物流有限公司")
    now = timezone.now()
    for claim, ago in ((paid, 80), (approved, 25), (refused, 55)):
        MutualClaim.objects.filter(pk=claim.pk).update(created_at=now - timedelta(days=ago))
    stdout.write(
        f"  aid: {HardshipApplication.objects.count()} hardship applications, "
        f"{MutualPlan.objects.count()} plans, {MutualClaim.objects.count()} claims"
    )
