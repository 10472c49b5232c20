"""Vocabulary learned from the corpus of posts: which titles name the same occupation.

Employers write thousands of titles the classification does not list (配送骑手, 汽修技师).
What they ask for under those titles does not vary so much: the skills and certificates of
the posts. So every distinct post title gets a *profile* — the TF-IDF of the skills and
certificates its posts ask for — and a title the classification maps weakly or not at all
takes the occupation of the titles whose profiles are most like its own, if those are
mapped confidently (a weighted vote of the nearest neighbours, cosine times confidence).
A title the classification maps well keeps its mapping unless the corpus disagrees more
strongly than the title's own similarity.

The result is a list of labels (title, code, confidence) for a ``TitleMapper``: exact for
those titles next time, and similar titles (by tokens and character n-grams) inherit them.
Nothing here is typed by hand, and nothing comes from an evaluation set's grades.

Memory is bounded whatever the corpus: only the ``max_titles`` most frequent titles get a
profile and only the ``max_terms`` most frequent skill terms count (100,000 posts with
5,000 titles and 20,000 terms is a sparse matrix of a few MB).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.preprocessing import normalize

from jobs.matching.occupations import TitleMapper, clean_title, default_mapper
from jobs.matching.vocabulary import normalise_certificate

#: A title mapped at least this confidently anchors others (and is not re-mapped).
ANCHOR = 0.45
#: Rounds of voting: a title learned in one round anchors others in the next.
ROUNDS = 2
#: Neighbours voting, and the least cosine of profiles that counts as a vote.
NEIGHBOURS = 5
MIN_PROFILE_COSINE = 0.3
#: A learned mapping is never as sure as an exact name.
MAX_LEARNED = 0.95
MAX_TITLES = 5000
#: Profiles this alike are one job under different titles.
SAME_JOB = 0.9
MAX_TERMS = 20000


#: Two occupations whose posts ask for skills more alike than this (cosine of profiles) are
#: linked: the fit rises from 0 there to ``MAX_LINK`` for identical profiles (two codes
#: employers use for one job), below a shared code.
MIN_LINK_COSINE = 0.5
MAX_LINK = 0.9


@dataclass(frozen=True)
class LearnedTitle:
    title: str
    code: str
    confidence: float
    posts: int


@dataclass(frozen=True)
class Vocabulary:
    """What the corpus taught: titles mapped to occupations, and occupations linked."""

    titles: tuple[LearnedTitle, ...] = ()
    links: tuple[tuple[str, str, float], ...] = ()


def _terms(skills: Iterable[str], certificates: Iterable[str]) -> list[str]:
    terms = [f"s:{s.strip().lower()}" for s in skills if s and s.strip()]
    terms += [f"c:{normalise_certificate(c)}" for c in certificates if c and c.strip()]
    return terms


def learn_titles(
    posts: Iterable[tuple[str, Iterable[str], Iterable[str]]],
    *,
    mapper: TitleMapper | None = None,
    anchors: dict[str, str] | None = None,
    max_titles: int = MAX_TITLES,
    max_terms: int = MAX_TERMS,
) -> Vocabulary:
    """Learn (title → occupation) from ``posts`` given as (title, skills, certificates).

    ``anchors`` maps titles to codes staff confirmed: they anchor with confidence 1 and are
    never re-mapped. Streams the posts once, keeping counts per title."""
    mapper = mapper or default_mapper()
    anchors = {clean_title(t): c for t, c in (anchors or {}).items()}
    per_title: dict[str, Counter] = {}
    posts_of: Counter = Counter()
    term_freq: Counter = Counter()
    for title, skills, certificates in posts:
        key = clean_title(title)
        if not key:
            continue
        posts_of[key] += 1
        terms = _terms(skills, certificates)
        per_title.setdefault(key, Counter()).update(terms)
        term_freq.update(set(terms))
        if len(per_title) > 4 * max_titles:  # bound memory: drop the rarest titles so far
            keep = {t for t, _n in posts_of.most_common(2 * max_titles)}
            per_title = {t: c for t, c in per_title.items() if t in keep}
            posts_of = Counter({t: n for t, n in posts_of.items() if t in keep})
        if len(term_freq) > 4 * max_terms:  # and the rarest skill wordings
            term_freq = Counter(dict(term_freq.most_common(2 * max_terms)))
    titles = [t for t, _n in posts_of.most_common(max_titles) if t in per_title]
    if not titles:
        return Vocabulary()
    vocab = {t: i for i, (t, _n) in enumerate(term_freq.most_common(max_terms))}
    rows, cols, vals = [], [], []
    for i, title in enumerate(titles):
        for term, n in per_title[title].items():
            j = vocab.get(term)
            if j is not None:
                rows.append(i)
                cols.append(j)
                vals.append(n / posts_of[title])  # the share of its posts asking for it
    counts = sparse.csr_matrix((vals, (rows, cols)), shape=(len(titles), max(1, len(vocab))))
    df = np.bincount(cols, minlength=counts.shape[1]) if cols else np.zeros(counts.shape[1])
    idf = np.log((1 + len(titles)) / (1 + df)) + 1.0
    profiles = normalize(counts @ sparse.diags(idf))
    base: list[tuple[str, float] | None] = []
    for title in titles:
        if title in anchors:
            base.append((anchors[title], 1.0))
        else:
            mapped = mapper.map(title)
            base.append(mapped[0] if mapped else None)
    mapped = _merge_same_jobs(titles, profiles, list(base), posts_of, fixed=set(anchors))
    for _round in range(ROUNDS):
        mapped = _vote(titles, profiles, mapped, fixed=set(anchors))
    learned = tuple(
        LearnedTitle(title, m[0], round(float(m[1]), 4), posts_of[title])
        for title, m in zip(titles, mapped, strict=True)
        if m is not None
    )
    return Vocabulary(learned, _links(learned, titles, profiles))


def _links(
    learned: tuple[LearnedTitle, ...], titles: list[str], profiles: Any
) -> tuple[tuple[str, str, float], ...]:
    """Occupations linked by what their posts ask for: each code's profile is the sum of
    its titles' (weighted by posts and confidence); codes whose profiles are alike link."""
    row_of = {t: i for i, t in enumerate(titles)}
    codes = sorted({t.code for t in learned})
    if len(codes) < 2:
        return ()
    col = {c: i for i, c in enumerate(codes)}
    weights = sparse.csr_matrix(
        (
            [t.posts * t.confidence for t in learned],
            ([col[t.code] for t in learned], [row_of[t.title] for t in learned]),
        ),
        shape=(len(codes), len(titles)),
    )
    by_code = normalize(weights @ profiles)
    sims = (by_code @ by_code.T).toarray()
    out = []
    for a, b in zip(*np.nonzero(np.triu(sims, k=1) >= MIN_LINK_COSINE), strict=True):
        fit = (float(sims[a, b]) - MIN_LINK_COSINE) / (1 - MIN_LINK_COSINE)
        if fit > 0:
            out.append((codes[a], codes[b], round(min(MAX_LINK, fit), 4)))
    return tuple(out)


def _merge_same_jobs(
    titles: list[str],
    profiles: Any,
    mapped: list[tuple[str, float] | None],
    posts_of: Counter,
    *,
    fixed: set[str],
) -> list[tuple[str, float] | None]:
    """Titles whose posts ask for nearly the same skills (cosine ≥ ``SAME_JOB``) are one job
    worded differently (货车司机 / 货运司机 / 重卡司机): each such group takes the code of its
    best-mapped title (most confident, then most posts). Pairs are found in row blocks, so
    memory stays at one block of similarities."""
    parent = list(range(len(titles)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for start in range(0, len(titles), 512):
        block = (profiles[start : start + 512] @ profiles.T).toarray()
        for a, b in zip(*np.nonzero(block >= SAME_JOB), strict=True):
            ra, rb = find(start + int(a)), find(int(b))
            if ra != rb:
                parent[ra] = rb
    groups: dict[int, list[int]] = {}
    for i in range(len(titles)):
        groups.setdefault(find(i), []).append(i)
    out = list(mapped)
    for members in groups.values():
        ranked = [i for i in members if mapped[i] is not None]
        if len(members) < 2 or not ranked:
            continue
        best = max(ranked, key=lambda i: (mapped[i][1], posts_of[titles[i]], -i))  # type: ignore[index]
        code, conf = mapped[best]  # type: ignore[misc]
        for i in members:
            if titles[i] not in fixed and (mapped[i] is None or mapped[i][0] != code):
                out[i] = (code, min(MAX_LEARNED, conf))
    return out


def _vote(
    titles: list[str], profiles: Any, mapped: list[tuple[str, float] | None], *, fixed: set[str]
) -> list[tuple[str, float] | None]:
    """One round: each title not mapped for sure takes the code its nearest anchored
    neighbours (by profile) vote for, when their vote is stronger than its own mapping."""
    anchor_rows = np.array(
        [i for i, m in enumerate(mapped) if m and m[1] >= ANCHOR], dtype=np.int64
    )
    if not len(anchor_rows):
        return mapped
    sims = (profiles @ profiles[anchor_rows].T).toarray()
    out = list(mapped)
    for i, title in enumerate(titles):
        own = mapped[i]
        if title in fixed or (own is not None and own[1] >= 1.0):
            continue
        code, conf = own if own else (None, 0.0)
        row = sims[i].copy()
        row[anchor_rows == i] = 0.0  # not its own neighbour
        votes: dict[str, list[float]] = {}
        for j in np.argsort(-row, kind="stable")[:NEIGHBOURS]:
            if row[j] < MIN_PROFILE_COSINE:
                break
            n_code, n_conf = mapped[int(anchor_rows[j])]  # type: ignore[misc]
            votes.setdefault(n_code, []).append(float(row[j]) * n_conf)
        if votes:
            # The code most neighbours speak for; its strength is its best neighbour's.
            best_code, strengths = max(votes.items(), key=lambda kv: (sum(kv[1]), kv[0]))
            best = max(strengths)
            if best > conf or best_code == code:
                out[i] = (best_code, min(MAX_LEARNED, max(best, conf)))
    return out


def mapper_with(vocabulary: Vocabulary, corrections: dict[str, str] | None = None) -> TitleMapper:
    """A mapper over the classification, the learned vocabulary and staff corrections."""
    return TitleMapper(
        [(t.title, t.code, t.confidence) for t in vocabulary.titles],
        overrides=corrections,
        links=vocabulary.links,
    )
