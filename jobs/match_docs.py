"""The engine's view of the database: a post or résumé row as the document the matching
engine reads, and the reasons of stored matches written from it.

Reads only (nothing is saved), so the selectors that list recommendations and the services
that run the matching both use it without importing each other.
"""

from __future__ import annotations

from jobs.matching import JobDoc, ResumeDoc, explain, pair_components
from jobs.models import JobPost, MatchResult, Resume
from jobs.occupation_map import site_mapper
from regions.selectors import region_tree


def _city_county(region_code: str | None) -> tuple[str, str]:
    if not region_code:
        return "", ""
    tree = region_tree()
    node = tree.get(region_code)
    if node is None:
        return "", ""
    if node.level == "county":
        parent = tree.get(node.parent_code) if node.parent_code else None
        return (parent.name if parent else ""), node.name
    return node.name, ""


def post_doc(post: JobPost) -> JobDoc:
    city, county = _city_county(post.region.code)
    return JobDoc(
        id=str(post.pk),
        title=post.title,
        city=city,
        county=county,
        description=post.description,
        skills=tuple(post.skills),
        certificates=tuple(post.certificates),
        pay_min=post.pay_min,
        pay_max=post.pay_max,
        experience_years=post.experience_years,
        education=post.education,
        employment_type=post.employment_type,
        occupation=post.occupation or None,
        occupation_confidence=post.occupation_confidence,
    )


def resume_doc(resume: Resume) -> ResumeDoc:
    city, county = _city_county(resume.region.code if resume.region_id else None)
    tree = region_tree()
    desired = tuple(n.name for n in map(tree.get, resume.desired_city_codes) if n is not None)
    return ResumeDoc(
        id=str(resume.pk),
        city=city,
        county=county,
        desired_titles=tuple(resume.desired_titles),
        desired_cities=desired,
        expected_pay=resume.expected_pay,
        experience_years=resume.experience_years,
        education=resume.education,
        certificates=tuple(resume.certificates),
        skills=tuple(resume.skills),
        employment_types=tuple(resume.employment_types),
        history_titles=tuple(h["title"] for h in resume.work_history if h.get("title")),
        summary=resume.summary,
        occupations=tuple((str(c), float(f), str(t)) for c, f, t in resume.occupations or ()),
    )


def match_explain(*, resume: Resume, matches: list[MatchResult]) -> list[MatchResult]:
    """Write the plain-Chinese reasons of matches stored without them (the nightly refresh
    keeps scores only), from the same components that scored them. In memory: nothing is
    saved. Precondition: each match's post has its region loaded."""
    doc = mapper = None
    for match in matches:
        if match.reasons or match.gaps:
            continue
        doc = doc or resume_doc(resume)
        mapper = mapper or site_mapper()
        job = post_doc(match.post)
        comp = pair_components(doc, job, text=match.text_score, mapper=mapper)
        explained = explain(doc, job, comp, mapper=mapper)
        match.reasons, match.gaps = explained.reasons, explained.gaps
    return matches
