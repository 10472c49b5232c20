"""Running the matching engine over the database: résumé → posts, post → résumés, refresh."""

from __future__ import annotations

import threading
import uuid
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.matching import JobDoc, JobIndex, Match, ResumeDoc, resume_missing_fields
from jobs.models import JobPost, MatchResult, Resume
from jobs.selectors import active_posts
from portal.notifications import notify
from regions.selectors import region_tree

#: Recommendations kept per résumé.
TOP_N = 50
#: A new post is announced to members whose match reaches this score (0–100).
NOTIFY_THRESHOLD = 75.0
_VERSION_KEY = "jobs:index-version"
_local = threading.Lock()
_cached: dict[str, Any] = {"version": None, "index": None}


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
    )


def job_index_invalidate() -> None:
    cache.set(_VERSION_KEY, uuid.uuid4().hex, None)


def job_index() -> JobIndex:
    """The index of active posts, built once per process and rebuilt when posts change
    (the version lives in the shared cache, so every worker notices)."""
    version = cache.get(_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(_VERSION_KEY, version, None)
        version = cache.get(_VERSION_KEY) or version
    # Expiry is by date: a new day also makes a new index.
    key = f"{version}:{timezone.localdate().isoformat()}"
    with _local:
        if _cached["version"] != key:
            posts = active_posts().select_related("region")
            _cached["index"] = JobIndex([post_doc(p) for p in posts])
            _cached["version"] = key
        return _cached["index"]


def _upsert(resume_id: int, matches: list[Match]) -> None:
    now = timezone.now()
    rows = [
        MatchResult(
            resume_id=resume_id,
            post_id=int(m.job_id),
            score=m.score,
            reasons=m.reasons,
            gaps=m.gaps,
            computed_at=now,
        )
        for m in matches
    ]
    MatchResult.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["resume", "post"],
        update_fields=["score", "reasons", "gaps", "computed_at"],
    )
    MatchResult.objects.filter(resume_id=resume_id).exclude(
        post_id__in=[int(m.job_id) for m in matches]
    ).delete()


@transaction.atomic
def resume_match(*, resume_id: int, revision: int | None = None) -> int:
    """Rank the active posts for one résumé and store the top ``TOP_N`` (upsert; stale
    results removed). Idempotent; a run for an outdated ``revision`` does nothing.
    Returns the number of results stored (-1 when skipped)."""
    resume = (
        Resume.objects.select_for_update(of=("self",))
        .select_related("region")
        .filter(pk=resume_id)
        .first()
    )
    if resume is None or (revision is not None and resume.revision != revision):
        return -1
    doc = resume_doc(resume)
    missing = resume_missing_fields(doc)
    if missing:
        MatchResult.objects.filter(resume=resume).delete()
        resume.match_state, resume.match_missing = Resume.MatchState.INCOMPLETE, missing
    else:
        matches = job_index().rank(doc, top=TOP_N, min_score=0.0)
        _upsert(resume.pk, matches)
        resume.match_state, resume.match_missing = Resume.MatchState.DONE, []
        resume.matched_at = timezone.now()
    resume.save(update_fields=["match_state", "match_missing", "matched_at"])
    return 0 if missing else MatchResult.objects.filter(resume=resume).count()


@transaction.atomic
def job_post_match(*, post_id: int) -> int:
    """Match a published post against every complete résumé; store the pairs and notify
    members whose score reaches ``NOTIFY_THRESHOLD`` — once per member and post (dedupe key),
    however often this runs. Returns the number of members notified."""
    post = active_posts().select_related("region", "employer").filter(pk=post_id).first()
    if post is None:
        return 0
    job = post_doc(post)
    index = job_index()
    resumes = list(
        Resume.objects.filter(match_state=Resume.MatchState.DONE).select_related("region", "user")
    )
    by_id = {str(r.pk): r for r in resumes}
    ranked = index.rank_resumes(job, [resume_doc(r) for r in resumes], top=len(resumes))
    notified = 0
    now = timezone.now()
    rows = []
    for doc, match in ranked:
        if match.score <= 0:
            continue
        rows.append(
            MatchResult(
                resume_id=int(doc.id),
                post_id=post.pk,
                score=match.score,
                reasons=match.reasons,
                gaps=match.gaps,
                computed_at=now,
            )
        )
        if match.score >= NOTIFY_THRESHOLD:
            resume = by_id[doc.id]
            notify(
                user=resume.user,
                kind="jobs.match",
                title=_("新岗位推荐：%(title)s") % {"title": post.title},
                body=_("%(employer)s，%(reasons)s")
                % {"employer": post.employer.name, "reasons": "，".join(match.reasons[:3])},
                url=reverse("jobs:post_detail", args=[post.pk]),
                sms=True,
                dedupe_key=f"jobs.match:{post.pk}:{resume.user_id}",
            )
            notified += 1
    MatchResult.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["resume", "post"],
        update_fields=["score", "reasons", "gaps", "computed_at"],
    )
    return notified


def matching_refresh_chunk(*, resume_ids: list[int]) -> int:
    """Re-match a chunk of résumés (the nightly refresh); each résumé in its own transaction,
    so a failure retries only what is left. Returns how many were matched."""
    done = 0
    for resume_id in resume_ids:
        if resume_match(resume_id=resume_id) >= 0:
            done += 1
    return done
