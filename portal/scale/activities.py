"""The province generator's part for activities, sign-ups and the points ledger (mixed into
``portal.scale.build.Builder``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from portal.scale.base import People, Province
from portal.scale.copy import copy_rows, next_id, reset_sequences


class ActivitiesMixin:
    """Mixed into ``Builder``; uses its ``rng``, ``n``, ``when``, ``note`` and ``now``."""

    # --- activities and points (columns named explicitly: the model is being extended) ----

    def activities(self, p: Province, people: People) -> None:
        from activities.models import Activity, PointsAccount, PointsEntry, Signup

        rng = self.rng
        kinds = [("lecture", "劳动法律宣讲"), ("job_fair", "春风行动招聘会"),
                 ("training", "职工技能培训"), ("culture", "职工趣味运动会")]  # fmt: skip
        regions = [p.province, *p.cities, *p.counties]
        first_a = next_id(Activity)
        activity_rows = []
        per_region: dict[int, list[tuple[int, int, dt.datetime]]] = {}
        for k in range(self.n("activities", minimum=30)):
            pk = first_a + k
            region = regions[k % len(regions)] if k < len(regions) else rng.choice(regions)
            kind, label = rng.choice(kinds)
            starts = self.start + dt.timedelta(days=rng.randint(0, 213), hours=rng.randint(8, 16))
            capacity = rng.choice((50, 100, 200, 500))
            activity_rows.append(
                (pk, region.pk, "", True, f"{region.short_name}{label}（第{k + 1}期）", kind,
                 f"{region.name}总工会主办的{label}。", starts, starts + dt.timedelta(hours=3),
                 f"{region.name}职工之家", "", capacity, rng.choice((0, 5, 10)), True,
                 starts - dt.timedelta(days=14))
            )  # fmt: skip
            per_region.setdefault(region.pk, []).append((pk, capacity, starts))
        copy_rows(
            Activity,
            [
                "id", "region_id", "employment_form", "membership_required", "title", "kind",
                "description", "starts_at", "ends_at", "place", "online_url", "capacity",
                "points_award", "published", "created_at",
            ],
            activity_rows,
        )  # fmt: skip
        self.note("activities", len(activity_rows))

        first_s = next_id(Signup)
        first_pa, first_pe = next_id(PointsAccount), next_id(PointsEntry)
        signups: list[tuple] = []
        taken: dict[int, int] = {}
        accounts: list[tuple] = []

        def entries() -> Iterator[tuple]:
            pk = first_pe
            for i, user_id in enumerate(people.ids):
                county = people.county[i]
                pool = (
                    per_region.get(county, [])
                    + per_region.get(p.city_of[county], [])
                    + per_region.get(p.province.pk, [])
                )
                balance = 0
                earned: list[tuple[int, str, str, dt.datetime]] = []
                if pool and rng.random() < 0.45:
                    for activity, capacity, starts in rng.sample(pool, k=min(len(pool), 2)):
                        if taken.get(activity, 0) >= capacity:
                            status = "waiting"
                        else:
                            status = "confirmed"
                            taken[activity] = taken.get(activity, 0) + 1
                        at = starts - dt.timedelta(days=rng.randint(1, 10))
                        checked = starts if status == "confirmed" and starts < self.now else None
                        signups.append(
                            (first_s + len(signups), activity, user_id, status, at, checked)
                        )
                        if checked:
                            earned.append((5, "activity", f"参加活动签到（{activity}）", checked))
                if rng.random() < 0.5:
                    for _ in range(rng.randint(1, 4)):
                        earned.append((10, "course", "完成课程", self.when(people.joined[i])))
                if not earned:
                    continue
                earned.sort(key=lambda e: e[3])
                for n, (amount, source, reason, at) in enumerate(earned):
                    balance += amount
                    yield (pk, user_id, amount, balance, reason, source,
                           f"scale:{user_id}:{n}", at)  # fmt: skip
                    pk += 1
                accounts.append((first_pa + len(accounts), user_id, balance, earned[-1][3]))

        written = copy_rows(
            PointsEntry,
            ["id", "user_id", "amount", "balance_after", "reason", "source", "idempotency_key",
             "created_at"],
            entries(),
        )  # fmt: skip
        self.note("points entries", written)
        copy_rows(PointsAccount, ["id", "user_id", "balance", "updated_at"], accounts)
        self.note("points accounts", len(accounts))
        copy_rows(
            Signup,
            ["id", "activity_id", "user_id", "status", "created_at", "checked_in_at"],
            signups,
        )
        self.note("activity sign-ups", len(signups))
        reset_sequences(Activity, Signup, PointsAccount, PointsEntry)
