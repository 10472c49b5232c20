"""The matching engine: ranks job posts for a résumé (and résumés for a post) and explains why.

Pure, deterministic Python (numpy/scipy for speed); no database access. The site, the Celery
tasks, ``evaluate_matching`` and the benchmarks all use this module, so what is measured is
what members see.

How a pair is judged, in the order a union job counsellor would:

1. **Occupation.** Titles are normalised to an occupation taxonomy (货车司机 = 货运司机 = 重卡司机),
   from the post's *title* only: "另招保安若干" in a description does not make a security job.
   Same occupation counts fully, a neighbouring one (叉车司机 ↔ 仓管员) a little; a title outside
   the taxonomy falls back to character-bigram similarity of the titles.
2. **Certificates are a hard requirement.** A missing licence sinks the post (and says so:
   "缺少叉车证"); a higher driving licence covers the lower ones (A2 covers B2).
3. **Fit**, each in [0, 1] and weighted equally, because each is a separate reason a seeker
   would turn a post down: location (county before city before province), employment type,
   pay (the post's maximum against the expected pay, degrading with the gap), experience
   and education (short by a little is better than short by a lot).
4. **Text relevance** of skills and description (rjieba-segmented, TF-IDF over a sparse
   matrix, cosine) breaks ties between otherwise equal posts.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
import weakref
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import rjieba
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

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
_OCC_INDEX = {code: i for i, code in enumerate(OCC_CODES)}
UNKNOWN_OCC = len(OCC_CODES)
_SYNONYMS = sorted(
    ((_s.lower(), code) for code, (_n, syns) in OCCUPATIONS.items() for _s in syns),
    key=lambda item: -len(item[0]),
)
_RELATED_SET = {frozenset(pair) for pair in RELATED}

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
    if any(frozenset((post, s)) in _RELATED_SET for s in seeker):
        return RELATED_FIT
    return 0.0


def _bigrams(text: str) -> set[str]:
    text = _BRACKETS.sub("", _nfkc(text)).lower()
    return {text[i : i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


def title_similarity(seeker_titles: Sequence[str], post_title: str) -> float:
    post = _bigrams(post_title)
    best = 0.0
    for title in seeker_titles:
        mine = _bigrams(title)
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

LOC_COUNTY = 1.0
LOC_CITY = 0.8
LOC_PROVINCE = 0.1


def education_level(name: str) -> int:
    return EDUCATION_LEVELS.get(_nfkc(name).replace("及以上", ""), 0)


def pay_fit(expected: int | None, pay_min: int, pay_max: int) -> float:
    """1 when the post can pay what the seeker expects; less the further its maximum falls
    short (30 % short or more counts as no fit)."""
    if not expected:
        return 1.0
    top = max(pay_max or 0, pay_min or 0)
    if top >= expected:
        return 1.0
    return max(0.0, 1.0 - (expected - top) / (0.3 * expected))


def experience_fit(years: float, required: float) -> float:
    """1 with enough experience; a year short costs half, two years short all."""
    if years >= required:
        return 1.0
    return max(0.0, 1.0 - 0.5 * (required - years))


def education_fit(level: int, required: int) -> float:
    if level >= required:
        return 1.0
    return 0.25 if required - level == 1 else 0.0


#: Weights of the fit signals (equal: each is a separate reason to turn a post down).
W_LOCATION, W_TYPE, W_PAY, W_EXPERIENCE, W_EDUCATION = 1.0, 1.0, 1.0, 1.0, 1.0
W_TEXT = 0.3
_W_SUM = W_LOCATION + W_TYPE + W_PAY + W_EXPERIENCE + W_EDUCATION + W_TEXT
#: A post missing a required certificate keeps this share of its score (ranked, but last).
MISSING_CERT_FACTOR = 0.05
#: Share of the score that comes from the occupation alone.
OCC_BASE = 0.3


# --- documents ------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobDoc:
    id: str
    title: str
    city: str = ""
    county: str = ""
    description: str = ""
    skills: tuple[str, ...] = ()
    certificates: tuple[str, ...] = ()
    pay_min: int = 0
    pay_max: int = 0
    experience_years: float = 0
    education: str = "不限"
    employment_type: str = "全职"
    occupation: str | None = None  # taxonomy code; derived from the title when None

    @property
    def occupation_code(self) -> str | None:
        return self.occupation if self.occupation in OCCUPATIONS else normalise_title(self.title)


@dataclass(frozen=True)
class ResumeDoc:
    id: str
    city: str = ""
    county: str = ""
    desired_titles: tuple[str, ...] = ()
    desired_cities: tuple[str, ...] = ()
    expected_pay: int | None = None
    experience_years: float = 0
    education: str = "不限"
    certificates: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    employment_types: tuple[str, ...] = ()
    history_titles: tuple[str, ...] = ()
    summary: str = ""

    def seeker_titles(self) -> tuple[str, ...]:
        return self.desired_titles or self.history_titles

    def occupation_codes(self) -> set[str]:
        return {c for c in map(normalise_title, self.seeker_titles()) if c}

    def cities(self) -> set[str]:
        cities = set(self.desired_cities)
        if self.city:
            cities.add(self.city)
        return cities


def occupation_key(resume: ResumeDoc) -> tuple[str, ...]:
    """Résumés with the same key share their candidate posts and occupation fit, so the
    batch path scores them together (the nightly refresh orders its chunks by it)."""
    titles = resume.seeker_titles()
    codes = sorted({c for c in map(normalise_title, titles) if c})
    return tuple(codes) if codes else ("", *titles)


def resume_missing_fields(resume: ResumeDoc) -> list[str]:
    """What a résumé lacks before matching can say anything useful (empty when ready)."""
    missing = []
    if not resume.seeker_titles():
        missing.append("期望职位或工作经历")
    if not resume.cities():
        missing.append("期望城市或所在城市")
    return missing


_EXTRA_HIRING = re.compile(r"[，,；;。]?\s*(另招|另外招聘|同时招聘|另聘|兼招)[^；;。]*")


def job_text(job: JobDoc) -> str:
    # "另招行政文员若干名" describes another post, not this one.
    return " ".join((*job.skills, _EXTRA_HIRING.sub("", job.description or "")))


def resume_text(resume: ResumeDoc) -> str:
    return " ".join((*resume.skills, *resume.history_titles, resume.summary or ""))


def _tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text or "").lower()
    return [t for t in rjieba.cut(text) if len(t.strip()) > 1 or t.isalnum()]


def _term_counter() -> CountVectorizer:
    """The one tokenisation of post and résumé text (rjieba terms, counted)."""
    return CountVectorizer(tokenizer=_tokens, lowercase=False, token_pattern=None, dtype=np.float32)


# --- explanations ---------------------------------------------------------------------------


@dataclass
class Match:
    job_id: str
    score: float  # 0–100
    reasons: list[str] = field(default_factory=list)  # in favour
    gaps: list[str] = field(default_factory=list)  # against ("缺少叉车证")

    @property
    def explanation(self) -> str:
        return "；".join(self.reasons + self.gaps)


@dataclass(frozen=True)
class Components:
    occupation: float
    missing_certs: tuple[str, ...]
    location: float
    employment_type: float
    pay: float
    experience: float
    education: float
    text: float

    @property
    def score(self) -> float:
        fit = (
            W_LOCATION * self.location
            + W_TYPE * self.employment_type
            + W_PAY * self.pay
            + W_EXPERIENCE * self.experience
            + W_EDUCATION * self.education
            + W_TEXT * self.text
        ) / _W_SUM
        value = self.occupation * (OCC_BASE + (1 - OCC_BASE) * fit)
        if self.missing_certs:
            value *= MISSING_CERT_FACTOR
        return round(100.0 * value, 4)


def pair_components(resume: ResumeDoc, job: JobDoc, *, text: float = 0.0) -> Components:
    """The signals for one pair (the per-pair path; ``text`` comes from the TF-IDF index)."""
    job_occ = job.occupation_code
    seeker_occ = resume.occupation_codes()
    if job_occ is None or not seeker_occ:
        occ = UNKNOWN_TITLE_SCALE * title_similarity(resume.seeker_titles(), job.title)
    else:
        occ = occupation_fit(seeker_occ, job_occ)
    held = certificates_held(resume.certificates)
    missing = tuple(
        c for c in dict.fromkeys(map(normalise_certificate, job.certificates)) if c not in held
    )
    if resume.county and job.county == resume.county:
        loc = LOC_COUNTY
    elif job.city and job.city in resume.cities():
        loc = LOC_CITY
    else:
        loc = LOC_PROVINCE
    etype = (
        1.0
        if not resume.employment_types or job.employment_type in resume.employment_types
        else 0.0
    )
    return Components(
        occupation=occ,
        missing_certs=missing,
        location=loc,
        employment_type=etype,
        pay=pay_fit(resume.expected_pay, job.pay_min, job.pay_max),
        experience=experience_fit(resume.experience_years, job.experience_years),
        education=education_fit(education_level(resume.education), education_level(job.education)),
        text=text,
    )


def explain(resume: ResumeDoc, job: JobDoc, comp: Components) -> Match:
    """Plain-Chinese reasons for a pair, from the same components that scored it."""
    reasons: list[str] = []
    gaps: list[str] = []
    job_occ = job.occupation_code
    if comp.occupation >= 1.0:
        reasons.append(f"职位对口（{occupation_name(job_occ) or job.title}）")
    elif comp.occupation > 0 and job_occ:
        reasons.append(f"相近职位（{occupation_name(job_occ)}）")
    elif comp.occupation > 0:
        reasons.append("职位名称相近")
    else:
        gaps.append("与期望职位不符")
    for cert in dict.fromkeys(map(normalise_certificate, job.certificates)):
        if cert not in comp.missing_certs:
            reasons.append(f"持有{cert}")
    gaps.extend(f"缺少{cert}" for cert in comp.missing_certs)
    if comp.location == LOC_COUNTY:
        reasons.append(f"同在{job.county}")
    elif comp.location == LOC_CITY:
        reasons.append(f"同在{job.city}")
    else:
        gaps.append(f"工作地在{job.city or '外地'}，不在期望城市")
    if comp.employment_type:
        reasons.append(f"用工形式符合（{job.employment_type}）")
    else:
        gaps.append(f"用工形式为{job.employment_type}，与期望不同")
    if comp.pay >= 1.0:
        if resume.expected_pay:
            reasons.append("薪资符合期望")
    else:
        gaps.append(f"薪资最高{job.pay_max}元，低于期望{resume.expected_pay}元")
    if comp.experience >= 1.0:
        if job.experience_years:
            reasons.append(f"工作经验满足（要求{job.experience_years:g}年）")
    else:
        gaps.append(f"要求{job.experience_years:g}年经验，现有{resume.experience_years:g}年")
    if comp.education >= 1.0:
        if education_level(job.education):
            reasons.append(f"学历满足（{job.education}及以上）")
    else:
        gaps.append(f"要求{job.education}及以上学历")
    if comp.text >= 0.2:
        reasons.append("技能与岗位描述相符")
    return Match(job_id=job.id, score=comp.score, reasons=reasons, gaps=gaps)


def score_pair_naive(resume: ResumeDoc, job: JobDoc, *, text: float = 0.0) -> Match:
    """The straightforward per-pair scorer (reference for tests and benchmarks)."""
    return explain(resume, job, pair_components(resume, job, text=text))


# --- vectorised signals (one definition for both directions) ---------------------------------
#
# Elementwise, these are the arithmetic of ``Components.score`` in the same order; the post →
# résumés direction (``ResumeIndex``) calls the very same functions as the résumé → posts one
# (``JobIndex``), so a pair gets a bit-identical score whichever way it is ranked.


def _pay_fits(expected: np.ndarray, top: np.ndarray) -> np.ndarray:
    """``pay_fit`` over arrays (expected 0 = none given; ``top`` = max(pay_max, pay_min))."""
    has_pay = expected > 0
    safe = np.where(has_pay, expected, 1.0)
    return np.where(has_pay, np.clip(1.0 - (safe - top) / (0.3 * safe), 0, 1), 1.0)


def _experience_fits(years: np.ndarray, required: np.ndarray) -> np.ndarray:
    return np.clip(1.0 - 0.5 * (required - years), 0, 1)


def _education_fits(levels: np.ndarray, required: np.ndarray) -> np.ndarray:
    """Both int16, so the gap is computed in the same type either way."""
    gap = required - levels
    return np.where(gap <= 0, 1.0, np.where(gap == 1, 0.25, 0.0))


def _jaccard(inter: np.ndarray, union: np.ndarray) -> np.ndarray:
    """Title-bigram Jaccard from float32 counts (divided in float32, as it always was)."""
    return np.divide(inter, union, out=np.zeros(len(inter)), where=union > 0)


def _scores(
    occ: np.ndarray,
    loc: np.ndarray,
    etype: np.ndarray,
    pay: np.ndarray,
    exp: np.ndarray,
    edu: np.ndarray,
    text: np.ndarray,
    missing: np.ndarray | None,
) -> np.ndarray:
    """``Components.score`` over arrays: 0–100, rounded to 4 places."""
    fit = (
        W_LOCATION * loc
        + W_TYPE * etype
        + W_PAY * pay
        + W_EXPERIENCE * exp
        + W_EDUCATION * edu
        + W_TEXT * text
    ) / _W_SUM
    score = occ * (OCC_BASE + (1 - OCC_BASE) * fit)
    if missing is not None:
        score = np.where(missing, score * MISSING_CERT_FACTOR, score)
    return np.round(100.0 * score, 4)


# --- the index ------------------------------------------------------------------------------


class JobIndex:
    """Job posts held as column arrays and a TF-IDF matrix; ranks one résumé in a few ms.

    Build once per set of active posts (the site keeps one per process and rebuilds it when
    the posts change); it is read-only afterwards, so a worker can share it between tasks.
    """

    def __init__(self, jobs: Sequence[JobDoc]):
        self.jobs = list(jobs)
        n = len(self.jobs)
        self.ids = [j.id for j in self.jobs]
        self._pos = {jid: i for i, jid in enumerate(self.ids)}
        self.occ = np.array(
            [_OCC_INDEX.get(j.occupation_code, UNKNOWN_OCC) for j in self.jobs], dtype=np.int16
        ).reshape(n)
        self._cities = _Vocab()
        self.city = np.array([self._cities.id(j.city) for j in self.jobs], dtype=np.int32)
        self.county = np.array(
            [self._cities.id(f"{j.city}/{j.county}") for j in self.jobs], dtype=np.int32
        )
        self.pay_top = np.array([max(j.pay_max, j.pay_min) for j in self.jobs], dtype=np.float64)
        self.exp = np.array([j.experience_years for j in self.jobs], dtype=np.float64)
        self.edu = np.array([education_level(j.education) for j in self.jobs], dtype=np.int8)
        self._types = _Vocab()
        self.etype = np.array(
            [self._types.id(j.employment_type) for j in self.jobs], dtype=np.int16
        )
        self._certs = _Vocab()
        rows, cols = [], []
        for i, job in enumerate(self.jobs):
            for cert in dict.fromkeys(map(normalise_certificate, job.certificates)):
                rows.append(i)
                cols.append(self._certs.id(cert))
        self.certs = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)),
            shape=(n, max(1, len(self._certs))),
        )
        # TF-IDF in its two public steps (what TfidfVectorizer does inside), so that term
        # counts kept per résumé (``ResumeIndex``) are weighted exactly as fresh text is.
        self._counter = _term_counter()
        self._tfidf = TfidfTransformer(sublinear_tf=True)
        if n:
            counts = self._counter.fit_transform([job_text(j) for j in self.jobs])
            self.text = sparse.csr_matrix(self._tfidf.fit_transform(counts))
        else:
            self.text = sparse.csr_matrix((0, 1), dtype=np.float32)
        # Character bigrams of titles, for titles outside the taxonomy (Jaccard, vectorised).
        self._bigram_vocab = _Vocab()
        rows_b, cols_b = [], []
        for i, job in enumerate(self.jobs):
            for gram in _bigrams(job.title):
                rows_b.append(i)
                cols_b.append(self._bigram_vocab.id(gram))
        self.title_grams = sparse.csr_matrix(
            (np.ones(len(rows_b), dtype=np.float32), (rows_b, cols_b)),
            shape=(n, max(1, len(self._bigram_vocab))),
        )
        self.title_gram_count = np.asarray(self.title_grams.sum(axis=1)).ravel()
        # Posts by occupation, to score only the candidates that can score above zero.
        order = np.argsort(self.occ, kind="stable")
        bounds = np.searchsorted(self.occ[order], np.arange(UNKNOWN_OCC + 2))
        self._by_occ = [order[bounds[k] : bounds[k + 1]] for k in range(UNKNOWN_OCC + 1)]

    def __len__(self) -> int:
        return len(self.jobs)

    def job(self, job_id: str) -> JobDoc | None:
        pos = self._pos.get(job_id)
        return self.jobs[pos] if pos is not None else None

    def row(self, job_id: str) -> int | None:
        """The post's row in this index (None when it is not among the active posts)."""
        return self._pos.get(job_id)

    @property
    def vocabulary(self) -> dict[str, int]:
        """Term → TF-IDF column (empty for an index without posts)."""
        return getattr(self._counter, "vocabulary_", {})

    def tfidf(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """TF-IDF rows of ``texts`` against the posts' vocabulary and weights."""
        return self.tfidf_counts(self._counter.transform(texts))

    def tfidf_counts(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        """TF-IDF rows from term counts already in this index's columns (float32, indices
        sorted, as ``CountVectorizer`` makes them): bit-identical to ``tfidf`` of the texts."""
        return sparse.csr_matrix(self._tfidf.transform(counts))

    def _candidates(self, seeker_occ: set[str]) -> tuple[np.ndarray, np.ndarray]:
        """Row indices worth scoring and their occupation fit."""
        if not seeker_occ:
            return np.arange(len(self.jobs)), None  # type: ignore[return-value]
        fits: dict[int, float] = {}
        for code in OCC_CODES:
            fit = occupation_fit(seeker_occ, code)
            if fit > 0:
                fits[_OCC_INDEX[code]] = fit
        parts = [self._by_occ[k] for k in sorted(fits)] + [self._by_occ[UNKNOWN_OCC]]
        rows = np.sort(np.concatenate(parts)) if parts else np.arange(0)
        table = np.zeros(UNKNOWN_OCC + 1, dtype=np.float64)
        for k, fit in fits.items():
            table[k] = fit
        return rows, table

    def _title_similarity(self, titles: Sequence[str], rows: np.ndarray) -> np.ndarray:
        best = np.zeros(len(rows))
        sub = self.title_grams[rows]
        for title in titles:
            grams = _bigrams(title)
            if not grams:
                continue
            vec = np.zeros(self.title_grams.shape[1], dtype=np.float32)
            for gram in grams:
                gid = self._bigram_vocab.get(gram)
                if gid is not None:
                    vec[gid] = 1
            inter = sub @ vec
            union = self.title_gram_count[rows] + len(grams) - inter
            best = np.maximum(best, _jaccard(inter, union))
        return best

    def text_scores(self, resume: ResumeDoc) -> np.ndarray:
        """Cosine of the résumé's text with every post (a CSR matrix times a dense vector)."""
        if not len(self.jobs):
            return np.zeros(0)
        query = self.tfidf([resume_text(resume)]).toarray().ravel()
        return (self.text @ query).astype(np.float64)

    def _blocks(
        self, resumes: Sequence[ResumeDoc], block: int
    ) -> Iterator[tuple[list[int], np.ndarray, np.ndarray, Any]]:
        """Yield (résumé positions, candidate rows, occupation fit B × C, the candidates'
        TF-IDF transposed) in blocks of at most ``block`` résumés.

        Résumés are grouped by the occupations their titles normalise to, which decide the
        candidate posts and their occupation fit; only posts outside the taxonomy depend on
        the titles themselves (bigram similarity), computed once per distinct title set.
        Candidates no résumé of the group can score above zero on are dropped."""
        groups: dict[tuple[str, ...], list[int]] = {}
        for i, resume in enumerate(resumes):
            groups.setdefault(occupation_key(resume), []).append(i)
        for key, members in groups.items():
            codes = set() if key[:1] == ("",) else set(key)
            rows, table = self._candidates(codes)
            if not len(rows):
                continue
            occ_ids = self.occ[rows]
            if table is None:
                base, unknown = np.zeros(len(rows)), np.ones(len(rows), dtype=bool)
            else:
                base, unknown = table[occ_ids], occ_ids == UNKNOWN_OCC
            titles_of = {i: tuple(resumes[i].seeker_titles()) for i in members}
            sims: dict[tuple[str, ...], np.ndarray] = {}
            keep = base > 0
            if unknown.any():
                for titles in dict.fromkeys(titles_of.values()):
                    sims[titles] = self._title_similarity(titles, rows[unknown])
                some = np.zeros(int(unknown.sum()), dtype=bool)
                for sim in sims.values():
                    some |= sim > 0
                keep[unknown] = some
                sims = {t: sim[some] for t, sim in sims.items()}
            rows, base, unknown = rows[keep], base[keep], unknown[keep]
            if not len(rows):
                continue
            text_t = self.text[rows].T.tocsr()
            for start in range(0, len(members), block):
                part = members[start : start + block]
                occ = np.repeat(base[None, :], len(part), axis=0)
                if unknown.any():
                    for j, i in enumerate(part):
                        occ[j, unknown] = UNKNOWN_TITLE_SCALE * sims[titles_of[i]]
                yield part, rows, occ, text_t

    def _score_block(
        self, resumes: Sequence[ResumeDoc], rows: np.ndarray, occ: np.ndarray, text_t: Any
    ) -> tuple[np.ndarray, np.ndarray]:
        """Scores (B × C, 0–100) and text similarity of B résumés against C candidate posts
        (``rows``, occupation fit ``occ`` B × C; ``text_t`` = the candidates' TF-IDF,
        transposed).

        Every signal is a vectorised mask or bonus over the whole block, and one sparse
        product gives the text part; elementwise the arithmetic is that of ``Components.score``
        in the same order, so one résumé alone or in a batch gets bit-identical scores."""
        b = len(resumes)
        city, county = self.city[rows], self.county[rows]
        # Location: county before city before province.
        wanted = np.zeros((b, len(self._cities) + 1), dtype=bool)
        home = np.full((b, 1), -1, dtype=np.int64)
        for i, resume in enumerate(resumes):
            ids = [x for x in map(self._cities.get, resume.cities()) if x is not None]
            wanted[i, ids] = True
            if resume.county:
                cid = self._cities.get(f"{resume.city}/{resume.county}")
                home[i, 0] = -1 if cid is None else cid
        loc = np.where(wanted[:, city], LOC_CITY, LOC_PROVINCE)
        loc = np.where((county[None, :] == home) & (home >= 0), LOC_COUNTY, loc)
        # Employment type: any of the wanted ones (none wanted = any will do).
        types = np.zeros((b, len(self._types) + 1), dtype=bool)
        for i, resume in enumerate(resumes):
            if resume.employment_types:
                ids = [x for x in map(self._types.get, resume.employment_types) if x is not None]
                types[i, ids] = True
            else:
                types[i, :] = True
        etype = types[:, self.etype[rows]].astype(np.float64)
        expected = np.array([[r.expected_pay or 0] for r in resumes], dtype=np.float64)
        pay = _pay_fits(expected, self.pay_top[rows])
        years = np.array([[r.experience_years] for r in resumes], dtype=np.float64)
        exp = _experience_fits(years, self.exp[rows][None, :])
        levels = np.array([[education_level(r.education)] for r in resumes], dtype=np.int16)
        edu = _education_fits(levels, self.edu[rows].astype(np.int16)[None, :])
        # Text: one sparse product for the block.
        query = self.tfidf([resume_text(r) for r in resumes])
        text = np.asarray((query @ text_t).toarray(), dtype=np.float32).astype(np.float64)
        # Certificates: a hard requirement (the score keeps a small share when one is missing).
        missing = None
        certs = self.certs[rows]
        if certs.nnz:
            lacking = np.ones((b, self.certs.shape[1]), dtype=np.float32)
            for i, resume in enumerate(resumes):
                ids = list(map(self._certs.get, certificates_held(resume.certificates)))
                lacking[i, [x for x in ids if x is not None]] = 0
            missing = np.asarray(certs @ lacking.T).T > 0
        return _scores(occ, loc, etype, pay, exp, edu, text, missing), text

    def rank_rows(
        self,
        resumes: Sequence[ResumeDoc],
        *,
        top: int = 50,
        min_score: float = 0.0,
        block: int = 256,
    ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """The best ``top`` posts for each résumé as (post rows, scores, text similarity),
        best first, ties broken by row (stable). Résumés are grouped by occupation (see
        ``_blocks``), each group scored in blocks of ``block`` résumés as matrix operations
        and cut to the top with ``argpartition``; the single-résumé path is a block of one.
        ``min_score`` ≥ 0: only scores above it are kept."""
        empty = (np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
        out: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = [empty] * len(resumes)
        if not len(self.jobs):
            return out
        for part, rows, occ, text_t in self._blocks(resumes, block):
            scores, texts = self._score_block([resumes[i] for i in part], rows, occ, text_t)
            k = min(top, len(rows))
            if k < len(rows):
                cut = np.argpartition(-scores, k - 1, axis=1)[:, :k]
                floor = np.take_along_axis(scores, cut, axis=1).min(axis=1)
            else:
                floor = np.full(len(part), -np.inf)
            for j, i in enumerate(part):
                s = scores[j]
                # Everything tied with the k-th score competes; the row breaks ties.
                pick = np.flatnonzero((s >= floor[j]) & (s > min_score))
                order = pick[np.lexsort((pick, -s[pick]))][:top]
                out[i] = (rows[order], s[order], texts[j, order])
        return out

    def explain_row(self, resume: ResumeDoc, row: int, score: float, text: float) -> Match:
        job = self.jobs[row]
        match = explain(resume, job, pair_components(resume, job, text=text))
        match.score = score
        return match

    def score_all(self, resume: ResumeDoc) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row indices, scores 0–100, text similarity) of the posts that can score above 0."""
        for _part, rows, occ, text_t in self._blocks([resume], 1):
            scores, texts = self._score_block([resume], rows, occ, text_t)
            return rows, scores[0], texts[0]
        return np.zeros(0, np.int64), np.zeros(0), np.zeros(0)

    def rank(self, resume: ResumeDoc, *, top: int = 10, min_score: float = 0.0) -> list[Match]:
        """The best ``top`` posts for ``resume``, explained; ties broken by position (stable)."""
        [(rows, scores, texts)] = self.rank_rows([resume], top=top, min_score=min_score)
        return [
            self.explain_row(resume, int(r), float(s), float(t))
            for r, s, t in zip(rows, scores, texts, strict=True)
        ]


# --- résumés for a post (the post → résumés direction) ---------------------------------------


class _ResumeVocabs:
    """Value → column maps of a ``ResumeIndex``; only ever grow, so that an index brought up
    to date (``ResumeIndex.replace``) keeps every existing row's columns."""

    def __init__(self) -> None:
        self.grams, self.cities, self.homes = _Vocab(), _Vocab(), _Vocab()
        self.types, self.certs, self.terms = _Vocab(), _Vocab(), _Vocab()

    def copy(self) -> _ResumeVocabs:
        new = _ResumeVocabs()
        for name, vocab in vars(self).items():
            setattr(new, name, vocab.copy())
        return new


def _csr(rows: list[int], cols: list[int], values: Any, shape: tuple[int, int]) -> Any:
    """A float32 CSR matrix from coordinates (at least one column, as an empty vocabulary
    would otherwise give none)."""
    return sparse.csr_matrix(
        (np.asarray(values, dtype=np.float32), (rows, cols)), shape=(shape[0], max(1, shape[1]))
    )


def _widen(matrix: sparse.csr_matrix, width: int) -> sparse.csr_matrix:
    """The same rows with ``width`` columns (the vocabulary grew; no copy)."""
    return sparse.csr_matrix(
        (matrix.data, matrix.indices, matrix.indptr), shape=(matrix.shape[0], max(1, width))
    )


@dataclass
class _ResumeRows:
    """Per-résumé arrays of a ``ResumeIndex`` (row i = résumé i; title rows name their owner)."""

    has_code: np.ndarray  # (occupations, n) bool: the codes its titles normalise to
    title_owner: np.ndarray  # (T,) résumé of each seeker title that has bigrams
    title_grams: Any  # (T, bigrams) CSR, 1 per bigram of that title
    title_len: np.ndarray  # (T,) float32 number of bigrams
    wants_city: Any  # (n, cities) CSR: desired cities and the home city
    home: np.ndarray  # (n,) id of "city/county", -1 without a county
    any_type: np.ndarray  # (n,) bool: no employment type wanted, so any will do
    wants_type: Any  # (n, types) CSR
    holds: Any  # (n, certificates) CSR: held, licences covering the lower classes
    expected: np.ndarray  # (n,) float64, 0 = not given
    years: np.ndarray  # (n,) float64
    levels: np.ndarray  # (n,) int16 education level
    counts: Any  # (n, terms) CSR float32 term counts of the résumé text

    @classmethod
    def encode(cls, resumes: Sequence[ResumeDoc], vocabs: _ResumeVocabs) -> _ResumeRows:
        """Encode résumés (growing ``vocabs``): the one per-résumé Python loop."""
        n = len(resumes)
        analyze = _term_counter().build_analyzer()
        code_of: tuple[list[int], list[int]] = ([], [])
        owner: list[int] = []
        lengths: list[int] = []
        title: tuple[list[int], list[int]] = ([], [])
        city: tuple[list[int], list[int]] = ([], [])
        kind: tuple[list[int], list[int]] = ([], [])
        cert: tuple[list[int], list[int]] = ([], [])
        term: tuple[list[int], list[int], list[int]] = ([], [], [])
        homes: list[int] = []
        for i, resume in enumerate(resumes):
            for code in resume.occupation_codes():
                code_of[0].append(_OCC_INDEX[code])
                code_of[1].append(i)
            for grams in filter(None, map(_bigrams, resume.seeker_titles())):
                for gram in grams:
                    title[0].append(len(owner))
                    title[1].append(vocabs.grams.id(gram))
                owner.append(i)
                lengths.append(len(grams))
            for name in resume.cities():
                city[0].append(i)
                city[1].append(vocabs.cities.id(name))
            homes.append(vocabs.homes.id(f"{resume.city}/{resume.county}") if resume.county else -1)
            for name in resume.employment_types:
                kind[0].append(i)
                kind[1].append(vocabs.types.id(name))
            for name in certificates_held(resume.certificates):
                cert[0].append(i)
                cert[1].append(vocabs.certs.id(name))
            counted: dict[int, int] = {}
            for token in analyze(resume_text(resume)):
                tid = vocabs.terms.id(token)
                counted[tid] = counted.get(tid, 0) + 1
            term[0].extend([i] * len(counted))
            term[1].extend(counted)
            term[2].extend(counted.values())
        has_code = np.zeros((UNKNOWN_OCC, n), dtype=bool)
        has_code[code_of[0], code_of[1]] = True
        ones = np.ones
        return cls(
            has_code=has_code,
            title_owner=np.array(owner, dtype=np.int64),
            title_grams=_csr(*title, ones(len(title[0])), (len(owner), len(vocabs.grams))),
            title_len=np.array(lengths, dtype=np.float32),
            wants_city=_csr(*city, ones(len(city[0])), (n, len(vocabs.cities))),
            home=np.array(homes, dtype=np.int64),
            any_type=np.array([not r.employment_types for r in resumes], dtype=bool),
            wants_type=_csr(*kind, ones(len(kind[0])), (n, len(vocabs.types))),
            holds=_csr(*cert, ones(len(cert[0])), (n, len(vocabs.certs))),
            expected=np.array([r.expected_pay or 0 for r in resumes], dtype=np.float64),
            years=np.array([r.experience_years for r in resumes], dtype=np.float64),
            levels=np.array([education_level(r.education) for r in resumes], dtype=np.int16),
            counts=_csr(*term, (n, len(vocabs.terms))),
        )

    def take(self, keep: np.ndarray) -> _ResumeRows:
        """The rows at positions ``keep`` (ascending), in that order."""
        new_pos = np.full(len(self.home), -1, dtype=np.int64)
        new_pos[keep] = np.arange(len(keep))
        titles = np.flatnonzero(new_pos[self.title_owner] >= 0)
        return _ResumeRows(
            has_code=self.has_code[:, keep],
            title_owner=new_pos[self.title_owner[titles]],
            title_grams=self.title_grams[titles],
            title_len=self.title_len[titles],
            wants_city=self.wants_city[keep],
            home=self.home[keep],
            any_type=self.any_type[keep],
            wants_type=self.wants_type[keep],
            holds=self.holds[keep],
            expected=self.expected[keep],
            years=self.years[keep],
            levels=self.levels[keep],
            counts=self.counts[keep],
        )

    @staticmethod
    def concat(first: _ResumeRows, then: _ResumeRows, vocabs: _ResumeVocabs) -> _ResumeRows:
        def stack(a: Any, b: Any, vocab: _Vocab) -> Any:
            return sparse.vstack([_widen(a, len(vocab)), _widen(b, len(vocab))], format="csr")

        return _ResumeRows(
            has_code=np.concatenate([first.has_code, then.has_code], axis=1),
            title_owner=np.concatenate([first.title_owner, then.title_owner + len(first.home)]),
            title_grams=stack(first.title_grams, then.title_grams, vocabs.grams),
            title_len=np.concatenate([first.title_len, then.title_len]),
            wants_city=stack(first.wants_city, then.wants_city, vocabs.cities),
            home=np.concatenate([first.home, then.home]),
            any_type=np.concatenate([first.any_type, then.any_type]),
            wants_type=stack(first.wants_type, then.wants_type, vocabs.types),
            holds=stack(first.holds, then.holds, vocabs.certs),
            expected=np.concatenate([first.expected, then.expected]),
            years=np.concatenate([first.years, then.years]),
            levels=np.concatenate([first.levels, then.levels]),
            counts=stack(first.counts, then.counts, vocabs.terms),
        )


def _column(matrix: Any, col: int | None, positions: np.ndarray) -> np.ndarray:
    """Whether each résumé at ``positions`` has value ``col`` of a CSC matrix (None: a value
    no résumé has)."""
    full = np.zeros(matrix.shape[0], dtype=bool)
    if col is not None:
        full[matrix.indices[matrix.indptr[col] : matrix.indptr[col + 1]]] = True
    return full[positions]


class ResumeIndex:
    """Résumés held as column arrays and term counts: ranks every résumé for one post (a
    newly published one) as one batched operation.

    The post → résumés twin of ``JobIndex``: only the résumés of the post's occupation and
    its neighbours (and, by title similarity, those whose titles are outside the taxonomy)
    are scored, with one sparse product of their TF-IDF rows and the post's vector and the
    other signals as vectorised masks, through the same functions as
    ``JobIndex._score_block`` — so a pair scores bit for bit what the nightly refresh
    (``JobIndex.rank_rows``) writes for it.

    Term counts are kept in the résumés' own vocabulary and weighted by a ``JobIndex`` when
    first ranked against it (memoised for the last one), so the posts' index may be rebuilt
    on every publish without segmenting 200,000 texts again. Read-only once built (threads
    may share it); ``replace`` makes the next version, encoding only what changed.
    """

    def __init__(self, resumes: Sequence[ResumeDoc]):
        vocabs = _ResumeVocabs()
        self._setup([r.id for r in resumes], _ResumeRows.encode(resumes, vocabs), vocabs)

    def _setup(self, ids: list[str], rows: _ResumeRows, vocabs: _ResumeVocabs) -> None:
        # Only ids are kept, not the documents: 200,000 résumés' texts would double the size.
        self.ids = ids
        self._pos = {rid: i for i, rid in enumerate(self.ids)}
        self._rows = rows
        self._vocabs = vocabs
        self._no_code = ~rows.has_code.any(axis=0)
        # Columns as slices: one value's résumés at once.
        self._wants_city = rows.wants_city.tocsc()
        self._wants_type = rows.wants_type.tocsc()
        self._holds = rows.holds.tocsc()
        self._weighted: tuple[Any, Any] | None = None

    def replace(self, resumes: Sequence[ResumeDoc], *, remove: Iterable[str] = ()) -> ResumeIndex:
        """A new index: ``resumes`` added, or in place of their earlier version (moved to
        the end), and the ids in ``remove`` left out. Costs the encoding of ``resumes`` and
        copies of the arrays; this index stays valid as it was."""
        drop = set(remove) | {r.id for r in resumes}
        keep = np.array([i for i, rid in enumerate(self.ids) if rid not in drop], np.int64)
        vocabs = self._vocabs.copy()
        added = _ResumeRows.encode(resumes, vocabs)
        new = ResumeIndex.__new__(ResumeIndex)
        new._setup(
            [self.ids[i] for i in keep] + [r.id for r in resumes],
            _ResumeRows.concat(self._rows.take(keep), added, vocabs),
            vocabs,
        )
        return new

    def __len__(self) -> int:
        return len(self.ids)

    def position(self, resume_id: str) -> int | None:
        return self._pos.get(resume_id)

    def text_for(self, index: JobIndex) -> Any:
        """The résumés' TF-IDF rows weighted by ``index`` (terms the posts never use drop
        out, as in ``JobIndex.tfidf``); memoised for the last index asked for."""
        cached = self._weighted
        if cached is not None and cached[0]() is index:
            return cached[1]
        vocab = index.vocabulary
        to_index = np.array([vocab.get(t, -1) for t in self._vocabs.terms], dtype=np.int64)
        counts = self._rows.counts
        cols = to_index[counts.indices]
        keep = cols >= 0
        rows = np.repeat(np.arange(len(self.ids)), np.diff(counts.indptr))
        mapped = sparse.csr_matrix(
            (counts.data[keep], (rows[keep], cols[keep])),
            shape=(len(self.ids), max(1, len(vocab))),
            dtype=np.float32,
        )
        mapped.sum_duplicates()  # canonical: indices sorted per row, as CountVectorizer's
        weighted = index.tfidf_counts(mapped)
        self._weighted = (weakref.ref(index), weighted)
        return weighted

    def _occupation(self, index: JobIndex, row: int) -> np.ndarray:
        """Occupation fit of every résumé with post ``row``: same or neighbouring occupation
        in the taxonomy, else title-bigram similarity (as ``JobIndex._blocks``)."""
        rows = self._rows
        n = len(self.ids)
        occ = np.zeros(n)
        k = int(index.occ[row])
        if k == UNKNOWN_OCC:
            by_title = np.ones(n, dtype=bool)
        else:
            code = OCC_CODES[k]
            for other in OCC_CODES:
                if frozenset((code, other)) in _RELATED_SET:
                    occ[rows.has_code[_OCC_INDEX[other]]] = RELATED_FIT
            occ[rows.has_code[k]] = 1.0
            by_title = self._no_code
        titles = np.flatnonzero(by_title[rows.title_owner])
        if len(titles):
            vec = np.zeros(rows.title_grams.shape[1], dtype=np.float32)
            for gram in _bigrams(index.jobs[row].title):
                gid = self._vocabs.grams.get(gram)
                if gid is not None:
                    vec[gid] = 1
            inter = rows.title_grams[titles] @ vec
            union = rows.title_len[titles] + index.title_gram_count[row] - inter
            best = np.zeros(n)
            np.maximum.at(best, rows.title_owner[titles], _jaccard(inter, union))
            occ[by_title] = UNKNOWN_TITLE_SCALE * best[by_title]
        return occ

    def score_post(self, index: JobIndex, row: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(résumé positions ascending, scores 0–100, text similarity) of the résumés with a
        non-zero occupation fit for post ``row`` of ``index``."""
        empty = (np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
        occ = self._occupation(index, row) if self.ids else np.zeros(0)
        cand = np.flatnonzero(occ > 0)
        if not len(cand):
            return empty
        rows, vocabs, job = self._rows, self._vocabs, index.jobs[row]
        # Location: county before city before province.
        wanted = _column(self._wants_city, vocabs.cities.get(job.city), cand)
        loc = np.where(wanted, LOC_CITY, LOC_PROVINCE)
        home = vocabs.homes.get(f"{job.city}/{job.county}")
        if home is not None:
            loc = np.where(rows.home[cand] == home, LOC_COUNTY, loc)
        wants_type = _column(self._wants_type, vocabs.types.get(job.employment_type), cand)
        etype = (rows.any_type[cand] | wants_type).astype(np.float64)
        pay = _pay_fits(rows.expected[cand], index.pay_top[row])
        exp = _experience_fits(rows.years[cand], index.exp[row])
        edu = _education_fits(rows.levels[cand], index.edu[row].astype(np.int16))
        # Text: one sparse product, the résumés' rows times the post's column.
        product = self.text_for(index)[cand] @ index.text[row].T.tocsr()
        text = np.asarray(product.toarray(), dtype=np.float32).ravel().astype(np.float64)
        missing = None
        certs = list(dict.fromkeys(map(normalise_certificate, job.certificates)))
        if certs:
            missing = np.zeros(len(cand), dtype=bool)
            for cert in certs:
                missing |= ~_column(self._holds, vocabs.certs.get(cert), cand)
        return cand, _scores(occ[cand], loc, etype, pay, exp, edu, text, missing), text

    def rank_post(
        self, index: JobIndex, row: int, *, top: int | None = None, min_score: float = 0.0
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The best ``top`` résumés (all when None) for post ``row`` of ``index`` as
        (résumé positions, scores, text similarity), best first, ties broken by position;
        only scores above ``min_score`` (≥ 0) are kept."""
        pos, scores, texts = self.score_post(index, row)
        keep = np.flatnonzero(scores > min_score)
        if top is not None and top < len(keep):
            cut = keep[np.argpartition(-scores[keep], top - 1)[:top]]
            # Everything tied with the top-th score competes; the position breaks ties.
            keep = keep[scores[keep] >= scores[cut].min()]
        order = keep[np.argsort(-scores[keep], kind="stable")][:top]
        return pos[order], scores[order], texts[order]


class _Vocab:
    def __init__(self) -> None:
        self._ids: dict[str, int] = {}

    def id(self, key: str) -> int:
        return self._ids.setdefault(key, len(self._ids))

    def get(self, key: str) -> int | None:
        return self._ids.get(key)

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[str]:
        """The keys in id order."""
        return iter(self._ids)

    def copy(self) -> _Vocab:
        new = _Vocab()
        new._ids = dict(self._ids)
        return new


# --- evaluation -----------------------------------------------------------------------------


def dcg(gains: Sequence[float]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at(ranked: Sequence[str], grades: dict[str, int], k: int = 10) -> float:
    """nDCG@k with graded gains 2^grade − 1 (unlisted pairs are grade 0)."""
    gains = [2 ** grades.get(jid, 0) - 1 for jid in ranked[:k]]
    ideal = sorted((2**g - 1 for g in grades.values()), reverse=True)[:k]
    best = dcg(ideal)
    return dcg(gains) / best if best > 0 else 0.0


def precision_at(
    ranked: Sequence[str], grades: dict[str, int], k: int = 5, relevant: int = 2
) -> float:
    """P@k counting grade ≥ ``relevant`` (2: a post the seeker would apply to) as relevant."""
    return sum(1 for jid in ranked[:k] if grades.get(jid, 0) >= relevant) / k


def job_from_dict(data: dict) -> JobDoc:
    """A JobDoc from the JSON-lines format of the evaluation set."""
    return JobDoc(
        id=str(data["id"]),
        title=data.get("title", ""),
        city=data.get("city", ""),
        county=data.get("county", ""),
        description=data.get("description", ""),
        skills=tuple(data.get("skills") or ()),
        certificates=tuple(data.get("certificates_required") or ()),
        pay_min=int(data.get("salary_min") or 0),
        pay_max=int(data.get("salary_max") or 0),
        experience_years=float(data.get("experience_years") or 0),
        education=data.get("education") or "不限",
        employment_type=data.get("employment_type") or "全职",
    )


def resume_from_dict(data: dict) -> ResumeDoc:
    history = data.get("work_history") or ()
    return ResumeDoc(
        id=str(data["id"]),
        city=data.get("city", ""),
        county=data.get("county", ""),
        desired_titles=tuple(data.get("desired_titles") or ()),
        desired_cities=tuple(data.get("desired_cities") or ()),
        expected_pay=int(data["expected_salary"]) if data.get("expected_salary") else None,
        experience_years=float(data.get("experience_years") or 0),
        education=data.get("education") or "不限",
        certificates=tuple(data.get("certificates") or ()),
        skills=tuple(data.get("skills") or ()),
        employment_types=tuple(data.get("employment_types") or ()),
        history_titles=tuple(h.get("title", "") for h in history if h.get("title")),
        summary=data.get("summary", ""),
    )
