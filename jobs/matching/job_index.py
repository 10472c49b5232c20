"""The résumé → posts direction: job posts as column arrays and a TF-IDF matrix."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer

from jobs.matching.documents import (
    JobDoc,
    ResumeDoc,
    job_occupation,
    job_text,
    occupation_key,
    resume_occupations,
    resume_text,
    term_counter,
)
from jobs.matching.explanation import Match, explain
from jobs.matching.occupations import TitleMapper, default_mapper
from jobs.matching.scoring import (
    LOC_CITY,
    LOC_COUNTY,
    LOC_PROVINCE,
    education_fits,
    experience_fits,
    fit_table,
    jaccard,
    pair_components,
    pay_fits,
    scores_of,
    unmapped_fits,
)
from jobs.matching.vocabulary import (
    certificates_held,
    education_code,
    normalise_certificate,
    title_bigrams,
)


class Vocab:
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

    def copy(self) -> Vocab:
        new = Vocab()
        new._ids = dict(self._ids)
        return new


# --- the index ------------------------------------------------------------------------------


class JobIndex:
    """Job posts held as column arrays and a TF-IDF matrix; ranks one résumé in a few ms.

    Build once per set of active posts (the site keeps one per process and rebuilds it when
    the posts change); it is read-only afterwards, so a worker can share it between tasks.
    """

    def __init__(self, jobs: Sequence[JobDoc], *, mapper: TitleMapper | None = None):
        self.jobs = list(jobs)
        n = len(self.jobs)
        self.ids = [j.id for j in self.jobs]
        self._pos = {jid: i for i, jid in enumerate(self.ids)}
        # Titles are mapped with this mapper when a document carries no stored occupation
        # (evaluation sets, benchmarks); résumés ranked here are mapped with it too.
        self.mapper = mapper or default_mapper()
        csco = self.mapper.classification
        unknown = len(csco.occupations)
        occ, conf = [], []
        for job in self.jobs:
            code, c = job_occupation(job, self.mapper)
            occ.append(csco.index[code] if code else unknown)  # type: ignore[attr-defined]
            conf.append(c)
        self.occ = np.array(occ, dtype=np.int16).reshape(n)
        self.occ_conf = np.array(conf, dtype=np.float64).reshape(n)
        self.unknown_occ = unknown
        self._cities = Vocab()
        self.city = np.array([self._cities.id(j.city) for j in self.jobs], dtype=np.int32)
        self.county = np.array(
            [self._cities.id(f"{j.city}/{j.county}") for j in self.jobs], dtype=np.int32
        )
        self.pay_top = np.array([max(j.pay_max, j.pay_min) for j in self.jobs], dtype=np.float64)
        self.exp = np.array([j.experience_years for j in self.jobs], dtype=np.float64)
        self.edu = np.array([education_code(j.education) for j in self.jobs], dtype=np.int8)
        self._types = Vocab()
        self.etype = np.array(
            [self._types.id(j.employment_type) for j in self.jobs], dtype=np.int16
        )
        self._certs = Vocab()
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
        self._counter = term_counter()
        self._tfidf = TfidfTransformer(sublinear_tf=True)
        if n:
            counts = self._counter.fit_transform([job_text(j) for j in self.jobs])
            self.text = sparse.csr_matrix(self._tfidf.fit_transform(counts))
        else:
            self.text = sparse.csr_matrix((0, 1), dtype=np.float32)
        # Character bigrams of titles, for titles outside the taxonomy (Jaccard, vectorised).
        self._bigram_vocab = Vocab()
        rows_b, cols_b = [], []
        for i, job in enumerate(self.jobs):
            for gram in title_bigrams(job.title):
                rows_b.append(i)
                cols_b.append(self._bigram_vocab.id(gram))
        self.title_grams = sparse.csr_matrix(
            (np.ones(len(rows_b), dtype=np.float32), (rows_b, cols_b)),
            shape=(n, max(1, len(self._bigram_vocab))),
        )
        self.title_gram_count = np.asarray(self.title_grams.sum(axis=1)).ravel()
        # Posts by occupation, to score only the candidates that can score above zero.
        order = np.argsort(self.occ, kind="stable")
        bounds = np.searchsorted(self.occ[order], np.arange(unknown + 2))
        self._by_occ = [order[bounds[k] : bounds[k + 1]] for k in range(unknown + 1)]

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

    def _candidates(self, seeker_occ: dict[str, tuple[float, str]]) -> tuple[np.ndarray, Any]:
        """Row indices worth scoring and the fit of each occupation (None: the seeker's
        titles map to none, so every post is scored by title and text)."""
        if not seeker_occ:
            return np.arange(len(self.jobs)), None
        table = fit_table(seeker_occ, self.mapper)
        parts = [self._by_occ[k] for k in np.flatnonzero(table[:-1] > 0)]
        parts.append(self._by_occ[self.unknown_occ])
        rows = np.sort(np.concatenate(parts)) if parts else np.arange(0)
        return rows, table

    def _title_similarity(self, titles: Sequence[str], rows: np.ndarray) -> np.ndarray:
        best = np.zeros(len(rows))
        sub = self.title_grams[rows]
        for title in titles:
            grams = title_bigrams(title)
            if not grams:
                continue
            vec = np.zeros(self.title_grams.shape[1], dtype=np.float32)
            for gram in grams:
                gid = self._bigram_vocab.get(gram)
                if gid is not None:
                    vec[gid] = 1
            inter = sub @ vec
            union = self.title_gram_count[rows] + len(grams) - inter
            best = np.maximum(best, jaccard(inter, union))
        return best

    def text_scores(self, resume: ResumeDoc) -> np.ndarray:
        """Cosine of the résumé's text with every post (a CSR matrix times a dense vector)."""
        if not len(self.jobs):
            return np.zeros(0)
        query = self.tfidf([resume_text(resume)]).toarray().ravel()
        return (self.text @ query).astype(np.float64)

    def _blocks(
        self, resumes: Sequence[ResumeDoc], block: int
    ) -> Iterator[tuple[list[int], np.ndarray, np.ndarray, Any, np.ndarray]]:
        """Yield (résumé positions, candidate rows, occupation fit B × C, the candidates'
        TF-IDF transposed, which candidates are scored as unmapped) in blocks of at most
        ``block`` résumés.

        Résumés are grouped by the occupations (and confidences) their titles map to, which
        decide the candidate posts and their occupation fit. Where either side maps to no
        occupation the pair is scored by title bigrams (computed once per distinct title
        set; the fit matrix holds the raw similarity there) or else by text, which
        ``_score_block`` adds. Candidates of an unrelated occupation are dropped."""
        groups: dict[tuple, list[int]] = {}
        for i, resume in enumerate(resumes):
            groups.setdefault(occupation_key(resume, self.mapper), []).append(i)
        for members in groups.values():
            seeker = resume_occupations(resumes[members[0]], self.mapper)
            rows, table = self._candidates(seeker)
            if not len(rows):
                continue
            occ_ids = self.occ[rows]
            if table is None:
                base, unknown = np.zeros(len(rows)), np.ones(len(rows), dtype=bool)
            else:
                base, unknown = table[occ_ids], occ_ids == self.unknown_occ
            keep = (base > 0) | unknown
            rows, base, unknown = rows[keep], base[keep], unknown[keep]
            if not len(rows):
                continue
            titles_of = {i: tuple(resumes[i].seeker_titles()) for i in members}
            sims: dict[tuple[str, ...], np.ndarray] = {}
            if unknown.any():
                for titles in dict.fromkeys(titles_of.values()):
                    sims[titles] = self._title_similarity(titles, rows[unknown])
            text_t = self.text[rows].T.tocsr()
            for start in range(0, len(members), block):
                part = members[start : start + block]
                occ = np.repeat(base[None, :], len(part), axis=0)
                if unknown.any():
                    for j, i in enumerate(part):
                        occ[j, unknown] = sims[titles_of[i]]
                yield part, rows, occ, text_t, unknown

    def _score_block(
        self,
        resumes: Sequence[ResumeDoc],
        rows: np.ndarray,
        occ: np.ndarray,
        text_t: Any,
        unknown: np.ndarray,
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
        pay = pay_fits(expected, self.pay_top[rows])
        years = np.array([[r.experience_years] for r in resumes], dtype=np.float64)
        exp = experience_fits(years, self.exp[rows][None, :])
        codes = np.array([[education_code(r.education)] for r in resumes], dtype=np.int16)
        edu = education_fits(codes, self.edu[rows].astype(np.int16)[None, :])
        # Text: one sparse product for the block.
        query = self.tfidf([resume_text(r) for r in resumes])
        text = np.asarray((query @ text_t).toarray(), dtype=np.float32).astype(np.float64)
        if unknown.any():
            occ = occ.copy()
            occ[:, unknown] = unmapped_fits(occ[:, unknown], text[:, unknown])
        # Certificates: a hard requirement (the score keeps a small share when one is missing).
        missing = None
        certs = self.certs[rows]
        if certs.nnz:
            lacking = np.ones((b, self.certs.shape[1]), dtype=np.float32)
            for i, resume in enumerate(resumes):
                ids = list(map(self._certs.get, certificates_held(resume.certificates)))
                lacking[i, [x for x in ids if x is not None]] = 0
            missing = np.asarray(certs @ lacking.T).T > 0
        return scores_of(occ, loc, etype, pay, exp, edu, text, missing), text

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
        for part, rows, occ, text_t, unknown in self._blocks(resumes, block):
            scores, texts = self._score_block(
                [resumes[i] for i in part], rows, occ, text_t, unknown
            )
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
        comp = pair_components(resume, job, text=text, mapper=self.mapper)
        match = explain(resume, job, comp, mapper=self.mapper)
        match.score = score
        return match

    def score_all(self, resume: ResumeDoc) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row indices, scores 0–100, text similarity) of the posts that can score above 0."""
        for _part, rows, occ, text_t, unknown in self._blocks([resume], 1):
            scores, texts = self._score_block([resume], rows, occ, text_t, unknown)
            return rows, scores[0], texts[0]
        return np.zeros(0, np.int64), np.zeros(0), np.zeros(0)

    def rank(self, resume: ResumeDoc, *, top: int = 10, min_score: float = 0.0) -> list[Match]:
        """The best ``top`` posts for ``resume``, explained; ties broken by position (stable)."""
        [(rows, scores, texts)] = self.rank_rows([resume], top=top, min_score=min_score)
        return [
            self.explain_row(resume, int(r), float(s), float(t))
            for r, s, t in zip(rows, scores, texts, strict=True)
        ]
