"""Demo content for activities, welcome packs, points and the mall (runs after the
membership demo). Idempotent: everything is looked up by title or idempotency key first."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone

from accounts.models import Credential
from accounts.models.membership import EmploymentForm
from accounts.selectors.users import user_get_by_phone
from accounts.services.wallet import credential_issue
from activities.models import Activity, Campaign, Claim, MallItem, PointsEntry, Signup
from activities.services import (
    activity_signup,
    campaign_quotas_set,
    mall_item_quotas_set,
    points_credit,
)
from activities.services.campaigns import CLAIM_SOURCE
from regions.models import Region


def _region(code: str) -> Region:
    return Region.objects.get(code=code)


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localtime() + timedelta(days=days)
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0)


def _campaigns(stdout) -> Campaign:
    now = timezone.now()
    tz = timezone.get_current_timezone()
    warm, created = Campaign.objects.get_or_create(
        title="廊坊市新就业形态劳动者暖新礼包",
        defaults={
            "kind": Campaign.Kind.WELCOME,
            "region": _region("131000"),
            "employment_form": EmploymentForm.NEW_FORM,
            "description": (
                "廊坊市总工会为新入会的快递员、外卖配送员、网约车和货车司机准备了暖新礼包："
                "保温水壶、冬季护膝、反光背心和一张职工互助保障卡。每位会员限领一份，"
                "领取后礼包券放入数字卡包，凭二维码到服务站现场领取。"
            ),
            "redemption_place": (
                "廊坊市职工服务中心（广阳区新华路）或三河市燕郊镇新就业形态劳动者服务站"
            ),
            "starts_at": now - timedelta(days=20),
            "ends_at": now + timedelta(days=60),
            "voucher_expires_at": now + timedelta(days=90),
            "total_stock": 300,
            "stock": 300,
        },
    )
    stdout.write(f"  campaign {warm.title} [{'created' if created else 'exists'}]")
    cool, created = Campaign.objects.get_or_create(
        title="2027年夏季职工清凉券",
        defaults={
            "kind": Campaign.Kind.COOLING,
            "region": _region("130000"),
            "membership_required": True,
            "description": (
                "高温季节，河北省总工会向一线职工、户外劳动者发放清凉券，"
                "可在各地“工会驿站”兑换绿豆汤、藿香正气水、防晒袖套等防暑用品。"
            ),
            "redemption_place": "全省各地工会户外劳动者服务站点（工会驿站）",
            "starts_at": datetime(2027, 6, 1, 8, 0, tzinfo=tz),
            "ends_at": datetime(2027, 8, 31, 18, 0, tzinfo=tz),
            "voucher_expires_at": datetime(2027, 9, 30, 18, 0, tzinfo=tz),
            "total_stock": 20000,
            "stock": 20000,
        },
    )
    stdout.write(f"  campaign {cool.title} [{'created' if created else 'exists'}]")
    return warm


# 廊坊's 300 packs: at most 100 for 三河 (燕郊's couriers) and 60 for 固安; the rest of the
# city shares what is left.
WARM_QUOTAS = [("131000", 300), ("131082", 100), ("131022", 60)]


def _quotas(warm: Campaign, stdout) -> None:
    if warm.quotas.exists():
        return
    editor = user_get_by_phone(phone="13900000003")  # 孙丽, 廊坊市总工会编辑
    if editor is None:
        return
    quotas = campaign_quotas_set(
        campaign=warm,
        quotas=[(_region(code), quota) for code, quota in WARM_QUOTAS],
        actor=editor,
    )
    stdout.write("  regional quotas: " + "，".join(f"{q.region.name} {q.quota}" for q in quotas))


# One mall item shared out by region; the rest of the province draws on what is left.
MALL_QUOTA_ITEM = "职工之家定制保温杯"
MALL_QUOTAS = [("130100", 80), ("131000", 60)]  # 石家庄市, 廊坊市


def _mall_quotas(stdout) -> None:
    item = MallItem.objects.filter(title=MALL_QUOTA_ITEM).first()
    admin = user_get_by_phone(phone="13900000001")  # 省总工会管理员
    if item is None or admin is None or item.quotas.exists():
        return
    quotas = mall_item_quotas_set(
        item=item, quotas=[(_region(code), quota) for code, quota in MALL_QUOTAS], actor=admin
    )
    stdout.write(
        f"  {item.title} by region: " + "，".join(f"{q.region.name} {q.quota}" for q in quotas)
    )


# Holiday points that lapse at the end of this year (the usual rule: end of next year).
EXPIRING_POINTS = [
    ("13800000001", 30, "“安康杯”安全知识竞赛参与积分（当年有效）", "demo:wang:ankang"),
    ("13800000002", 25, "货运司机“平安驾驶月”打卡积分（当年有效）", "demo:li:safe-month"),
]


def _expiring_points(stdout) -> None:
    local = timezone.localtime()
    year_end = datetime(local.year + 1, 1, 1, tzinfo=timezone.get_current_timezone())
    for phone, amount, reason, key in EXPIRING_POINTS:
        user = user_get_by_phone(phone=phone)
        if user is not None:
            points_credit(
                user=user,
                amount=amount,
                reason=reason,
                source=PointsEntry.Source.ACTIVITY,
                idempotency_key=key,
                expires_at=year_end,
            )
    stdout.write(f"  points expiring on {local.year}-12-31: {len(EXPIRING_POINTS)} members")


def _li_claimed_before_transfer(warm: Campaign, stdout) -> None:
    """李师傅 claimed his pack while still a 新就业形态 member in 固安 (before his
    transfer), so the record is written as it stood then, not through today's rule."""
    li = user_get_by_phone(phone="13800000002")
    if li is None or Claim.objects.filter(campaign=warm, user=li).exists():
        return
    claim = Claim.objects.create(
        campaign=warm, user=li, claimed_at=timezone.now() - timedelta(days=15)
    )
    Campaign.objects.filter(pk=warm.pk, stock__gt=0).update(stock=F("stock") - 1)
    claim.credential = credential_issue(
        user=li,
        kind=Credential.Kind.VOUCHER,
        title=warm.title,
        issuer="廊坊市总工会",
        source_type=CLAIM_SOURCE,
        source_id=claim.pk,
        data={"campaign_id": warm.pk, "redemption_place": warm.redemption_place},
        expires_at=warm.voucher_expires_at,
    )
    claim.save(update_fields=["credential"])
    stdout.write("  李师傅: claimed the 暖新礼包 (voucher in his wallet)")


ACTIVITIES = [
    {
        "title": "职工法律知识宣讲：劳动合同与竞业限制",
        "kind": Activity.Kind.LECTURE,
        "region": "130100",
        "days": 6,
        "hour": 19,
        "hours": 2,
        "place": "石家庄市职工服务中心三楼报告厅（长安区中山东路）",
        "online_url": "https://www.hebgh.org/live/",
        "capacity": 120,
        "points_award": 20,
        "membership_required": False,
        "employment_form": "",
        "description": (
            "石家庄市总工会法律服务团律师讲解劳动合同签订、加班费、竞业限制协议的常见问题，"
            "现场设问答环节；不能到场的职工可线上观看。"
        ),
    },
    {
        "title": "廊坊新就业形态劳动者专场招聘会",
        "kind": Activity.Kind.JOB_FAIR,
        "region": "131000",
        "days": 10,
        "hour": 9,
        "hours": 4,
        "place": "廊坊市人力资源市场一楼大厅（广阳区和平路）",
        "online_url": "",
        "capacity": 300,
        "points_award": 10,
        "membership_required": False,
        "employment_form": "",
        "description": (
            "物流、快递、即时配送、网约车企业现场招聘货车司机、快递员、站点管理等岗位；"
            "工会现场提供入会登记、法律咨询和互助保障办理。"
        ),
    },
    {
        "title": "三河快递小哥趣味运动会",
        "kind": Activity.Kind.CULTURE_SPORTS,
        "region": "131082",
        "days": 14,
        "hour": 14,
        "hours": 3,
        "place": "三河市燕郊镇体育公园",
        "online_url": "",
        "capacity": 60,
        "points_award": 30,
        "membership_required": True,
        "employment_form": EmploymentForm.NEW_FORM,
        "description": "拔河、定点投递、电动车慢骑等趣味项目，完赛有纪念品，签到得积分。",
    },
]


def _activities(stdout) -> None:
    for spec in ACTIVITIES:
        start = _at(spec["days"], spec["hour"])
        activity, created = Activity.objects.get_or_create(
            title=spec["title"],
            defaults={
                "kind": spec["kind"],
                "region": _region(spec["region"]),
                "starts_at": start,
                "ends_at": start + timedelta(hours=spec["hours"]),
                "place": spec["place"],
                "online_url": spec["online_url"],
                "capacity": spec["capacity"],
                "points_award": spec["points_award"],
                "membership_required": spec["membership_required"],
                "employment_form": spec["employment_form"],
                "description": spec["description"],
            },
        )
        stdout.write(f"  activity {activity.title} [{'created' if created else 'exists'}]")
    lecture = Activity.objects.get(title=ACTIVITIES[0]["title"])
    fair = Activity.objects.get(title=ACTIVITIES[1]["title"])
    for phone, activity in [
        ("13800000001", lecture),
        ("13800000003", lecture),
        ("13800000002", fair),
    ]:
        user = user_get_by_phone(phone=phone)
        if user is None or Signup.objects.filter(activity=activity, user=user).exists():
            continue
        if activity.starts_at > timezone.now():
            activity_signup(activity_id=activity.pk, user=user)
            stdout.write(f"  {user.display_name} signed up for {activity.title}")


POINTS = [
    (
        "13800000001",
        20,
        "完成课程《装配钳工安全操作规程》",
        PointsEntry.Source.COURSE,
        "demo:wang:1",
    ),
    ("13800000001", 20, "完成课程《数控机床日常维护》", PointsEntry.Source.COURSE, "demo:wang:2"),
    ("13800000001", 50, "通过“网上练兵”钳工技能测试", PointsEntry.Source.EXAM, "demo:wang:3"),
    ("13800000002", 30, "参加廊坊货运司机安全驾驶培训", PointsEntry.Source.ACTIVITY, "demo:li:1"),
    ("13800000002", 20, "完成课程《道路货运从业人员权益》", PointsEntry.Source.COURSE, "demo:li:2"),
    ("13800000003", 10, "评价12351热线服务", PointsEntry.Source.HOTLINE, "demo:liu:1"),
    ("13800000003", 40, "完成课程《劳动合同法要点》", PointsEntry.Source.COURSE, "demo:liu:2"),
    (
        "13800000004",
        15,
        "完成课程《快递员交通安全常识》",
        PointsEntry.Source.COURSE,
        "demo:zhang:1",
    ),
]

MALL = [
    ("职工之家定制保温杯", "304不锈钢，500毫升，印“职工之家·河北”字样。", 60, 200),
    ("职工健康体检套餐", "合作体检机构基础体检一次（血常规、肝功、心电图、胸部DR等）。", 300, 50),
    ("电影票兑换券", "全省合作影院2D电影票一张，有效期三个月。", 80, 150),
]


def seed(*, stdout) -> None:
    warm = _campaigns(stdout)
    _quotas(warm, stdout)
    _li_claimed_before_transfer(warm, stdout)
    _activities(stdout)
    for phone, amount, reason, source, key in POINTS:
        user = user_get_by_phone(phone=phone)
        if user is not None:
            points_credit(
                user=user, amount=amount, reason=reason, source=source, idempotency_key=key
            )
    _expiring_points(stdout)
    stdout.write(f"  points ledger rows: {PointsEntry.objects.count()}")
    province = _region("130000")
    for title, description, price, stock in MALL:
        MallItem.objects.get_or_create(
            title=title,
            defaults={
                "description": description,
                "points_price": price,
                "stock": stock,
                "region": province,
                "membership_required": True,
                "pickup_place": "各市、县（市、区）总工会职工服务中心",
            },
        )
    stdout.write(f"  mall items: {MallItem.objects.count()}")
    _mall_quotas(stdout)
    zhang = user_get_by_phone(phone="13800000004")
    if zhang is not None:
        stdout.write(
            "  张强 (新就业形态, 三河) meets the 暖新礼包 rule: he claims it at "
            f"/activities/benefits/{warm.pk}/ once 周建华 approves his 入会 application"
        )
