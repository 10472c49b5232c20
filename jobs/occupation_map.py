"""The site's title mapper: the classification, what the nightly learning stored and the
corrections staff made, read from the database; and filling a post's or résumé's mapping.

The mapper is built once per process and rebuilt when the vocabulary changes (the version
lives in the shared cache, so every worker notices), as the post index is.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

from django.core.cache import cache

from jobs.matching import TitleMapper, Vocabulary, mapper_with
from jobs.matching.learning import LearnedTitle
from jobs.models import MappingSource, OccupationLink, OccupationTitle

_VERSION_KEY = "jobs:occupation-vocabulary-version"
_lock = threading.Lock()
_cached: dict[str, Any] = {"version": None, "mapper": None}


def site_vocabulary_changed() -> None:
    cache.set(_VERSION_KEY, uuid.uuid4().hex, None)


def site_mapper() -> TitleMapper:
    version = cache.get(_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(_VERSION_KEY, version, None)
        version = cache.get(_VERSION_KEY) or version
    with _lock:
        if _cached["version"] != version:
            learned, corrections = [], {}
            for title, code, conf, source, posts in OccupationTitle.objects.values_list(
                "title", "occupation_id", "confidence", "source", "posts"
            ):
                if source == OccupationTitle.Source.STAFF:
                    corrections[title] = code
                else:
                    learned.append(LearnedTitle(title, code, conf, posts))
            links = tuple(OccupationLink.objects.values_list("a_id", "b_id", "fit"))
            _cached["mapper"] = mapper_with(Vocabulary(tuple(learned), links), corrections)
            _cached["version"] = version
        return _cached["mapper"]


def post_occupation_fill(post: Any) -> None:
    """Map the post's title (nothing saved here). A code staff set stays."""
    if post.occupation_source == MappingSource.STAFF and post.occupation:
        return
    mapped = site_mapper().map(post.title)
    post.occupation, post.occupation_confidence = mapped[0] if mapped else ("", 0.0)
    post.occupation_source = MappingSource.AUTO


def resume_occupations_fill(resume: Any) -> None:
    """Map every seeker title of the résumé (desired, else from the work history)."""
    if resume.occupation_source == MappingSource.STAFF and resume.occupations:
        return
    titles = list(resume.desired_titles) or [
        h["title"] for h in resume.work_history if h.get("title")
    ]
    mapper = site_mapper()
    resume.occupations = [
        [code, conf, title] for title in titles for code, conf in mapper.map(title)
    ]
    resume.occupation_source = MappingSource.AUTO
