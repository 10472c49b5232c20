"""The small vocabularies of the engine: title bigrams (the fallback for a title the
classification cannot place), certificates (a higher driving licence covers the lower
ones), education levels. Occupations are in ``jobs.matching.occupations``."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

#: A title outside the classification: bigram similarity of titles, scaled below a true match.
UNKNOWN_TITLE_SCALE = 0.8
#: ... and when the titles share nothing, text and skills alone, scaled further.
UNKNOWN_TEXT_SCALE = 0.5

_BRACKETS = re.compile(r"[（(【\[].*?[）)】\]]")


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


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


#: Upper-secondary qualifications of the vocational track (the national classification
#: puts them at the level of 高中; a post asking for one asks for vocational training too).
VOCATIONAL_EDUCATION = frozenset({"中专", "中技", "技校", "职高"})


def _education_name(name: str) -> str:
    return _nfkc(name).replace("及以上", "")


def education_level(name: str) -> int:
    return EDUCATION_LEVELS.get(_education_name(name), 0)


def education_code(name: str) -> int:
    """Level × 2, plus 1 for a vocational-track qualification: what ``education_fit``
    compares (one small integer, so the index paths keep it in an int array)."""
    text = _education_name(name)
    return 2 * EDUCATION_LEVELS.get(text, 0) + (text in VOCATIONAL_EDUCATION)
