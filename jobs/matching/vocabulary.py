"""The vocabularies the engine normalises to: occupations (titles and their neighbours),
certificates (a higher driving licence covers the lower ones), education levels."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence

# --- taxonomy ------------------------------------------------------------------------------

#: code → (display name, titles and synonyms). Longer synonyms win over shorter ones.
OCCUPATIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "truck_driver": (
        "货车司机",
        (
            "货车司机",
            "货运司机",
            "重卡司机",
            "卡车司机",
            "大货车司机",
            "物流司机",
            "半挂司机",
            "牵引车司机",
            "集卡司机",
            "冷链司机",
            "厢式货车司机",
            "危货司机",
            "货车驾驶员",
        ),
    ),
    "taxi_driver": (
        "出租车/网约车司机",
        ("出租车司机", "网约车司机", "专车司机", "快车司机", "出租司机", "的哥"),
    ),
    "courier": (
        "快递员",
        ("快递员", "快递派送员", "快递小哥", "派件员", "揽收员", "收派员", "快递配送员", "快递"),
    ),
    "rider": ("外卖骑手", ("外卖骑手", "配送骑手", "外卖员", "送餐员", "骑手", "跑腿骑手")),
    "forklift": ("叉车司机", ("叉车司机", "叉车工", "叉车操作员", "叉车")),
    "warehouse": (
        "仓库管理员",
        ("仓库管理员", "仓管员", "库管员", "仓储管理员", "理货员", "仓管", "库管"),
    ),
    "welder": ("焊工", ("电焊工", "氩弧焊工", "二保焊工", "焊工", "气焊工", "电焊")),
    "electrician": ("电工", ("维修电工", "低压电工", "高压电工", "设备电工", "电工")),
    "fitter": ("钳工", ("装配钳工", "机修钳工", "钳工")),
    "cnc": (
        "数控操作工",
        ("数控车床操作工", "CNC操作员", "数控车工", "数控操作工", "加工中心操作工", "CNC"),
    ),
    "operator": (
        "普工/操作工",
        ("普工", "操作工", "生产工人", "流水线工人", "装配工", "包装工", "车间工人"),
    ),
    "rebar": ("钢筋工", ("建筑钢筋工", "钢筋工")),
    "scaffolder": ("架子工", ("建筑架子工", "架子工")),
    "mechanic": ("汽车维修工", ("汽修技师", "汽车维修工", "汽修工", "汽车修理工", "汽修")),
    "security": ("保安员", ("保安员", "安保人员", "保安", "门卫", "安保")),
    "cleaner": ("保洁员", ("保洁员", "物业保洁", "清洁工", "保洁", "保洁阿姨")),
    "cook": ("厨师", ("中餐厨师", "厨师", "炒锅厨师", "面点师", "厨工")),
    "waiter": ("服务员", ("餐厅服务员", "服务员", "传菜员", "前厅服务员")),
    "hairdresser": ("美发师", ("美发师", "理发师", "发型师")),
    "nurse": ("护士", ("临床护士", "护士", "护师")),
    "carer": ("护工/养老护理员", ("养老护理员", "护工", "护理员", "陪护")),
    "accountant": ("会计", ("财务会计", "会计", "出纳", "成本会计")),
    "clerk": ("文员", ("行政文员", "办公室文员", "文员", "行政助理", "行政专员")),
    "customer_service": ("客服", ("电话客服", "客服专员", "客服代表", "客服")),
    "sales": ("销售", ("销售代表", "销售专员", "业务员", "销售经理", "销售")),
    "developer": (
        "软件开发工程师",
        (
            "后端开发工程师",
            "Java开发工程师",
            "软件工程师",
            "程序员",
            "开发工程师",
            "前端开发工程师",
        ),
    ),
}

#: Neighbouring occupations: a seeker of one would consider the other (skills carry over).
RELATED: tuple[tuple[str, str], ...] = (
    ("forklift", "warehouse"),
    ("courier", "warehouse"),
    ("courier", "rider"),
    ("courier", "truck_driver"),
    ("truck_driver", "taxi_driver"),
    ("customer_service", "clerk"),
    ("customer_service", "sales"),
    ("cnc", "fitter"),
    ("cnc", "operator"),
    ("operator", "warehouse"),
    ("fitter", "electrician"),
    ("fitter", "welder"),
    ("rebar", "scaffolder"),
    ("nurse", "carer"),
    ("security", "cleaner"),
    ("waiter", "cook"),
)

OCC_CODES: tuple[str, ...] = tuple(OCCUPATIONS)
OCC_INDEX = {code: i for i, code in enumerate(OCC_CODES)}
UNKNOWN_OCC = len(OCC_CODES)
_SYNONYMS = sorted(
    ((_s.lower(), code) for code, (_n, syns) in OCCUPATIONS.items() for _s in syns),
    key=lambda item: -len(item[0]),
)
RELATED_PAIRS = {frozenset(pair) for pair in RELATED}

RELATED_FIT = 0.35
#: A title outside the taxonomy: bigram similarity of titles, scaled below a true match.
UNKNOWN_TITLE_SCALE = 0.8

_BRACKETS = re.compile(r"[（(【\[].*?[）)】\]]")
_TITLE_NOISE = re.compile(r"^(急招|招聘|诚聘|高薪招聘|长期招聘)|(若干名?|数名)$")


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


@functools.lru_cache(maxsize=4096)
def normalise_title(title: str) -> str | None:
    """The occupation code of a job title, or None if it is outside the taxonomy."""
    text = _TITLE_NOISE.sub("", _BRACKETS.sub("", _nfkc(title))).lower().strip()
    if not text:
        return None
    for synonym, code in _SYNONYMS:
        if text == synonym:
            return code
    for synonym, code in _SYNONYMS:
        if synonym in text:
            return code
    return None


def occupation_name(code: str | None) -> str:
    return OCCUPATIONS[code][0] if code in OCCUPATIONS else ""


def occupation_fit(seeker: Iterable[str], post: str | None) -> float:
    seeker = set(seeker)
    if post is None:
        return 0.0
    if post in seeker:
        return 1.0
    if any(frozenset((post, s)) in RELATED_PAIRS for s in seeker):
        return RELATED_FIT
    return 0.0


def title_bigrams(text: str) -> set[str]:
    text = _BRACKETS.sub("", _nfkc(text)).lower()
    return {text[i : i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


def title_similarity(seeker_titles: Sequence[str], post_title: str) -> float:
    post = title_bigrams(post_title)
    best = 0.0
    for title in seeker_titles:
        mine = title_bigrams(title)
        if mine and post:
            best = max(best, len(mine & post) / len(mine | post))
    return best


# --- certificates, education, location --------------------------------------------------------

_LICENCE = re.compile(r"^(A1|A2|A3|B1|B2|C1|C2)(驾驶证|驾照|证|照)?$", re.IGNORECASE)
#: A driving licence class also entitles its holder to drive these classes.
LICENCE_COVERS = {
    "A1": ("A3", "B1", "B2", "C1", "C2"),
    "A2": ("B1", "B2", "C1", "C2"),
    "A3": ("C1", "C2"),
    "B1": ("C1", "C2"),
    "B2": ("C1", "C2"),
    "C1": ("C2",),
    "C2": (),
}
_CERT_ALIASES = {
    "电焊证": "焊工证",
    "焊工操作证": "焊工证",
    "低压电工证": "电工证",
    "高压电工证": "电工证",
    "电工操作证": "电工证",
    "叉车操作证": "叉车证",
    "n1叉车证": "叉车证",
    "n1证": "叉车证",
    "网约车证": "网约车驾驶员证",
    "网约车资格证": "网约车驾驶员证",
    "护士证": "护士执业证书",
    "护士资格证": "护士执业证书",
    "保安证": "保安员证",
    "会计初级职称": "初级会计职称",
}


def normalise_certificate(name: str) -> str:
    text = _nfkc(name).replace(" ", "")
    match = _LICENCE.match(text)
    if match:
        return f"{match.group(1).upper()}驾驶证"
    return _CERT_ALIASES.get(text.lower(), text)


def certificates_held(names: Iterable[str]) -> set[str]:
    """The certificates a seeker effectively holds (a licence implies the lower classes)."""
    held: set[str] = set()
    for name in names:
        cert = normalise_certificate(name)
        if not cert:
            continue
        held.add(cert)
        licence = cert[:2]
        if cert.endswith("驾驶证") and licence in LICENCE_COVERS:
            held.update(f"{c}驾驶证" for c in LICENCE_COVERS[licence])
    return held


EDUCATION_LEVELS = {
    "不限": 0,
    "小学": 0,
    "初中": 1,
    "高中": 2,
    "中专": 2,
    "中技": 2,
    "技校": 2,
    "职高": 2,
    "大专": 3,
    "高职": 3,
    "本科": 4,
    "硕士": 5,
    "研究生": 5,
    "博士": 6,
}
EMPLOYMENT_TYPES = ("全职", "兼职", "灵活用工")


def education_level(name: str) -> int:
    return EDUCATION_LEVELS.get(_nfkc(name).replace("及以上", ""), 0)
