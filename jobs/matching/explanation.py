"""Plain-Chinese reasons for a pair, from the same components that scored it."""

from __future__ import annotations

from dataclasses import dataclass, field

from jobs.matching.documents import JobDoc, ResumeDoc
from jobs.matching.occupations import TitleMapper, default_mapper, hierarchy_fit
from jobs.matching.scoring import (
    EDU_TRACK_FIT,
    LOC_CITY,
    LOC_COUNTY,
    Components,
    pair_components,
)
from jobs.matching.vocabulary import education_level, normalise_certificate


@dataclass
class Match:
    job_id: str
    score: float  # 0–100
    reasons: list[str] = field(default_factory=list)  # in favour
    gaps: list[str] = field(default_factory=list)  # against ("缺少叉车证")

    @property
    def explanation(self) -> str:
        return "；".join(self.reasons + self.gaps)


def occupation_link(post_title: str, comp: Components, mapper: TitleMapper | None = None) -> str:
    """The occupation link in words, naming the codes of the national classification:
    "外卖骑手与配送员同属 4-10-08-01 网约配送员"."""
    csco = (mapper or default_mapper()).classification
    post, mine = comp.post_code, comp.seeker_code
    if comp.unmapped:
        if comp.occupation <= 0:
            return "职位名称未能对应到国家职业分类，且职位、技能与岗位描述均不相近"
        return "职位名称未能对应到国家职业分类，按职位名称、技能与岗位描述相近匹配"
    if post is None or mine is None:
        return f"与期望职位不符（{post_title}属于 {post} {csco.name(post)}）"
    title = comp.seeker_title or post_title
    if mine == post:
        if title == post_title:
            return f"职位对口：{post_title}属于 {post} {csco.name(post)}"
        return f"职位对口：{title}与{post_title}同属 {post} {csco.name(post)}"
    pair = (
        f"相近职位：{title}（{mine} {csco.name(mine)}）与{post_title}（{post} {csco.name(post)}）"
    )
    if hierarchy_fit(mine, post) <= 0:
        return f"{pair}在本站岗位中要求的技能相近"
    prefix = post[:7] if post[:7] == mine[:7] else post[:4]
    level = "小类" if len(prefix) == 7 else "中类"
    return f"{pair}同属{level} {prefix} {csco.group_name(prefix)}"


def explain(
    resume: ResumeDoc, job: JobDoc, comp: Components, *, mapper: TitleMapper | None = None
) -> Match:
    """Plain-Chinese reasons for a pair, from the same components that scored it."""
    reasons: list[str] = []
    gaps: list[str] = []
    link = occupation_link(job.title, comp, mapper)
    if comp.occupation > 0:
        reasons.append(link)
    else:
        gaps.append(link or "与期望职位不符")
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
    elif comp.education == EDU_TRACK_FIT:
        gaps.append(f"学历层次满足，但岗位要求{job.education}（职业教育），现为{resume.education}")
    else:
        gaps.append(f"要求{job.education}及以上学历")
    if comp.text >= 0.2:
        reasons.append("技能与岗位描述相符")
    return Match(job_id=job.id, score=comp.score, reasons=reasons, gaps=gaps)


def score_pair_naive(resume: ResumeDoc, job: JobDoc, *, text: float = 0.0) -> Match:
    """The straightforward per-pair scorer (reference for tests and benchmarks)."""
    return explain(resume, job, pair_components(resume, job, text=text))
