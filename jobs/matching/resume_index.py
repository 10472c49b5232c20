"""The post → résumés direction: résumés as column arrays and term counts."""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from jobs.matching.documents import ResumeDoc, resume_occupations, resume_text, term_counter
from jobs.matching.job_index import JobIndex, Vocab
from jobs.matching.occupations import TitleMapper, default_mapper
from jobs.matching.scoring import (
    LOC_CITY,
    LOC_COUNTY,
    LOC_PROVINCE,
    education_fits,
    experience_fits,
    jaccard,
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

# --- résumés for a post (the post → résumés direction) ---------------------------------------


class _ResumeVocabs:
    """Value → column maps of a ``ResumeIndex``; only ever grow, so that an index brought up
    to date (``ResumeIndex.replace``) keeps every existing row's columns."""

    def __init__(self) -> None:
        self.grams, self.cities, self.homes = Vocab(), Vocab(), Vocab()
        self.types, self.certs, self.terms = Vocab(), Vocab(), Vocab()

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

    codes: Any  # (n, occupations) CSR float64: confidence of each code its titles map to
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
    levels: np.ndarray  # (n,) int16 education code (level and track, ``education_code``)
    counts: Any  # (n, terms) CSR float32 term counts of the résumé text

    @classmethod
    def encode(
        cls, resumes: Sequence[ResumeDoc], vocabs: _ResumeVocabs, mapper: TitleMapper
    ) -> _ResumeRows:
        """Encode résumés (growing ``vocabs``): the one per-résumé Python loop."""
        n = len(resumes)
        index = mapper.classification.index  # type: ignore[attr-defined]
        analyze = term_counter().build_analyzer()
        code_of: tuple[list[int], list[int], list[float]] = ([], [], [])
        owner: list[int] = []
        lengths: list[int] = []
        title: tuple[list[int], list[int]] = ([], [])
        city: tuple[list[int], list[int]] = ([], [])
        kind: tuple[list[int], list[int]] = ([], [])
        cert: tuple[list[int], list[int]] = ([], [])
        term: tuple[list[int], list[int], list[int]] = ([], [], [])
        homes: list[int] = []
        for i, resume in enumerate(resumes):
            for code, (conf, _title) in resume_occupations(resume, mapper).items():
                code_of[0].append(i)
                code_of[1].append(index[code])
                code_of[2].append(conf)
            for grams in filter(None, map(title_bigrams, resume.seeker_titles())):
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
        ones = np.ones
        return cls(
            codes=sparse.csr_matrix(
                (np.asarray(code_of[2], dtype=np.float64), (code_of[0], code_of[1])),
                shape=(n, len(index)),
            ),
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
            levels=np.array([education_code(r.education) for r in resumes], dtype=np.int16),
            counts=_csr(*term, (n, len(vocabs.terms))),
        )

    def take(self, keep: np.ndarray) -> _ResumeRows:
        """The rows at positions ``keep`` (ascending), in that order."""
        new_pos = np.full(len(self.home), -1, dtype=np.int64)
        new_pos[keep] = np.arange(len(keep))
        titles = np.flatnonzero(new_pos[self.title_owner] >= 0)
        return _ResumeRows(
            codes=self.codes[keep],
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
        def stack(a: Any, b: Any, vocab: Vocab) -> Any:
            return sparse.vstack([_widen(a, len(vocab)), _widen(b, len(vocab))], format="csr")

        return _ResumeRows(
            codes=sparse.vstack([first.codes, then.codes], format="csr"),
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

    def __init__(self, resumes: Sequence[ResumeDoc], *, mapper: TitleMapper | None = None):
        vocabs = _ResumeVocabs()
        self.mapper = mapper or default_mapper()
        rows = _ResumeRows.encode(resumes, vocabs, self.mapper)
        self._setup([r.id for r in resumes], rows, vocabs)

    def _setup(self, ids: list[str], rows: _ResumeRows, vocabs: _ResumeVocabs) -> None:
        # Only ids are kept, not the documents: 200,000 résumés' texts would double the size.
        self.ids = ids
        self._pos = {rid: i for i, rid in enumerate(self.ids)}
        self._rows = rows
        self._vocabs = vocabs
        self._no_code = np.diff(rows.codes.indptr) == 0
        self._codes = rows.codes.tocsc()
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
        added = _ResumeRows.encode(resumes, vocabs, self.mapper)
        new = ResumeIndex.__new__(ResumeIndex)
        new.mapper = self.mapper
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

    def _occupation(self, index: JobIndex, row: int) -> tuple[np.ndarray, np.ndarray]:
        """Occupation fit of every résumé with post ``row`` (as ``JobIndex._blocks``): by
        the hierarchy, each résumé's best code times its confidence, times the post's; and
        which résumés are scored as unmapped (their raw title-bigram similarity given)."""
        rows = self._rows
        n = len(self.ids)
        occ = np.zeros(n)
        k = int(index.occ[row])
        if k == index.unknown_occ:
            by_title = np.ones(n, dtype=bool)
        else:
            fits = self.mapper.fit_row(k)
            codes = self._codes
            for c in np.flatnonzero(fits > 0):
                start, end = codes.indptr[c], codes.indptr[c + 1]
                if start < end:
                    who = codes.indices[start:end]
                    occ[who] = np.maximum(occ[who], fits[c])
            by_title = self._no_code
        titles = np.flatnonzero(by_title[rows.title_owner])
        if len(titles):
            vec = np.zeros(rows.title_grams.shape[1], dtype=np.float32)
            for gram in title_bigrams(index.jobs[row].title):
                gid = self._vocabs.grams.get(gram)
                if gid is not None:
                    vec[gid] = 1
            inter = rows.title_grams[titles] @ vec
            union = rows.title_len[titles] + index.title_gram_count[row] - inter
            best = np.zeros(n)
            np.maximum.at(best, rows.title_owner[titles], jaccard(inter, union))
            occ[by_title] = best[by_title]
        return occ, by_title

    def score_post(self, index: JobIndex, row: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(résumé positions ascending, scores 0–100, text similarity) of the résumés with a
        non-zero occupation fit for post ``row`` of ``index``."""
        empty = (np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
        if not self.ids:
            return empty
        occ, by_title = self._occupation(index, row)
        cand = np.flatnonzero((occ > 0) | by_title)
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
        pay = pay_fits(rows.expected[cand], index.pay_top[row])
        exp = experience_fits(rows.years[cand], index.exp[row])
        edu = education_fits(rows.levels[cand], index.edu[row].astype(np.int16))
        # Text: one sparse product, the résumés' rows times the post's column.
        product = self.text_for(index)[cand] @ index.text[row].T.tocsr()
        text = np.asarray(product.toarray(), dtype=np.float32).ravel().astype(np.float64)
        fit = occ[cand]
        unmapped = by_title[cand]
        if unmapped.any():
            fit = fit.copy()
            fit[unmapped] = unmapped_fits(fit[unmapped], text[unmapped])
        missing = None
        certs = list(dict.fromkeys(map(normalise_certificate, job.certificates)))
        if certs:
            missing = np.zeros(len(cand), dtype=bool)
            for cert in certs:
                missing |= ~_column(self._holds, vocabs.certs.get(cert), cand)
        return cand, scores_of(fit, loc, etype, pay, exp, edu, text, missing), text

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
