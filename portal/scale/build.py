"""Generate the province-sized data set (``manage.py seed_scale``).

Every table is written with COPY (``portal.scale.copy``) with explicit ids, so a child row
names its parent without reading it back. Counts follow the province after six months
(issue 10): 530,000 members spread over the 11 cities by census population, each county
with its grassroots unions, 1,000,000 hotline requests, 100,000 job posts, 200,000 résumés,
and the learning, activity and points records of those members. ``scale`` multiplies every
per-member count (0.01 → 5,300 members); the course catalogue and question bank keep a
province's size at any scale.

Deterministic: the same ``seed`` and ``scale`` give the same rows.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from portal.scale import words
from portal.scale.activities import ActivitiesMixin
from portal.scale.base import (  # re-exported: seed_scale and the tests import them from here
    BASE,
    MEMBER_PHONE_PREFIX,
    SCALE_PASSWORD,
    Province,
)
from portal.scale.hotline import HotlineMixin
from portal.scale.jobs import JobsMixin
from portal.scale.learning import LearningMixin
from portal.scale.people import PeopleMixin
from regions.models import Region


class Builder(PeopleMixin, LearningMixin, HotlineMixin, JobsMixin, ActivitiesMixin):
    """Writes the whole province; each part of it is a mixin in its own module."""

    def __init__(
        self,
        *,
        scale: float = 1.0,
        seed: int = 12351,
        identities: bool = True,
        log: Callable[[str], None] = print,
    ) -> None:
        self.scale = scale
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo data, no secrets
        self.identities = identities
        self.log = log
        self.now = timezone.now().replace(microsecond=0)
        self.start = self.now - dt.timedelta(days=183)
        self.password = make_password(SCALE_PASSWORD)
        self.counts: dict[str, int] = {}

    # --- helpers ------------------------------------------------------------------------

    def n(self, key: str, minimum: int = 1) -> int:
        return max(minimum, round(BASE[key] * self.scale))

    def when(self, after: dt.datetime | None = None) -> dt.datetime:
        """A moment in the six months, later than ``after``; more of them recently."""
        lo = after or self.start
        span = (self.now - lo).total_seconds()
        return lo + dt.timedelta(seconds=int(span * self.rng.random() ** 0.8))

    def name(self) -> str:
        rng = self.rng
        given = rng.choice(words.GIVEN)
        if rng.random() < 0.7:
            given += rng.choice(words.GIVEN)
        return rng.choice(words.SURNAMES) + given

    def note(self, label: str, count: int) -> None:
        self.counts[label] = self.counts.get(label, 0) + count
        self.log(f"  {label}: {count:,}")

    # --- the province -------------------------------------------------------------------

    def load_province(self) -> Province:
        province = Region.objects.get(code="130000")
        cities = list(Region.objects.filter(parent=province).order_by("code"))
        counties = list(Region.objects.filter(parent__in=cities).order_by("code"))
        return Province(
            province=province,
            cities=cities,
            counties=counties,
            city_of={c.pk: c.parent_id for c in counties},
            code_of={r.pk: r.code for r in [province, *cities, *counties]},
        )

    def county_weights(self, p: Province) -> tuple[list[int], list[float]]:
        per_city: dict[int, list[Region]] = {}
        for county in p.counties:
            per_city.setdefault(county.parent_id, []).append(county)
        ids: list[int] = []
        weights: list[float] = []
        for city in p.cities:
            share = words.CITY_POPULATION.get(city.code, 3.0)
            local = per_city.get(city.pk, [])
            raw = [
                (words.DISTRICT_WEIGHT if c.name.endswith("区") else 1.0)
                * (0.75 + 0.5 * self.rng.random())
                for c in local
            ]
            total = sum(raw) or 1.0
            for county, w in zip(local, raw, strict=True):
                ids.append(county.pk)
                weights.append(share * w / total)
        return ids, weights

    # --- all ----------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        with connection.cursor() as cursor:
            # Losing the last second of a bulk load on a crash is acceptable; the load is
            # repeatable. Speeds every COPY commit.
            cursor.execute("SET synchronous_commit TO off")
        p = self.load_province()
        feds = self.federations(p)
        people = self.members(p)
        per_county: dict[int, int] = {}
        for county in people.county:
            per_county[county] = per_county.get(county, 0) + 1
        unions = self.unions(p, feds, per_county)
        self.identities_and_memberships(people, unions)
        agents = self.hotline_staff(p)
        self.learning(p, people)
        self.hotline(p, people, agents)
        self.jobs(p, people)
        self.activities(p, people)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return self.counts


def expected_members(scale: float) -> int:
    return max(50, round(BASE["members"] * scale))


__all__ = [
    "BASE",
    "MEMBER_PHONE_PREFIX",
    "SCALE_PASSWORD",
    "Builder",
    "expected_members",
    "log_scale_summary",
]


def log_scale_summary(counts: dict[str, int]) -> str:
    width = max(map(len, counts)) if counts else 0
    return "\n".join(f"{label:<{width}}  {n:>12,}" for label, n in counts.items())
