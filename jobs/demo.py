"""Demo content for 工会帮就业: employers and posts across Hebei, 李师傅 and 张强's résumés,
李师傅's application with an interview invitation three days after he applied. Idempotent.

顺达物流 (三河市, 燕郊) is the employer to sign in as: 王经理, 13900000005 / the demo password,
with its posts (one still a draft), the applications and the résumés open to employers."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.selectors.users import user_get_by_phone
from accounts.services.auth import user_phone_mark_verified
from accounts.services.users import user_create
from jobs import selectors, services
from jobs.models import Application, Employer, JobPost
from regions.models import Region

#: The demo employer account to sign in with (verified 顺达物流, 三河市燕郊).
EMPLOYER_PHONE = "13900000005"
EMPLOYER_NAME = "王经理（顺达物流招聘）"

EMPLOYERS = [
    # name, region, contact, account phone
    ("廊坊顺达物流有限公司", "131082", "王经理 0316-5512351", "13700000101"),
    ("廊坊京廊货运有限公司", "131022", "陈主管 0316-6123456", "13700000102"),
    ("石家庄冀星装备制造有限公司", "130102", "刘科长 0311-8765432", "13700000103"),
    ("三河市速达快递服务有限公司", "131082", "赵站长 0316-3211234", "13700000104"),
]

POSTS = [
    (
        "廊坊顺达物流有限公司",
        "货车司机（京津冀干线）",
        "131082",
        ["B2驾驶证"],
        ["安全驾驶", "装卸货", "京津冀路线"],
        8000,
        11000,
        3,
        "初中",
        "全职",
        5,
        "五险一金、包住宿、月休4天",
        "驾驶9.6米厢式货车跑京津冀干线，车辆GPS全程监控，按趟计提成。另招装卸工若干名。",
    ),
    (
        "廊坊顺达物流有限公司",
        "叉车司机（燕郊分拨中心）",
        "131082",
        ["叉车证"],
        ["叉车操作", "装卸货", "仓储物流"],
        6000,
        7500,
        1,
        "不限",
        "全职",
        4,
        "五险一金、包住宿、夜班补贴",
        "燕郊分拨中心装卸车、货物上架，两班倒，持N1叉车证。",
    ),
    (
        "廊坊京廊货运有限公司",
        "重卡司机",
        "131022",
        ["A2驾驶证"],
        ["半挂车驾驶", "安全驾驶"],
        9000,
        13000,
        5,
        "初中",
        "全职",
        3,
        "五险一金、过路费实报实销",
        "驾驶半挂牵引车往返天津港与固安物流园，需A2驾驶证及道路货物运输从业资格。",
    ),
    (
        "石家庄冀星装备制造有限公司",
        "电焊工",
        "130102",
        ["焊工证"],
        ["氩弧焊", "二保焊", "看懂图纸"],
        7000,
        10000,
        2,
        "初中",
        "全职",
        6,
        "五险一金、工作餐、技能晋级补贴",
        "焊接工程机械结构件，持焊工证（熔化焊接与热切割作业），有二保焊经验优先。",
    ),
    (
        "石家庄冀星装备制造有限公司",
        "维修电工",
        "130102",
        ["电工证"],
        ["电气维修", "PLC", "配电柜"],
        6500,
        9000,
        3,
        "中专",
        "全职",
        2,
        "五险一金、工作餐、夜班补贴",
        "负责车间设备电气维护和配电柜巡检，持低压电工作业证。",
    ),
    (
        "石家庄冀星装备制造有限公司",
        "叉车司机",
        "130102",
        ["叉车证"],
        ["叉车操作", "物料搬运"],
        5500,
        7000,
        1,
        "不限",
        "全职",
        4,
        "五险一金、工作餐",
        "车间物料转运、成品装车，持N1叉车证，倒班。",
    ),
    (
        "三河市速达快递服务有限公司",
        "快递派送员",
        "131082",
        [],
        ["派件", "电动三轮车", "吃苦耐劳"],
        6000,
        9000,
        0,
        "不限",
        "全职",
        10,
        "计件提成、意外险、新就业形态会员入会服务",
        "负责燕郊片区快递派送与揽收，多劳多得，工会提供暖新驿站休息。",
    ),
    (
        "三河市速达快递服务有限公司",
        "快递员（兼职晚班）",
        "131082",
        [],
        ["派件", "分拣"],
        3000,
        4500,
        0,
        "不限",
        "兼职",
        6,
        "按件结算、日结",
        "晚间分拣和末端派送，时间灵活。",
    ),
]


def _user(phone: str, name: str):
    user = user_get_by_phone(phone=phone)
    if user is None:
        user = user_create(phone=phone, password=DEMO_PASSWORD, display_name=name)
    return user


def seed(*, stdout) -> None:
    admin = user_get_by_phone(phone="13900000001")
    if admin is None:
        stdout.write("  jobs: run accounts.demo first")
        return
    # The national classification the posts and résumés are mapped onto (idempotent).
    loaded = services.occupation_load()
    stdout.write(f"  jobs: occupations {loaded.created} created, {loaded.unchanged} unchanged")
    employers: dict[str, Employer] = {}
    for name, code, contact, phone in EMPLOYERS:
        employer = Employer.objects.filter(name=name).first()
        if employer is None:
            account = _user(phone, f"{name[:6]}招聘专员")
            employer = services.employer_create(
                actor=admin,
                name=name,
                region=Region.objects.get(code=code),
                contact_name=contact.split()[0],
                contact_phone=contact.split()[-1],
                users=[account],
            )
        services.employer_verify(actor=admin, employer=employer)
        employers[name] = employer
    shunda = employers["廊坊顺达物流有限公司"]
    manager = _user(EMPLOYER_PHONE, EMPLOYER_NAME)
    user_phone_mark_verified(user=manager)
    accounts = [manager, *shunda.users.exclude(pk=manager.pk)]
    if not all(selectors.user_is_employer_of(user, shunda) for user in accounts):
        services.employer_set_users(actor=admin, employer=shunda, users=accounts)
    for employer in employers.values():
        for account in employer.users.all():
            if not selectors.user_is_employer_of(account, employer):
                services.employer_set_users(
                    actor=admin, employer=employer, users=list(employer.users.all())
                )
                break
    posts: dict[str, JobPost] = {}
    for (
        emp,
        title,
        code,
        certs,
        skills,
        pmin,
        pmax,
        exp,
        edu,
        etype,
        heads,
        benefits,
        desc,
    ) in POSTS:
        employer = employers[emp]
        post = JobPost.objects.filter(employer=employer, title=title).first()
        if post is None:
            post = services.job_post_create(
                actor=admin,
                employer=employer,
                publish=True,
                title=title,
                region=Region.objects.get(code=code),
                certificates=certs,
                skills=skills,
                pay_min=pmin,
                pay_max=pmax,
                experience_years=exp,
                education=edu,
                employment_type=etype,
                headcount=heads,
                benefits=benefits,
                description=desc,
                valid_until=timezone.localdate() + dt.timedelta(days=60),
            )
        elif post.valid_until < timezone.localdate():
            post = services.job_post_update(
                actor=admin, post=post, valid_until=timezone.localdate() + dt.timedelta(days=60)
            )
        posts[title] = post
    stdout.write(f"  jobs: {len(employers)} employers, {len(posts)} posts")
    # What the nightly task learns: the demo's own titles (货车司机 next to 货运司机), so the
    # résumés below are mapped with it, as they would be the morning after.
    learned = services.occupation_vocabulary_learn()
    stdout.write(f"  jobs: {learned} titles learned from the posts")

    li = _user("13800000002", "李师傅")
    services.resume_save(
        user=li,
        region=Region.objects.get(code="131082"),
        desired_titles=["货运司机", "重卡司机"],
        desired_city_codes=["131000"],
        expected_pay=8500,
        employment_types=["全职"],
        skills=["安全驾驶", "装卸货", "京津冀路线"],
        certificates=["A2驾驶证"],
        work_history=[{"title": "货车司机", "employer": "三河某运输车队", "years": 8}],
        experience_years=8,
        education="初中",
        visibility="employers",
        summary="开了8年货车，熟悉京津冀路线，无事故记录，想找离家近、收入稳定的工作。",
    )
    zhang = _user("13800000004", "张强")
    services.resume_save(
        user=zhang,
        region=Region.objects.get(code="131082"),
        desired_titles=["快递员"],
        desired_city_codes=["131000"],
        expected_pay=7000,
        employment_types=["全职", "灵活用工"],
        skills=["派件", "电动三轮车", "吃苦耐劳"],
        certificates=["C1驾驶证"],
        work_history=[{"title": "快递员", "employer": "燕郊某快递网点", "years": 3}],
        experience_years=3,
        education="高中",
        visibility="on_apply",
        summary="在燕郊送了3年快递，片区熟，能吃苦。",
    )
    post = posts["货车司机（京津冀干线）"]
    application = Application.objects.filter(user=li, post=post).first()
    if application is None:
        application = services.application_submit(user=li, post=post)
        # The article's story: the invitation came three days after he applied.
        applied = timezone.now() - dt.timedelta(days=3)
        Application.objects.filter(pk=application.pk).update(created_at=applied)
        hr = manager
        services.application_mark_viewed(actor=hr, application=application)
        services.application_invite(
            actor=hr,
            application=application,
            at=timezone.now().replace(hour=9, minute=30, second=0, microsecond=0)
            + dt.timedelta(days=2),
            place="三河市燕郊高新区顺达物流园2号楼调度室",
            contact="王经理 0316-5512351",
        )
    # A draft 顺达 is still writing (employers draft, then publish).
    if not JobPost.objects.filter(employer=shunda, title="仓库理货员").exists():
        services.job_post_create(
            actor=manager,
            employer=shunda,
            title="仓库理货员",
            region=Region.objects.get(code="131082"),
            skills=["理货", "扫码出入库"],
            pay_min=4500,
            pay_max=6000,
            employment_type="全职",
            headcount=2,
            benefits="五险一金、工作餐",
            description="燕郊仓出入库扫码、盘点，白班为主。",
            valid_until=timezone.localdate() + dt.timedelta(days=30),
        )
    stdout.write(
        "  jobs: 李师傅 applied to 顺达物流 and was invited to an interview; "
        "张强's résumé is matched"
    )
    stdout.write(
        f"  jobs: employer {EMPLOYER_PHONE} / {DEMO_PASSWORD}  {EMPLOYER_NAME} "
        "→ /jobs/manage/posts/"
    )
