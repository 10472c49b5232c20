"""Writes of the occupation classification and the learned vocabulary."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_record
from jobs.matching import (
    DATA_FILE,
    OccupationFileError,
    classification_from_rows,
    clean_title,
    learn_titles,
    parse_occupations,
)
from jobs.models import JobPost, MappingSource, Occupation, OccupationLink, OccupationTitle, Resume
from jobs.occupation_map import (
    post_occupation_fill,
    resume_occupations_fill,
    site_vocabulary_changed,
)
from jobs.selectors import active_posts
from jobs.services.matching import job_index_invalidate

#: The form a title is kept in (brackets and "急招" dropped, lower case).
clean_occupation_title = clean_title

#: Posts read per query while learning (bounded memory whatever their number).
_LEARN_CHUNK = 5000


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def occupation_load(*, path: Path = DATA_FILE) -> LoadResult:
    """Create or update the occupations from the data file (idempotent). The whole file is
    parsed and checked before anything is written: a malformed file changes nothing."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(_("无法读取职业分类文件：%(e)s") % {"e": exc}) from exc
    try:
        csco = classification_from_rows(parse_occupations(text))
    except OccupationFileError as exc:
        raise ValidationError(_("职业分类文件格式错误：%(e)s") % {"e": exc}) from exc
    existing = {o.code: o for o in Occupation.objects.all()}
    created = updated = unchanged = 0
    to_create, to_update = [], []
    for occ in csco.occupations:
        values = {
            "name": occ.name,
            "aliases": list(occ.aliases),
            "minor_group": csco.group_name(occ.code[:7]),
            "medium_group": csco.group_name(occ.code[:4]),
            "major_group": csco.group_name(occ.code[:1]),
        }
        row = existing.get(occ.code)
        if row is None:
            to_create.append(Occupation(code=occ.code, **values))
            created += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            to_update.append(row)
            updated += 1
        else:
            unchanged += 1
    Occupation.objects.bulk_create(to_create, batch_size=1000)
    Occupation.objects.bulk_update(to_update, list(values), batch_size=1000)
    return LoadResult(created, updated, unchanged)


def occupation_vocabulary_learn() -> int:
    """Learn which titles name which occupation from all active posts (the nightly task):
    learned titles and links are replaced in one transaction; staff corrections stay and
    anchor the learning. Returns the number of titles learned."""
    if not Occupation.objects.exists():
        occupation_load()
    staff = dict(
        OccupationTitle.objects.filter(source=OccupationTitle.Source.STAFF).values_list(
            "title", "occupation_id"
        )
    )

    def posts():
        rows = active_posts().values_list("title", "skills", "certificates").order_by("pk")
        yield from rows.iterator(chunk_size=_LEARN_CHUNK)

    vocabulary = learn_titles(posts(), anchors=staff)
    with transaction.atomic():
        OccupationTitle.objects.filter(source=OccupationTitle.Source.LEARNED).delete()
        OccupationTitle.objects.bulk_create(
            [
                OccupationTitle(
                    title=t.title[:60],
                    occupation_id=t.code,
                    confidence=t.confidence,
                    source=OccupationTitle.Source.LEARNED,
                    posts=t.posts,
                )
                for t in vocabulary.titles
                if t.title not in staff
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )
        OccupationLink.objects.all().delete()
        OccupationLink.objects.bulk_create(
            [OccupationLink(a_id=a, b_id=b, fit=f) for a, b, f in vocabulary.links],
            batch_size=2000,
        )
        transaction.on_commit(site_vocabulary_changed)
    site_vocabulary_changed()  # committed already, unless a caller holds a transaction
    return len(vocabulary.titles)


@transaction.atomic
def occupation_title_correct(*, actor: Any, title: str, occupation: Occupation) -> int:
    """Staff say ``title`` is ``occupation``: kept as a correction the learning never
    overwrites, and applied now to the posts and résumés with that title (their next
    matching uses it). Returns how many posts and résumés changed."""
    key = clean_title(title)
    if not key:
        raise ValidationError(_("请填写职位名称。"))
    OccupationTitle.objects.update_or_create(
        title=key[:60],
        defaults={
            "occupation": occupation,
            "confidence": 1.0,
            "source": OccupationTitle.Source.STAFF,
        },
    )
    audit_record(
        actor=actor,
        action="jobs.occupation_title_correct",
        target=occupation,
        details={"title": key, "code": occupation.code},
    )
    site_vocabulary_changed()  # this transaction's remapping below sees the correction...
    transaction.on_commit(site_vocabulary_changed)  # ...and every process after commit
    return _remap_title(key)


def _remap_title(key: str) -> int:
    changed = 0
    for post in JobPost.objects.filter(title__icontains=key).select_for_update():
        if clean_title(post.title) != key:
            continue
        post.occupation_source = MappingSource.AUTO
        post_occupation_fill(post)
        post.save(update_fields=["occupation", "occupation_confidence", "occupation_source"])
        changed += 1
    for resume in Resume.objects.filter(desired_titles__icontains=key).select_for_update():
        resume_occupations_fill(resume)
        resume.save(update_fields=["occupations", "occupation_source"])
        changed += 1
    if changed:
        transaction.on_commit(job_index_invalidate)
    return changed
