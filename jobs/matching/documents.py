"""What is matched: a post and a résumé as plain documents, their text, and the JSON-lines
format of the evaluation sets."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import rjieba
from sklearn.feature_extraction.text import CountVectorizer

from jobs.matching.occupations import TitleMapper, default_mapper

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
    #: CSCO code stored for the post (mapped when saved, or corrected by staff); when None
    #: or not a code of the classification, the index maps the title itself.
    occupation: str | None = None
    occupation_confidence: float = 1.0


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
    #: (CSCO code, confidence, the title it came from) stored for the résumé; when empty,
    #: the index maps the seeker titles itself.
    occupations: tuple[tuple[str, float, str], ...] = ()

    def seeker_titles(self) -> tuple[str, ...]:
        return self.desired_titles or self.history_titles

    def cities(self) -> set[str]:
        cities = set(self.desired_cities)
        if self.city:
            cities.add(self.city)
        return cities


def job_occupation(job: JobDoc, mapper: TitleMapper | None = None) -> tuple[str | None, float]:
    """The post's occupation code and confidence: the stored one, else its title mapped
    (the best occupation only: a post is one job). (None, 0) when the title maps to none."""
    mapper = mapper or default_mapper()
    if job.occupation and mapper.classification.get(job.occupation):
        return job.occupation, float(job.occupation_confidence)
    mapped = mapper.map(job.title)
    return (mapped[0][0], mapped[0][1]) if mapped else (None, 0.0)


def resume_occupations(
    resume: ResumeDoc, mapper: TitleMapper | None = None
) -> dict[str, tuple[float, str]]:
    """Code → (confidence, the seeker title it came from) of the résumé: the stored
    mapping, else every seeker title mapped (the most confident title per code)."""
    mapper = mapper or default_mapper()
    out: dict[str, tuple[float, str]] = {}
    pairs = resume.occupations or tuple(
        (code, conf, title) for title in resume.seeker_titles() for code, conf in mapper.map(title)
    )
    for code, conf, title in pairs:
        if mapper.classification.get(code) and conf > out.get(code, (0.0, ""))[0]:
            out[code] = (float(conf), title)
    return out


def occupation_key(resume: ResumeDoc, mapper: TitleMapper | None = None) -> tuple:
    """Résumés with the same key share their candidate posts and occupation fit, so the
    batch path scores them together (the nightly refresh orders its chunks by it)."""
    codes = sorted((c, conf) for c, (conf, _t) in resume_occupations(resume, mapper).items())
    return tuple(codes) if codes else (("", 0.0), *((t, 0.0) for t in resume.seeker_titles()))


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


def term_counter() -> CountVectorizer:
    """The one tokenisation of post and résumé text (rjieba terms, counted)."""
    return CountVectorizer(tokenizer=_tokens, lowercase=False, token_pattern=None, dtype=np.float32)


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
