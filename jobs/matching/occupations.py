"""The national occupation classification (CSCO 2022) and how a job title is mapped onto it.

``jobs/data/occupations.tsv`` (built by ``jobs/data/build_occupations.py``) lists 1,634
occupations with codes like 4-10-08-01 (major group 4, medium group 4-10, minor group
4-10-08) and the titles employers use for them. A title is mapped, in this order:

1. **exactly**: the title (cleaned of "急招", brackets, "若干名") is an occupation's name or
   one of its aliases — confidence 1;
2. **by similarity**: segmented tokens and character 2–3-grams of the title against every
   name and alias (TF-IDF, cosine), the best label per occupation — confidence = cosine;
3. the **group hierarchy** then relates occupations: same code fits fully, the same minor
   group (4-02-02: 客运车辆驾驶员 and 道路货运汽车驾驶员) closely, the same medium group a
   little (``hierarchy_fit``).

A ``TitleMapper`` may carry more labels than the classification's own: titles the site
learned from its posts (``jobs.matching.learning``) and corrections staff made, each with the
code and weight it carries. Mappers are read-only once built and cached per label set.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rjieba
from sklearn.feature_extraction.text import TfidfVectorizer

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "occupations.tsv"
_CODE = re.compile(r"^\d-\d\d-\d\d-\d\d$")

#: Fit of two occupations by the hierarchy: same minor group, same medium group.
CLOSE_FIT = 0.3
RELATED_FIT = 0.1
#: Below this cosine a similar label is not taken as the title's occupation.
MIN_SIMILARITY = 0.45
#: Occupations kept per title: the best, and others within this share of its confidence.
KEEP_WITHIN = 0.9
MAX_CODES = 3
#: Weight of one side of an alias written "A/B".
SPLIT_WEIGHT = 0.9

_BRACKETS = re.compile(r"[（(【\[].*?[）)】\]]")
_TITLE_NOISE = re.compile(
    r"^(急招|急聘|招聘|诚聘|高薪招聘|长期招聘|高薪诚聘)|(若干名?|数名|\d+名|多名)$"
)


class OccupationFileError(ValueError):
    """The occupation file is malformed (the message says where, in Chinese)."""


@dataclass(frozen=True)
class Occupation:
    level: int  # 1 major, 2 medium, 3 minor group, 4 occupation
    code: str
    name: str
    aliases: tuple[str, ...] = ()

    @property
    def minor(self) -> str:
        return self.code[:7]

    @property
    def medium(self) -> str:
        return self.code[:4]


def parse_occupations(text: str) -> list[Occupation]:
    """The rows of an occupation file; ``OccupationFileError`` on the first bad line."""
    rows: list[Occupation] = []
    seen: set[tuple[str, str]] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 4:
            raise OccupationFileError(
                f"第 {number} 行应有 4 列（层级、代码、名称、别名），实有 {len(parts)} 列"
            )
        level, code, name, aliases = (p.strip() for p in parts)
        if level not in {"1", "2", "3", "4"}:
            raise OccupationFileError(f"第 {number} 行的层级“{level}”不是 1–4")
        if not _CODE.match(code):
            raise OccupationFileError(f"第 {number} 行的代码“{code}”不是 1-23-45-67 的格式")
        if not name:
            raise OccupationFileError(f"第 {number} 行缺少名称")
        if (level, code) in seen:
            raise OccupationFileError(f"第 {number} 行的代码 {code} 在第 {level} 层重复")
        seen.add((level, code))
        rows.append(Occupation(int(level), code, name, tuple(a for a in aliases.split("|") if a)))
    if not any(r.level == 4 for r in rows):
        raise OccupationFileError("文件中没有任何职业（第 4 层）")
    return rows


@dataclass(frozen=True)
class Classification:
    occupations: tuple[Occupation, ...]  # level 4, in file order
    groups: dict[str, str]  # code prefix ("4", "4-10", "4-10-08") → group name

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {o.code: i for i, o in enumerate(self.occupations)})

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.occupations)

    def get(self, code: str | None) -> Occupation | None:
        i = self.index.get(code) if code else None  # type: ignore[attr-defined]
        return self.occupations[i] if i is not None else None

    def name(self, code: str | None) -> str:
        occ = self.get(code)
        return occ.name if occ else ""

    def group_name(self, prefix: str) -> str:
        return self.groups.get(prefix, "")


def classification_from_rows(rows: Sequence[Occupation]) -> Classification:
    groups: dict[str, str] = {}
    for row in rows:
        if row.level < 4:
            prefix = {1: row.code[:1], 2: row.code[:4], 3: row.code[:7]}[row.level]
            groups[prefix] = row.name
    return Classification(tuple(r for r in rows if r.level == 4), groups)


@functools.cache
def classification() -> Classification:
    """The committed classification (read once per process)."""
    return classification_from_rows(parse_occupations(DATA_FILE.read_text(encoding="utf-8")))


def clean_title(title: str) -> str:
    text = unicodedata.normalize("NFKC", title or "").strip()
    return _TITLE_NOISE.sub("", _BRACKETS.sub("", text)).lower().strip()


def _features(text: str) -> list[str]:
    """Segmented tokens, character 2- and 3-grams, and the last two characters marked (a
    title's head noun in Chinese: 电焊工 is a 焊工 before it is anything 电)."""
    grams = [t for t in rjieba.cut(text) if len(t) > 1]
    for n in (2, 3):
        grams.extend(text[i : i + n] for i in range(len(text) - n + 1))
    if len(text) >= 2:
        grams.append("$" + text[-2:])
    return grams or ([text] if text else [])


class TitleMapper:
    """Maps titles to occupation codes with a confidence in (0, 1].

    ``labels`` are (text, code, weight): every occupation's name and aliases with weight 1,
    and whatever else was learned (``extra``). ``overrides`` (staff corrections, title →
    code) come first; then exact labels; otherwise the best cosine per occupation, times the
    label's weight."""

    def __init__(
        self,
        extra: Iterable[tuple[str, str, float]] = (),
        *,
        overrides: dict[str, str] | None = None,
        links: Iterable[tuple[str, str, float]] = (),
    ):
        self.classification = classification()
        # Occupations the corpus shows to be alike (the same skills asked for), beyond the
        # hierarchy: code → {code: fit}, symmetric.
        self.links: dict[str, dict[str, float]] = {}
        for a, b, weight in links:
            if a in self.classification.index and b in self.classification.index:  # type: ignore[attr-defined]
                self.links.setdefault(a, {})[b] = float(weight)
                self.links.setdefault(b, {})[a] = float(weight)
        self.fit_row = functools.lru_cache(maxsize=4096)(self._fit_row)
        # Staff corrections: this title is this occupation, whatever the labels say.
        self._overrides = {
            clean_title(t): c
            for t, c in (overrides or {}).items()
            if c in self.classification.index  # type: ignore[attr-defined]
        }
        labels: dict[tuple[str, str], float] = {}
        for occ in self.classification.occupations:
            for text in (occ.name, *occ.aliases):
                labels[(clean_title(text), occ.code)] = 1.0
                # "CNC/数控", "车身/造型设计": each side is a title of its own.
                for part in text.split("/") if "/" in text else ():
                    key = (clean_title(part), occ.code)
                    if len(key[0]) > 1:
                        labels.setdefault(key, SPLIT_WEIGHT)
        # A learned title is the corpus's reading of that very title: it wins over the
        # classification's alias of the same text (养老护理员 where posts use it for 护工).
        self._learned: dict[str, tuple[str, float]] = {}
        for text, code, weight in extra:
            key = (clean_title(text), code)
            if key[0] and code in self.classification.index:  # type: ignore[attr-defined]
                labels[key] = max(labels.get(key, 0.0), float(weight))
                if float(weight) > self._learned.get(key[0], ("", 0.0))[1]:
                    self._learned[key[0]] = (code, float(weight))
        self._texts = [t for t, _c in labels]
        self._codes = np.array(
            [self.classification.index[c] for _t, c in labels],  # type: ignore[attr-defined]
            dtype=np.int32,
        )
        self._weights = np.array(list(labels.values()), dtype=np.float64)
        self._exact: dict[str, list[int]] = {}
        for i, text in enumerate(self._texts):
            self._exact.setdefault(text, []).append(i)
        self._vectorizer = TfidfVectorizer(analyzer=_features, sublinear_tf=True)
        self._matrix = self._vectorizer.fit_transform(self._texts).tocsr()
        self.map = functools.lru_cache(maxsize=20000)(self._map)

    def _best(self, label_ids: Sequence[int] | np.ndarray, scores: np.ndarray) -> list:
        best: dict[int, float] = {}
        for i, s in zip(label_ids, scores, strict=True):
            k = int(self._codes[i])
            if s > best.get(k, 0.0):
                best[k] = float(s)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
        if not ranked:
            return []
        top = ranked[0][1]
        codes = self.classification.codes
        return [(codes[k], round(s, 4)) for k, s in ranked[:MAX_CODES] if s >= KEEP_WITHIN * top]

    def _map(self, title: str) -> tuple[tuple[str, float], ...]:
        text = clean_title(title)
        if not text:
            return ()
        if text in self._overrides:
            return ((self._overrides[text], 1.0),)
        if text in self._learned:
            return (self._learned[text],)
        exact = self._exact.get(text)
        if exact:
            return tuple(self._best(exact, self._weights[exact]))
        query = self._vectorizer.transform([text])
        if not query.nnz:
            return ()
        sims = (self._matrix @ query.T).toarray().ravel() * self._weights
        hits = np.flatnonzero(sims >= MIN_SIMILARITY)
        return tuple(self._best(hits, sims[hits]))

    def fit(self, a: str, b: str) -> float:
        """How close two occupations are: the hierarchy, or a learned link if closer."""
        return max(hierarchy_fit(a, b), self.links.get(a, {}).get(b, 0.0))

    def _fit_row(self, k: int) -> np.ndarray:
        """``fit`` of occupation ``k`` (its position) with every occupation."""
        row = hierarchy_row(k)
        linked = self.links.get(self.classification.codes[k])
        if linked:
            row = row.copy()
            for code, weight in linked.items():
                j = self.classification.index[code]  # type: ignore[attr-defined]
                row[j] = max(row[j], weight)
        return row


@functools.cache
def default_mapper() -> TitleMapper:
    """The classification alone (what evaluation sets and tests map with by default)."""
    return TitleMapper()


def hierarchy_fit(a: str, b: str) -> float:
    """How close two occupations are by the classification's groups."""
    if a == b:
        return 1.0
    if a[:7] == b[:7]:
        return CLOSE_FIT
    if a[:4] == b[:4]:
        return RELATED_FIT
    return 0.0


@functools.cache
def group_ids() -> tuple[np.ndarray, np.ndarray]:
    """(minor group id, medium group id) of every occupation, in classification order."""
    codes = classification().codes
    minors = {m: i for i, m in enumerate(dict.fromkeys(c[:7] for c in codes))}
    mediums = {m: i for i, m in enumerate(dict.fromkeys(c[:4] for c in codes))}
    return (
        np.array([minors[c[:7]] for c in codes], dtype=np.int32),
        np.array([mediums[c[:4]] for c in codes], dtype=np.int32),
    )


def hierarchy_row(k: int) -> np.ndarray:
    """``hierarchy_fit`` of occupation ``k`` (its position) with every occupation."""
    minor, medium = group_ids()
    return np.where(
        np.arange(len(minor)) == k,
        1.0,
        np.where(minor == minor[k], CLOSE_FIT, np.where(medium == medium[k], RELATED_FIT, 0.0)),
    )
