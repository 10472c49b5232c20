"""Running the matching engine over the database: résumé → posts, post → résumés, refresh."""

from __future__ import annotations

import threading
import uuid
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notifications import notify
from jobs.match_docs import post_doc, resume_doc
from jobs.matching import (
    JobDoc,
    JobIndex,
    Match,
    ResumeDoc,
    ResumeIndex,
    explain,
    occupation_key,
    pair_components,
    resume_missing_fields,
)
from jobs.models import JobPost, MatchResult, Resume
from jobs.occupation_map import site_mapper
from jobs.selectors import active_posts

#: Recommendations kept per résumé.
TOP_N = 50
#: A new post is announced to a member when it enters the best ``NOTIFY_TOP`` of their
#: recommendations with at least ``NOTIFY_THRESHOLD`` (0–100): a member with few matches is
#: not texted about a post that lacks their licence.
NOTIFY_TOP = 10
NOTIFY_THRESHOLD = 75.0
_VERSION_KEY = "jobs:index-version"
_local = threading.Lock()
_cached: dict[str, Any] = {"version": None, "index": None}
_resumes_lock = threading.Lock()
_resumes: dict[str, Any] = {"index": None, "versions": {}}
#: Ids per query (under SQLite's limit of bound parameters).
_CHUNK = 2000


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
    # Expiry is by date: a new day also makes a new index; so does a new vocabulary (the
    # mapper carries the occupation links the nightly learning found).
    mapper = site_mapper()
    key = f"{version}:{timezone.localdate().isoformat()}:{id(mapper)}"
    with _local:
        if _cached["version"] != key:
            posts = active_posts().select_related("region")
            _cached["index"] = JobIndex([post_doc(p) for p in posts], mapper=mapper)
            _cached["version"] = key
        return _cached["index"]


def _upsert(resume_ids: list[int], rows: list[MatchResult]) -> None:
    """Upsert ``rows`` (unique on résumé and post) and drop the résumés' other results.

    Every upserted row gets a fresh ``computed_at`` (auto_now), so what is older than the
    start of this call is stale. Callers hold the résumés' row locks."""
    started = timezone.now()
    MatchResult.objects.bulk_create(
        rows,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["resume", "post"],
        update_fields=["score", "reasons", "gaps", "text_score", "computed_at"],
    )
    MatchResult.objects.filter(resume_id__in=resume_ids, computed_at__lt=started).delete()


def _result(resume_id: int, match: Match, text: float) -> MatchResult:
    return MatchResult(
        resume_id=resume_id,
        post_id=int(match.job_id),
        score=match.score,
        reasons=match.reasons,
        gaps=match.gaps,
        text_score=text,
    )


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
        index = job_index()
        [(rows, scores, texts)] = index.rank_rows([doc], top=TOP_N)
        _upsert(
            [resume.pk],
            [
                _result(resume.pk, index.explain_row(doc, int(r), float(sc), float(t)), float(t))
                for r, sc, t in zip(rows, scores, texts, strict=True)
            ],
        )
        resume.match_state, resume.match_missing = Resume.MatchState.DONE, []
        resume.matched_at = timezone.now()
    resume.save(update_fields=["match_state", "match_missing", "matched_at"])
    return 0 if missing else MatchResult.objects.filter(resume=resume).count()


def _resume_versions() -> dict[int, tuple[int, Any]]:
    """(revision, updated_at) of every résumé the matching may use: ``resume_save`` raises
    the one and sets the other on every change of content."""
    return {
        pk: (revision, updated)
        for pk, revision, updated in Resume.objects.exclude(
            match_state=Resume.MatchState.INCOMPLETE
        )
        .values_list("pk", "revision", "updated_at")
        .iterator(chunk_size=5000)
    }


def resume_index() -> tuple[ResumeIndex, dict[int, tuple[int, Any]]]:
    """Every résumé that can be matched (not "信息不足"), as a ``ResumeIndex`` kept per
    process, with the version of each résumé it holds.

    Brought up to date on each call: one query reads every résumé's version, and only
    the new and changed résumés are loaded and encoded (``ResumeIndex.replace``), the
    others leave. The first call in a process loads them all. The pair returned is never
    changed afterwards, so callers may use it outside the lock."""
    current = _resume_versions()
    mapper = site_mapper()
    with _resumes_lock:
        index, versions = _resumes["index"], _resumes["versions"]
        if index is not None and index.mapper is not mapper:
            # A new vocabulary: every résumé is encoded again with it, so that both
            # directions keep scoring a pair alike.
            index, versions = None, {}
        stale = [pk for pk, version in current.items() if versions.get(pk) != version]
        gone = [pk for pk in versions if pk not in current]
        if index is not None and not stale and not gone:
            return index, versions
        versions = {pk: v for pk, v in versions.items() if pk in current}
        docs: list[ResumeDoc] = []
        unready: list[str] = []
        for start in range(0, len(stale), _CHUNK):
            for resume in Resume.objects.filter(
                pk__in=stale[start : start + _CHUNK]
            ).select_related("region"):
                # The version of the row read, not of the first query: a save in between is
                # picked up next time.
                versions[resume.pk] = (resume.revision, resume.updated_at)
                doc = resume_doc(resume)
                if resume_missing_fields(doc):
                    unready.append(doc.id)
                else:
                    docs.append(doc)
        remove = [str(pk) for pk in gone] + unready
        if index is None:
            index = ResumeIndex(docs, mapper=mapper)
        else:
            index = index.replace(docs, remove=remove)
        _resumes["index"], _resumes["versions"] = index, versions
        return index, versions


def _beats(rival: tuple[float, int, int], score: float, post_id: int) -> bool:
    """Whether a stored result comes before the new one in the member's list (score, then
    post id: ``match_list_for_user``'s order)."""
    return rival[0] > score or (rival[0] == score and rival[1] < post_id)


def _rivals(*, post_id: int, resume_ids: list[int]) -> dict[int, dict[int, tuple]]:
    """For each résumé, its stored results on the other active posts at places
    ``NOTIFY_TOP`` and ``TOP_N`` of its list, as (score, post id, result id): two rows per
    résumé, whatever the number of results (a window function in the database)."""
    rivals: dict[int, dict[int, tuple]] = {}
    active = active_posts().values("pk")
    order = [F("score").desc(), F("post_id").asc()]
    for start in range(0, len(resume_ids), _CHUNK):
        rows = (
            MatchResult.objects.filter(
                resume_id__in=resume_ids[start : start + _CHUNK], post__in=active
            )
            .exclude(post_id=post_id)
            .annotate(place=Window(RowNumber(), partition_by=[F("resume_id")], order_by=order))
            .filter(place__in=(NOTIFY_TOP, TOP_N))
            .values_list("resume_id", "place", "score", "post_id", "pk")
        )
        for resume_id, place, score, other, pk in rows:
            rivals.setdefault(resume_id, {})[place] = (score, other, pk)
    return rivals


def _placements(
    *, post_id: int, scores: dict[int, float]
) -> tuple[list[int], list[int], list[int]]:
    """Where the post lands in each résumé's stored list, given its score for each:
    (the résumés whose best ``TOP_N`` it enters, the results it pushes out of those lists,
    the résumés whose best ``NOTIFY_TOP`` it enters with at least ``NOTIFY_THRESHOLD``)."""
    rivals = _rivals(post_id=post_id, resume_ids=sorted(scores))
    entering: list[int] = []
    pushed_out: list[int] = []
    to_notify: list[int] = []
    for pk, score in sorted(scores.items()):
        mine = rivals.get(pk, {})
        if TOP_N in mine and _beats(mine[TOP_N], score, post_id):
            continue
        entering.append(pk)
        if TOP_N in mine:
            pushed_out.append(mine[TOP_N][2])
        top = NOTIFY_TOP not in mine or not _beats(mine[NOTIFY_TOP], score, post_id)
        if top and score >= NOTIFY_THRESHOLD:
            to_notify.append(pk)
    return entering, pushed_out, to_notify


def job_post_match(*, post_id: int) -> int:
    """Match a published post against every résumé that can be matched, as one batched
    operation (``ResumeIndex.rank_post``: the scores the nightly refresh gives the same
    pairs), and put it into the recommendations of each résumé whose best ``TOP_N`` it
    enters, set-based: one upsert, and the result it pushes out of such a list deleted.

    Members for whom it enters the best ``NOTIFY_TOP`` with at least ``NOTIFY_THRESHOLD``
    are notified, once per member and post (dedupe key) however often this runs. Writes
    under the résumés' row locks; a résumé saved since it was read is left to its own
    matching. Idempotent. Returns the number of members notified."""
    post = active_posts().select_related("region", "employer").filter(pk=post_id).first()
    if post is None:
        return 0
    index = job_index()
    row = index.row(str(post.pk))
    if row is None:  # an index built before the publish committed: build it afresh
        job_index_invalidate()
        index = job_index()
        row = index.row(str(post.pk))
        if row is None:
            return 0
    resumes, versions = resume_index()
    positions, scores, texts = resumes.rank_post(index, row)
    scored = {
        int(resumes.ids[p]): (float(s), float(t))
        for p, s, t in zip(positions, scores, texts, strict=True)
    }
    with transaction.atomic():
        had = dict(MatchResult.objects.filter(post=post).values_list("resume_id", "pk"))
        current = _lock_unchanged(resume_ids=sorted(set(scored) | set(had)), versions=versions)
        entering, pushed_out, to_notify = _placements(
            post_id=post.pk, scores={pk: scored[pk][0] for pk in current if pk in scored}
        )
        MatchResult.objects.bulk_create(
            [
                MatchResult(
                    resume_id=pk,
                    post_id=post.pk,
                    score=scored[pk][0],
                    reasons=[],
                    gaps=[],
                    text_score=scored[pk][1],
                )
                for pk in entering
            ],
            batch_size=_CHUNK,
            update_conflicts=True,
            unique_fields=["resume", "post"],
            update_fields=["score", "reasons", "gaps", "text_score", "computed_at"],
        )
        # The post's earlier results that no longer make a list (the post was edited).
        kept = set(entering)
        drop = [had[pk] for pk in current if pk in had and pk not in kept] + pushed_out
        for start in range(0, len(drop), _CHUNK):
            MatchResult.objects.filter(pk__in=drop[start : start + _CHUNK]).delete()
        _notify_members(post=post, job=index.jobs[row], scored=scored, resume_ids=to_notify)
    return len(to_notify)


def _lock_unchanged(*, resume_ids: list[int], versions: dict[int, tuple]) -> list[int]:
    """Lock the résumés (ascending ids, in chunks: the order every locker here uses) and
    return, ascending, those still as ``versions`` has them; one saved since is left to
    its own matching, which that save enqueued. Precondition: inside a transaction."""
    unchanged: list[int] = []
    for start in range(0, len(resume_ids), _CHUNK):
        rows = (
            Resume.objects.select_for_update()
            .filter(pk__in=resume_ids[start : start + _CHUNK])
            .order_by("pk")
            .values_list("pk", "revision", "updated_at")
        )
        unchanged.extend(pk for pk, *version in rows if versions.get(pk) == tuple(version))
    return unchanged


def _notify_members(
    *, post: JobPost, job: JobDoc, scored: dict[int, tuple[float, float]], resume_ids: list[int]
) -> None:
    """Tell each member of ``resume_ids`` about the post, with its three best reasons."""
    for start in range(0, len(resume_ids), _CHUNK):
        for resume in Resume.objects.filter(
            pk__in=resume_ids[start : start + _CHUNK]
        ).select_related("region", "user"):
            doc = resume_doc(resume)
            mapper = site_mapper()
            comp = pair_components(doc, job, text=scored[resume.pk][1], mapper=mapper)
            match = explain(doc, job, comp, mapper=mapper)
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


def matching_refresh_plan(*, chunk: int) -> list[list[int]]:
    """The nightly refresh's chunks: every résumé that can be matched, ordered by
    occupation so that each chunk holds few occupation groups (the batch path scores a
    group as one matrix product), cut into chunks of ``chunk`` ids."""
    keyed = []
    for pk, desired, history in (
        Resume.objects.exclude(match_state=Resume.MatchState.INCOMPLETE)
        .order_by("pk")
        .values_list("pk", "desired_titles", "work_history")
        .iterator(chunk_size=5000)
    ):
        doc = ResumeDoc(
            id=str(pk),
            desired_titles=tuple(desired or ()),
            history_titles=tuple(h["title"] for h in history or () if h.get("title")),
        )
        keyed.append((occupation_key(doc), pk))
    keyed.sort()
    ids = [pk for _key, pk in keyed]
    return [ids[i : i + chunk] for i in range(0, len(ids), chunk)]


def matching_refresh_chunk(*, resume_ids: list[int], worker: str = "") -> int:
    """Re-match a chunk of résumés (the nightly refresh) in one batch: the chunk is ranked
    as matrix products against the post index, then its results are upserted in one
    transaction under the résumés' row locks. Scores only: the reasons are written when a
    member looks (``match_explain``). Idempotent; a résumé saved meanwhile (new revision)
    is left to its own matching task. Returns how many résumés were matched."""
    resumes = list(
        Resume.objects.filter(pk__in=resume_ids)
        .exclude(match_state=Resume.MatchState.INCOMPLETE)
        .select_related("region")
        .order_by("pk")
    )
    docs = [resume_doc(r) for r in resumes]
    ready = [i for i, d in enumerate(docs) if not resume_missing_fields(d)]
    index = job_index()
    ranked = index.rank_rows([docs[i] for i in ready], top=TOP_N)
    revisions = {resumes[i].pk: resumes[i].revision for i in ready}
    with transaction.atomic():
        current = dict(
            Resume.objects.select_for_update()
            .filter(pk__in=list(revisions))
            .order_by("pk")
            .values_list("pk", "revision")
        )
        now = timezone.now()
        done: list[int] = []
        rows: list[MatchResult] = []
        for i, (post_rows, scores, texts) in zip(ready, ranked, strict=True):
            pk = resumes[i].pk
            if current.get(pk) != revisions[pk]:
                continue
            done.append(pk)
            rows.extend(
                MatchResult(
                    resume_id=pk,
                    post_id=int(index.ids[r]),
                    score=float(sc),
                    reasons=[],
                    gaps=[],
                    text_score=float(t),
                )
                for r, sc, t in zip(post_rows, scores, texts, strict=True)
            )
        _upsert(done, rows)
        Resume.objects.filter(pk__in=done).update(
            match_state=Resume.MatchState.DONE,
            match_missing=[],
            matched_at=now,
            matched_by=worker[:150],
        )
    return len(done)
