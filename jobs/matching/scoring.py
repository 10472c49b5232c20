"""How a pair is scored: each signal in [0, 1], their weights, and the same arithmetic
over arrays for the index paths (one definition for both directions)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jobs.matching.documents import JobDoc, ResumeDoc, job_occupation, resume_occupations
from jobs.matching.occupations import TitleMapper, default_mapper
from jobs.matching.vocabulary import (
    UNKNOWN_TEXT_SCALE,
    UNKNOWN_TITLE_SCALE,
    certificates_held,
    education_code,
    normalise_certificate,
    title_similarity,
)

LOC_COUNTY = 1.0
LOC_CITY = 0.9
#: Elsewhere in the province: no location fit (a seeker far from the post rarely moves).
LOC_PROVINCE = 0.0


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
    """1 with enough experience; a year short costs a quarter, four years short all (a
    seeker a year short is usually taken on)."""
    if years >= required:
        return 1.0
    return max(0.0, 1.0 - 0.25 * (required - years))


#: The level asked for, but from the general track where the post asks for the vocational
#: one (高中 for a 中专 post). The national classification puts both at one level, so the
#: requirement counts as met: this only orders such a post after one the seeker meets in
#: track too when all else is equal (3 % of a fit, what a text cosine 0.1 lower costs; job
#: boards that list 中专 above 高中 would make it a full level short).
EDU_TRACK_FIT = 0.97


def education_fit(code: int, required: int) -> float:
    """Codes of ``education_code``: a higher level fits whatever its track; the same level
    fits unless the post asks for the vocational track and the seeker has the general one
    (``EDU_TRACK_FIT``); a level short is a quarter, two or more nothing."""
    gap = (required >> 1) - (code >> 1)
    if gap < 0 or (gap == 0 and (code & 1 or not required & 1)):
        return 1.0
    if gap == 0:
        return EDU_TRACK_FIT
    return 0.25 if gap == 1 else 0.0


#: Weights of the fit signals (equal: each is a separate reason to turn a post down).
W_LOCATION, W_TYPE, W_PAY, W_EXPERIENCE, W_EDUCATION = 1.0, 1.0, 1.0, 1.0, 1.0
W_TEXT = 0.3
_W_SUM = W_LOCATION + W_TYPE + W_PAY + W_EXPERIENCE + W_EDUCATION + W_TEXT
#: A post missing a required certificate keeps this share of its score (ranked, but last).
MISSING_CERT_FACTOR = 0.05
#: Share of the score that comes from the occupation alone.
OCC_BASE = 0.3


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
    #: How the occupation fit came about, for the explanation: the post's code, the
    #: seeker's code and title that fit it best (None when either title maps to nothing).
    post_code: str | None = None
    seeker_code: str | None = None
    seeker_title: str = ""
    #: Either title maps to no occupation: the pair was judged by title bigrams and text.
    unmapped: bool = False

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


def occupation_fit(
    seeker: dict[str, tuple[float, str]],
    post_code: str,
    post_confidence: float,
    mapper: TitleMapper | None = None,
) -> tuple[float, str | None, str]:
    """(fit, seeker code, seeker title): the best of the seeker's occupations by the
    hierarchy and the learned links. Confidence decides whether a title is mapped at all
    (``MIN_SIMILARITY``) and is stored and shown; it does not scale the fit, or two posts of
    one occupation would rank by how their titles happen to be worded."""
    mapper = mapper or default_mapper()
    best: tuple[float, str | None, str] = (0.0, None, "")
    for code, (_conf, title) in sorted(seeker.items()):
        fit = mapper.fit(code, post_code)
        if fit > best[0]:
            best = (fit, code, title)
    return best[0], best[1], best[2]


def fit_table(seeker: dict[str, tuple[float, str]], mapper: TitleMapper) -> np.ndarray:
    """``occupation_fit`` before the post's confidence, for every occupation at once (one
    more entry, 0, for a post whose title maps to none): the same products and maximum."""
    csco = mapper.classification
    table = np.zeros(len(csco.occupations) + 1)
    for code in sorted(seeker):
        k = csco.index[code]  # type: ignore[attr-defined]
        table[:-1] = np.maximum(table[:-1], mapper.fit_row(k))
    return table


def unmapped_fit(title_sim: float, text: float) -> float:
    """A title the classification cannot place: title bigrams, else text and skills."""
    return max(UNKNOWN_TITLE_SCALE * title_sim, UNKNOWN_TEXT_SCALE * text)


def pair_components(
    resume: ResumeDoc, job: JobDoc, *, text: float = 0.0, mapper: TitleMapper | None = None
) -> Components:
    """The signals for one pair (the per-pair path; ``text`` comes from the TF-IDF index)."""
    job_occ, job_conf = job_occupation(job, mapper)
    seeker_occ = resume_occupations(resume, mapper)
    seeker_code, seeker_title = None, ""
    if job_occ is None or not seeker_occ:
        occ = unmapped_fit(title_similarity(resume.seeker_titles(), job.title), text)
    else:
        occ, seeker_code, seeker_title = occupation_fit(seeker_occ, job_occ, job_conf, mapper)
    held = certificates_held(resume.certificates)
    missing = tuple(
        c for c in dict.fromkeys(map(normalise_certificate, job.certificates)) if c not in held
    )
    # A county is named within its city: 新华区 is in 石家庄市 and in 沧州市.
    if resume.county and job.county == resume.county and job.city == resume.city:
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
        education=education_fit(education_code(resume.education), education_code(job.education)),
        text=text,
        post_code=job_occ,
        seeker_code=seeker_code,
        seeker_title=seeker_title,
        unmapped=job_occ is None or not seeker_occ,
    )


# --- vectorised signals (one definition for both directions) ---------------------------------
#
# Elementwise, these are the arithmetic of ``Components.score`` in the same order; the post →
# résumés direction (``ResumeIndex``) calls the very same functions as the résumé → posts one
# (``JobIndex``), so a pair gets a bit-identical score whichever way it is ranked.


def unmapped_fits(title_sim: np.ndarray, text: np.ndarray) -> np.ndarray:
    return np.maximum(UNKNOWN_TITLE_SCALE * title_sim, UNKNOWN_TEXT_SCALE * text)


def pay_fits(expected: np.ndarray, top: np.ndarray) -> np.ndarray:
    """``pay_fit`` over arrays (expected 0 = none given; ``top`` = max(pay_max, pay_min))."""
    has_pay = expected > 0
    safe = np.where(has_pay, expected, 1.0)
    return np.where(has_pay, np.clip(1.0 - (safe - top) / (0.3 * safe), 0, 1), 1.0)


def experience_fits(years: np.ndarray, required: np.ndarray) -> np.ndarray:
    return np.clip(1.0 - 0.25 * (required - years), 0, 1)


def education_fits(codes: np.ndarray, required: np.ndarray) -> np.ndarray:
    """``education_fit`` over arrays of ``education_code`` (both int16, so the arithmetic
    is the same type either way)."""
    gap = (required >> 1) - (codes >> 1)
    track_short = (required & 1) > (codes & 1)
    fit = np.where(gap == 1, 0.25, 0.0)
    fit = np.where(gap == 0, np.where(track_short, EDU_TRACK_FIT, 1.0), fit)
    return np.where(gap < 0, 1.0, fit)


def jaccard(inter: np.ndarray, union: np.ndarray) -> np.ndarray:
    """Title-bigram Jaccard from float32 counts (divided in float32, as it always was)."""
    return np.divide(inter, union, out=np.zeros(len(inter)), where=union > 0)


def scores_of(
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
