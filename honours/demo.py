"""Demo 劳模工匠: honours of the demo members in 石家庄 and 廊坊, recorded by the union staff
through the service; two agreed to a public profile, one has not yet (it shows on their own
page only). Idempotent: an honour already recorded is left alone."""

from __future__ import annotations

from accounts.selectors.users import user_get_by_phone
from honours.models import Honour
from honours.services import honour_consent_grant, honour_save
from regions.models import Region

PROVINCE_ADMIN = "13900000001"
LANGFANG_EDITOR = "13900000003"

HONOURS = [
    # phone, name, kind, level, title, year, region, employer, occupation, consents, story
    (
        "13800000001",
        "王伟",
        Honour.Kind.CRAFTSMAN,
        Honour.Level.PROVINCIAL,
        "河北工匠",
        2024,
        "130100",
        "石家庄冀中装备制造有限公司",
        "数控车工",
        True,
        "从业十八年，带领班组攻克大型齿轮箱壳体的加工变形难题，把一次合格率从 86% 提高到 99.2%。"
        "他总结的“三步定位法”在全厂推广，每年节约返工成本一百余万元。"
        "如今他带着 12 名徒弟，其中 5 人已取得高级技师证书。",
    ),
    (
        "13800000003",
        "刘鸿",
        Honour.Kind.MODEL_WORKER,
        Honour.Level.CITY,
        "石家庄市劳动模范",
        2023,
        "130102",
        "石家庄高新区电力检修公司",
        "变电检修技术员",
        True,
        "连续六年夏季迎峰度夏奔走在一线，带队完成 110 千伏变电站改造 14 座，"
        "牵头的“带电检测小组”发现并处置设备隐患 300 余处，保障了长安区老旧小区的用电安全。",
    ),
    (
        "13800000002",
        "李师傅",
        Honour.Kind.LABOUR_MEDAL,
        Honour.Level.PROVINCIAL,
        "河北省五一劳动奖章",
        2025,
        "131082",
        "三河市顺通物流有限公司",
        "货车司机",
        False,
        "安全驾驶重型货车 160 万公里零事故，2023 年汛期主动报名运送救灾物资 40 余车次。"
        "他发起的货车司机互助群帮助新入行的司机熟悉京津冀路况和停车点。",
    ),
]


def seed(*, stdout) -> None:
    staff = {phone: user_get_by_phone(phone=phone) for phone in (PROVINCE_ADMIN, LANGFANG_EDITOR)}
    if staff[PROVINCE_ADMIN] is None:
        stdout.write("  honours skipped: run accounts.demo first (no 13900000001)")
        return
    made = 0
    for (phone, name, kind, level, title, year, code, employer, occupation, consents,
         story) in HONOURS:  # fmt: skip
        member = user_get_by_phone(phone=phone)
        if member is None or Honour.objects.filter(user=member, title=title, year=year).exists():
            continue
        region = Region.objects.get(code=code)
        recorder = staff[LANGFANG_EDITOR] if code.startswith("1310") else None
        honour = honour_save(
            honour=Honour(
                user=member, name=name, kind=kind, level=level, title=title, year=year,
                region=region, employer=employer, occupation=occupation, story=story,
            ),
            actor=recorder or staff[PROVINCE_ADMIN],
        )  # fmt: skip
        if consents:
            honour_consent_grant(user=member, honour=honour)
        made += 1
    stdout.write(f"  劳模工匠: {made} honours recorded ({Honour.objects.count()} in all)")
