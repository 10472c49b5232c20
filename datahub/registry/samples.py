"""Valid sample rows for any stored work database, made from its declaration: the demo
(``datahub.demo_works``), the benchmark (``bench/datahub_import.py --work``) and the tests
all fill files this way, so a new declaration gets demo data and a benchmark for free."""

from __future__ import annotations

import csv
import datetime
import io
import random
from collections.abc import Iterator, Sequence
from typing import Any

from stdnum.cn import ric, uscc

from datahub.registry.schema import FieldSpec, WorkDatabase

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰春梅海波宁"
EMPLOYERS = (
    "河北钢铁集团唐山钢铁有限公司",
    "石家庄四药有限公司",
    "廊坊新奥燃气有限公司",
    "保定长城汽车股份有限公司",
    "沧州渤海新区港务有限公司",
    "邯郸矿业集团有限公司",
    "秦皇岛港股份有限公司",
    "衡水老白干酒业股份有限公司",
    "邢台旭阳煤化工有限公司",
    "张家口卷烟厂",
    "承德露露股份有限公司",
    "三河市燕郊镇快递服务站",
)
TEXT_POOLS = {
    "union_name": (
        "唐钢公司工会",
        "石药集团工会",
        "新奥集团工会",
        "长城汽车工会",
        "燕郊快递行业联合工会",
    ),
    "position": ("工会主席", "工会副主席", "经费审查委员", "女职工委员", "组织委员"),
    "home_name": (
        "唐钢炼钢厂职工之家",
        "燕郊快递小哥驿站",
        "石药车间职工小家",
        "沧州港码头职工之家",
    ),
    "room_name": ("唐钢职工书屋", "三河市新业态职工书屋", "衡水老白干职工书屋"),
    "record_no": None,
    "policy_no": None,
    "claim_no": None,
    "case_no": None,
    "inspection_no": None,
    "asset_no": None,
    "trade": ("焊工", "电工", "钳工", "数控车工", "汽车维修工", "快递员"),
    "contest": ("河北省“冀高一筹”职工技能大赛", "唐山市职工焊工技能竞赛", "廊坊市快递员技能比武"),
    "course": ("电工上岗证培训", "新就业形态劳动者安全培训", "工业机器人操作培训"),
    "platform": ("美团", "饿了么", "顺丰速运", "滴滴出行", "货拉拉"),
    "base": ("北戴河职工疗休养基地", "承德避暑山庄疗休养基地", "白洋淀疗休养基地"),
    "asset_name": ("职工服务中心", "职工文体活动中心", "职工服务车", "体检设备"),
    "merchant": ("石家庄北国商城", "廊坊万达影城", "保定直隶总督署景区", "唐山南湖健身中心"),
    "month": None,
}


def _name(rnd: random.Random) -> str:
    return rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2))))


def id_number_for(code: str, birth: datetime.date, seq: int) -> str:
    body = f"{code}{birth:%Y%m%d}{seq % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def uscc_for(code: str, seq: int) -> str:
    body = f"91{code}MA{seq % 10**7:07d}"[:17]
    return body + uscc.calc_check_digit(body)


def _value(spec: FieldSpec, rnd: random.Random, seq: int, region: str, today: datetime.date) -> Any:
    kind = spec.type
    if kind == "choice":
        return rnd.choice(spec.choices)
    if kind == "int":
        low = int(spec.min_value if spec.min_value is not None else 0)
        high = int(min(spec.max_value if spec.max_value is not None else 1000, low + 500))
        return str(rnd.randint(low, high))
    if kind == "decimal":
        low = float(spec.min_value or 0)
        high = float(min(spec.max_value or 1000, max(low + 1, 50_000)))
        return f"{rnd.uniform(low, high):.2f}"
    if kind == "date":
        return (today - datetime.timedelta(days=rnd.randint(30, 3000))).isoformat()
    if kind == "bool":
        return rnd.choice(("是", "否"))
    if kind == "phone":
        return f"1{rnd.choice('3578')}{rnd.randint(0, 999_999_999):09d}"
    if kind == "id_number":
        birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=seq % 14_000)
        # City codes valid for every birth year (a county's code may be younger than the person).
        return id_number_for(("130100", "130200")[seq % 2], birth, seq // 14_000)
    if kind == "uscc":
        return uscc_for(region, seq)
    if kind == "region":
        return region
    if spec.name == "name":
        return _name(rnd)
    if spec.name == "employer":
        return rnd.choice(EMPLOYERS)
    pool = TEXT_POOLS.get(spec.name)
    if spec.name == "month":
        return f"{today.year - 1}-{seq % 12 + 1:02d}"
    if pool is None:
        return f"{spec.name[:2].upper()}{seq:09d}"[: spec.max_length]
    return rnd.choice(pool)


def sample_rows(
    database: WorkDatabase, *, count: int, regions: Sequence[str], seed: int = 0, start: int = 0
) -> Iterator[list[str]]:
    """``count`` valid rows (in declaration order of the fields), numbered from ``start`` so
    their dedupe keys differ; ``regions`` are county codes the rows are spread over."""
    rnd = random.Random(seed)  # noqa: S311 - sample data, not secrets
    today = datetime.date.today()
    specs = database.field_map
    unique_ish = any(
        specs[n].type in ("id_number", "uscc")
        or (specs[n].type == "text" and TEXT_POOLS.get(n, ()) is None)
        for n in database.dedupe_key
    )
    numbered = (
        None if unique_ish else next(n for n in database.dedupe_key if specs[n].type == "text")
    )
    # Rules compare two fields of a row: a valid row puts the later/larger value second.
    for seq in range(start, start + count):
        region = regions[seq % len(regions)]
        values = {s.name: _value(s, rnd, seq, region, today) for s in database.fields}
        if numbered:
            values[numbered] = f"{values[numbered]}（{seq + 1}号）"
        for rule in database.rules:
            low, high = sorted([values[rule.left], values[rule.right]], key=_sort_key)
            small, big = (rule.left, rule.right) if rule.op == "<=" else (rule.right, rule.left)
            values[small], values[big] = low, high
        yield [values[s.name] for s in database.fields]


def _sort_key(value: str) -> Any:
    try:
        return float(value)
    except ValueError:
        return value


def sample_csv(database: WorkDatabase, rows: Iterator[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([s.label for s in database.fields])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
