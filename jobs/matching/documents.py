"""What is matched: a post and a résumé as plain documents, their text, and the JSON-lines
format of the evaluation sets."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import rjieba
from sklearn.feature_extraction.text import CountVectorizer

from jobs.matching.vocabulary import OCCUPATIONS, normalise_title

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
