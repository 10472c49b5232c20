"""Demo content of the 12351 hotline: 刘鸿's non-compete question answered by 赵敏 with a
legal consultation booked for the next day, wage, social-insurance and a courier's
work-injury requests, canned replies and lawyers' slots. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import Role
from accounts.selectors.users import user_get_by_phone
from accounts.services.roles import role_assign
from accounts.services.users import user_create
from hotline.models import CannedReply, ConsultationSlot, HotlineRequest, HotlineTeamMember
from hotline.services import consultations
from hotline.services import requests as services
from hotline.services.canned import canned_reply_save
from regions.models import Region

CANNED = [
    (
        "竞业限制的经济补偿",
        "noncompete",
        "根据《劳动合同法》第二十三条、第二十四条，竞业限制期限不超过二年，用人单位应在竞业限制期限内"
        "按月给予劳动者经济补偿。用人单位三个月未支付经济补偿的，劳动者可以请求解除竞业限制约定。",
    ),
    (
        "拖欠工资怎么办",
        "wages",
        "用人单位应当按月足额支付工资。被拖欠工资时，请保留劳动合同、考勤记录、工资条或转账记录，"
        "可向当地劳动保障监察机构投诉，或申请劳动争议仲裁；工会可提供法律援助。",
    ),
    (
        "单位不给缴社保",
        "insurance",
        "依法参加社会保险是用人单位的义务。可向社会保险经办机构或劳动保障监察机构反映，要求补缴。",
    ),
    (
        "新就业形态劳动者职业伤害保障",
        "injury",
        "快递员、网约配送员等新就业形态劳动者在平台工作中受伤，可按职业伤害保障办法申请待遇；"
        "请保存接单记录、就医材料，并及时联系平台和当地工会。",
    ),
]

REQUESTS = [
    ("13800000002", "131000", "assistance", "wages", "运输公司拖欠三个月运费提成",
     "我在廊坊跑货运，公司拖欠了三个月的提成，一直说资金紧张，想问怎么维权。"),
    ("13800000001", "130102", "consultation", "insurance", "单位试用期不给交社保",
     "试用期三个月，单位说转正后才交社保，这样合法吗？"),
    ("13800000004", "131082", "legal_aid", "injury", "送快递路上摔伤，站点不管",
     "我在三河送快递，雨天路滑摔伤了手腕，站点说我是外包的不算工伤，医药费都是自己垫的。"),
]  # fmt: skip


def _user(phone: str, name: str, *, staff: bool = False):
    user = user_get_by_phone(phone=phone)
    if user is None:
        user = user_create(phone=phone, password=DEMO_PASSWORD, display_name=name, is_staff=staff)
    return user


def seed(*, stdout) -> None:
    admin = user_get_by_phone(phone="13900000001")
    zhao = user_get_by_phone(phone="13900000002")
    liu = user_get_by_phone(phone="13800000003")
    _user("13800000004", "张强")
    zhou = _user("13900000004", "周建华（三河市总工会）", staff=True)
    sjz, langfang, sanhe = (Region.objects.get(code=c) for c in ("130100", "131000", "131082"))
    role_assign(user=zhou, role=Role.HOTLINE_SUPERVISOR, region=sanhe)
    for user, region in ((zhao, sjz), (zhou, sanhe)):
        HotlineTeamMember.objects.get_or_create(user=user, region=region)
    stdout.write("  team: 赵敏 · 石家庄市, 周建华 · 三河市")

    for title, topic, body in CANNED:
        if not CannedReply.objects.filter(title=title).exists():
            canned_reply_save(actor=admin, title=title, body=body, topic=topic)
    stdout.write(f"  canned replies: {CannedReply.objects.count()}")

    tomorrow = timezone.localtime() + timedelta(days=1)
    slot_times = [
        tomorrow.replace(hour=h, minute=0, second=0, microsecond=0) for h in (9, 10, 14, 15)
    ]
    for when in slot_times:
        for region, lawyer, place in (
            (sjz, "张律师（市总工会法律援助中心）", "石家庄市总工会法律援助中心 / 视频"),
            (langfang, "王律师（廊坊职工法律服务站）", "廊坊市职工服务中心二楼"),
        ):
            if not ConsultationSlot.objects.filter(region=region, starts_at=when).exists():
                consultations.consultation_slot_create(
                    actor=admin, region=region, counsellor=lawyer, place=place,
                    starts_at=when, ends_at=when + timedelta(minutes=50),
                )  # fmt: skip
    stdout.write("  lawyers' slots for tomorrow in 石家庄 and 廊坊")

    title = "离职后公司要求遵守竞业限制但不给补偿"
    if not HotlineRequest.objects.filter(member=liu, title=title).exists():
        request = services.hotline_request_submit(
            member=liu,
            kind="consultation",
            topic="noncompete",
            title=title,
            description="我是石家庄一家装备制造企业的技术员，入职时签了竞业限制协议。现在想跳槽，"
            "公司说两年内不能去同行业，但离职后一直没有给补偿金。这个协议还有效吗？",
            region=Region.objects.get(code="130102"),
        )
        services.hotline_request_assign(actor=admin, request=request, agent=zhao)
        services.hotline_reply(
            actor=zhao,
            request=request,
            body="刘先生您好，竞业限制期间用人单位应按月支付经济补偿；三个月未支付的，您可以请求解除"
            "竞业限制约定。已为您预约明天上午的律师咨询，请带上协议原件和离职证明。",
        )
        slot = ConsultationSlot.objects.filter(region=sjz, starts_at=slot_times[0]).first()
        if slot is not None and not slot.bookings.filter(status="booked").exists():
            consultations.consultation_book(actor=zhao, request=request, slot=slot)
    stdout.write("  刘鸿's non-compete request, answered by 赵敏, consultation booked")

    for phone, code, kind, topic, req_title, description in REQUESTS:
        member = user_get_by_phone(phone=phone)
        if member is None or HotlineRequest.objects.filter(member=member, title=req_title).exists():
            continue
        services.hotline_request_submit(
            member=member, kind=kind, topic=topic, title=req_title,
            description=description, region=Region.objects.get(code=code),
        )  # fmt: skip
    stdout.write(f"  requests: {HotlineRequest.objects.count()}")
