"""The province generator's part for 12351 requests and their transitions (mixed into
``portal.scale.build.Builder``)."""

from __future__ import annotations

import datetime as dt
from bisect import bisect
from collections.abc import Iterator
from itertools import accumulate

from portal.scale import words
from portal.scale.base import People, Province
from portal.scale.copy import copy_rows, next_id, reset_sequences


class HotlineMixin:
    """Mixed into ``Builder``; uses its ``rng``, ``n``, ``when``, ``note`` and ``now``."""

    # --- hotline ------------------------------------------------------------------------

    def hotline(self, p: Province, people: People, agents: dict[int, list[int]]) -> None:
        from hotline.models import HotlineRequest, RequestTransition

        rng = self.rng
        count = self.n("hotline_requests", minimum=100)
        kinds = ["consultation"] * 6 + ["assistance"] * 2 + ["complaint", "legal_aid", "suggestion"]
        topics = list(words.HOTLINE_TEMPLATES)
        topic_weights = list(accumulate([14, 10, 8, 6, 8, 1, 5, 3, 4]))
        states = [("closed", 55), ("resolved", 10), ("in_progress", 10), ("assigned", 8),
                  ("waiting", 5), ("new", 12)]  # fmt: skip
        state_cum = list(accumulate(w for _, w in states))
        first, first_t = next_id(HotlineRequest), next_id(RequestTransition)
        transitions: list[tuple] = []
        member_count = len(people.ids)

        def requests() -> Iterator[tuple]:
            for k in range(count):
                pk = first + k
                topic = topics[bisect(topic_weights, rng.random() * topic_weights[-1])]
                state = states[bisect(state_cum, rng.random() * state_cum[-1])][0]
                online = rng.random() < 0.85
                i = rng.randrange(member_count)
                county = people.county[i]
                created = self.when(people.joined[i] if online else None)
                if state == "new":
                    created = self.now - dt.timedelta(minutes=rng.randint(5, 60 * 48))
                employer = people.employer[i] or "某公司"
                title_t, body_t = words.HOTLINE_TEMPLATES[topic]
                months = rng.randint(1, 8)
                city_agents = agents.get(p.city_of[county], [])
                assignee = None if state == "new" else rng.choice(city_agents)
                first_response_due = created + dt.timedelta(days=1)
                resolution_due = created + dt.timedelta(days=15)
                responded = (
                    created + dt.timedelta(hours=rng.randint(1, 30)) if state != "new" else None
                )
                resolved = (
                    min(created + dt.timedelta(days=rng.randint(1, 20)), self.now)
                    if state in ("resolved", "closed")
                    else None
                )
                closed = (
                    min(resolved + dt.timedelta(days=rng.randint(1, 7)), self.now)
                    if state == "closed"
                    else None
                )
                overdue = state not in ("resolved", "closed") and resolution_due < self.now
                rating = (
                    rng.choice((5, 5, 5, 4, 4, 3, 2)) if closed and rng.random() < 0.6 else None
                )
                transitions.append((first_t + len(transitions), pk, "", "new", created))
                yield (
                    pk,
                    people.ids[i] if online else None,
                    "" if online else people.names[i],
                    "" if online else f"1{rng.randint(3, 9)}{rng.randrange(10**9):09d}",
                    "online" if online else "phone",
                    rng.choice(kinds),
                    topic,
                    "ordinary" if rng.random() < 0.9 else "difficult",
                    title_t.format(employer=employer, months=months)[:80],
                    body_t.format(employer=employer, months=months),
                    county,
                    state,
                    assignee,
                    created,
                    first_response_due,
                    resolution_due,
                    responded,
                    resolved,
                    closed,
                    overdue,
                    rating,
                    closed if rating else None,
                    closed or resolved or responded or created,
                )

        written = copy_rows(
            HotlineRequest,
            [
                "id",
                "member_id",
                "caller_name",
                "caller_phone",
                "channel",
                "kind",
                "topic",
                "tier",
                "title",
                "description",
                "region_id",
                "state",
                "assignee_id",
                "created_at",
                "first_response_due",
                "resolution_due",
                "first_response_at",
                "resolved_at",
                "closed_at",
                "is_overdue",
                "rating",
                "rated_at",
                "updated_at",
            ],
            requests(),
        )
        self.note("hotline requests", written)
        copy_rows(
            RequestTransition,
            ["id", "request_id", "from_state", "to_state", "created_at"],
            transitions,
        )
        self.note("hotline transitions", len(transitions))
        reset_sequences(HotlineRequest, RequestTransition)
