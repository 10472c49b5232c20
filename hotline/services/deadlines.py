"""Time limits of requests: the one rule that computes them from the working-day calendar,
and their recomputation when province staff change the calendar.

The rule (what the request services do step by step, in closed form): a limit ends with the
``n + waited``-th working day after the day its clock started, where ``n`` is the tier's
number of working days (``hotline.calendar.TIER_LIMITS``) and ``waited`` the working days
spent in finished pauses waiting for the member. The first-response clock starts at
submission; the resolution clock at submission or at the last reopening, which also forgets
earlier pauses. A pause still running is not counted: the stored limits are moved by it when
it ends (``requests._resume_clock``).

When holidays are entered, corrected or deleted, the limits of open requests that run through
the changed dates are recomputed with this rule — what a hotline supervisor expects:

* A limit still running moves with the calendar, later or earlier.
* A limit already met (first response given) or already expired is history and stays: it was
  shown to the agent, may have been flagged overdue and escalated to the parent region's
  supervisors, and counted in the figures; rewriting it would silently undo a report or
  invent an overdue nobody was told about. A paused request's clock stands at the moment it
  began waiting, so its limits count as expired only if they had ended before the pause.
* A limit that moves earlier never ends before the end of the day the request's clock
  stands on (today, or the day it began waiting), so a correction never makes a request
  overdue in the past.

Each moved request gets a transition note saying what moved and why.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import transaction
from django.db.models import DateTimeField, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from core.outbox import outbox_enqueue
from hotline.calendar import TIER_LIMITS, TZ, WorkingCalendar
from hotline.models import OPEN_STATES, HotlineRequest, RequestTransition, State

logger = logging.getLogger(__name__)

TASK = "hotline.tasks.recompute_due_dates"
#: Requests locked, computed and written together: a few UPDATEs and one INSERT per batch.
BATCH_SIZE = 500
#: Batches in one task run; the rest goes to a new run, well inside the task's time limit.
BATCHES_PER_RUN = 40

#: (from state, to state, when), oldest first: the steps that start or stop a clock.
History = list[tuple[str, str, datetime]]

_REOPENED_FROM = (State.RESOLVED, State.CLOSED)


@dataclass(frozen=True)
class DueDates:
    first_response_due: datetime
    resolution_due: datetime
    #: When the resolution clock started: submission, or the last reopening.
    resolution_start: datetime


def request_histories(*, request_ids: Iterable[int]) -> dict[int, History]:
    """The pauses and reopenings of each request, in one query."""
    rows = (
        RequestTransition.objects.filter(
            Q(to_state=State.WAITING)
            | Q(from_state=State.WAITING)
            | Q(from_state__in=_REOPENED_FROM, to_state=State.IN_PROGRESS),
            request_id__in=list(request_ids),
        )
        .order_by("request_id", "created_at", "id")
        .values_list("request_id", "from_state", "to_state", "created_at")
    )
    histories: dict[int, History] = {}
    for request_id, from_state, to_state, at in rows:
        histories.setdefault(request_id, []).append((from_state, to_state, at))
    return histories


def request_due_dates(
    *, request: HotlineRequest, history: History, calendar: WorkingCalendar | None = None
) -> DueDates:
    """The limits ``request`` has under the calendar as it is now (see the module's rule).

    ``history`` comes from ``request_histories``; reads only the calendar.
    """
    calendar = calendar or WorkingCalendar()
    first_days, resolution_days = TIER_LIMITS[request.tier]
    resolution_start = request.created_at
    waited_first = waited_resolution = 0
    waiting_from: datetime | None = None
    for from_state, to_state, at in history:
        if to_state == State.WAITING and from_state != State.WAITING:
            waiting_from = at
        elif from_state == State.WAITING and to_state != State.WAITING:
            if waiting_from is not None:
                waited = calendar.working_days_between(waiting_from, at)
                waited_first += waited
                waited_resolution += waited
            waiting_from = None
        if from_state in _REOPENED_FROM and to_state == State.IN_PROGRESS:
            resolution_start, waited_resolution = at, 0
    return DueDates(
        first_response_due=calendar.add_working_days(request.created_at, first_days + waited_first),
        resolution_due=calendar.add_working_days(
            resolution_start, resolution_days + waited_resolution
        ),
        resolution_start=resolution_start,
    )


# --- recomputation after a calendar change --------------------------------------------------


def due_dates_recompute_later(
    *, dates: Iterable[date], after_id: int = 0, run: str | None = None
) -> None:
    """Recompute the limits running through ``dates`` once the caller's transaction commits
    (``core.outbox``: sent even if the broker is down right now).

    ``run`` names one recomputation across its task runs (each continues after ``after_id``),
    so a continuation delivered twice is enqueued once.
    """
    days = sorted({day.isoformat() for day in dates})
    if not days:
        return
    run = run or uuid.uuid4().hex
    outbox_enqueue(
        TASK,
        kwargs={"dates": days, "after_id": after_id, "run": run},
        key=f"{TASK}:{run}:{after_id}",
    )


@dataclass(frozen=True)
class RecomputeResult:
    checked: int
    moved: int
    #: Where the next run continues; ``None`` once every candidate was seen.
    next_after_id: int | None


def hotline_due_dates_recompute(
    *,
    dates: Sequence[date],
    after_id: int = 0,
    run: str = "",
    batches: int = BATCHES_PER_RUN,
    batch_size: int = BATCH_SIZE,
    now: datetime | None = None,
) -> RecomputeResult:
    """Recompute the running limits of the open requests whose limits run through ``dates``
    (the days just entered, corrected or deleted), in id order after ``after_id``.

    Idempotent: a limit already right is not written, so a rerun moves nothing. Each batch
    commits on its own (rows locked while computed). After ``batches`` batches the rest is
    handed to a new task run (``due_dates_recompute_later``), so no run outlives its time
    limit however many requests are open.
    Side effects: moved requests get a transition note; progress is logged.
    """
    days = sorted(set(dates))
    if not days:
        return RecomputeResult(checked=0, moved=0, next_after_id=None)
    checked = moved = 0
    next_after: int | None = after_id
    for _n in range(batches):
        seen, count, next_after = _recompute_batch(
            days=days, after_id=next_after, size=batch_size, now=now or timezone.now()
        )
        checked += seen
        moved += count
        if next_after is None:
            break
    if next_after is not None:
        with transaction.atomic():
            due_dates_recompute_later(dates=days, after_id=next_after, run=run or None)
    logger.info(
        "hotline: time limits recomputed after a calendar change",
        extra={"dates": [d.isoformat() for d in days], "checked": checked, "moved": moved},
    )
    return RecomputeResult(checked=checked, moved=moved, next_after_id=next_after)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=TZ)


def _end_of_day(moment: datetime) -> datetime:
    return datetime.combine(moment.astimezone(TZ).date(), time(23, 59, 59), tzinfo=TZ)


def _candidates_q(days: list[date], now: datetime) -> Q:
    """Open, started before the last changed day, with a limit neither met nor expired
    ending on or after the first changed day: a superset of the affected requests, which
    the batch narrows exactly."""
    clock = Coalesce(F("waiting_since"), Value(now, output_field=DateTimeField()))
    earliest, latest = _start_of(days[0]), _start_of(days[-1])
    first_running = Q(first_response_at__isnull=True, first_response_due__gte=earliest) & Q(
        first_response_due__gte=clock
    )
    resolution_running = Q(resolution_due__gte=earliest) & Q(resolution_due__gte=clock)
    return Q(state__in=OPEN_STATES, created_at__lt=latest) & (first_running | resolution_running)


def _moved(
    old: datetime | None,
    computed: datetime,
    *,
    start: datetime,
    clock: datetime,
    days: list[date],
) -> datetime | None:
    """The new end of one limit, or ``None`` to leave it (see the module's rule)."""
    if old is None or old < clock:
        return None
    start_day, old_day = start.astimezone(TZ).date(), old.astimezone(TZ).date()
    if not any(start_day < day <= old_day for day in days):
        return None
    if computed < old:
        computed = max(computed, min(old, _end_of_day(clock)))
    return computed if computed != old else None


def _note(changes: list[tuple[str, datetime, datetime]]) -> str:
    parts = [
        _("%(limit)s由%(old)s改为%(new)s")
        % {
            "limit": limit,
            "old": f"{old.astimezone(TZ):%Y-%m-%d}",
            "new": f"{new.astimezone(TZ):%Y-%m-%d}",
        }
        for limit, old, new in changes
    ]
    return _("节假日安排调整，时限重新计算：%(changes)s") % {"changes": "；".join(parts)}


@transaction.atomic
def _recompute_batch(
    *, days: list[date], after_id: int, size: int, now: datetime
) -> tuple[int, int, int | None]:
    """One batch: (requests seen, requests moved, id to continue after or ``None``)."""
    requests = list(
        HotlineRequest.objects.select_for_update(of=("self",))
        .filter(_candidates_q(days, now), pk__gt=after_id)
        .order_by("pk")
        .only(
            "id", "tier", "state", "created_at", "first_response_due", "resolution_due",
            "first_response_at", "waiting_since",
        )[:size]
    )  # fmt: skip
    if not requests:
        return 0, 0, None
    histories = request_histories(request_ids=[r.pk for r in requests])
    calendar = WorkingCalendar()
    moved: list[HotlineRequest] = []
    notes: list[RequestTransition] = []
    for request in requests:
        due = request_due_dates(
            request=request, history=histories.get(request.pk, []), calendar=calendar
        )
        clock = request.waiting_since or now
        changes = []
        if request.first_response_at is None:
            new = _moved(
                request.first_response_due,
                due.first_response_due,
                start=request.created_at,
                clock=clock,
                days=days,
            )
            if new is not None:
                changes.append((_("首次答复时限"), request.first_response_due, new))
                request.first_response_due = new
        new = _moved(
            request.resolution_due,
            due.resolution_due,
            start=due.resolution_start,
            clock=clock,
            days=days,
        )
        if new is not None:
            changes.append((_("办结时限"), request.resolution_due, new))
            request.resolution_due = new
        if changes:
            moved.append(request)
            notes.append(
                RequestTransition(
                    request=request,
                    from_state=request.state,
                    to_state=request.state,
                    note=_note(changes)[:200],
                    created_at=timezone.now(),
                )
            )
    # Requests opened the same day share their new limits: one UPDATE per pair of limits,
    # a handful per batch (Django's bulk_update builds a CASE per row, far slower).
    groups: dict[tuple[datetime | None, datetime | None], list[int]] = {}
    for request in moved:
        key = (request.first_response_due, request.resolution_due)
        groups.setdefault(key, []).append(request.pk)
    for (first, resolution), ids in groups.items():
        HotlineRequest.objects.filter(pk__in=ids).update(
            first_response_due=first, resolution_due=resolution
        )
    RequestTransition.objects.bulk_create(notes)
    next_after = requests[-1].pk if len(requests) == size else None
    return len(requests), len(moved), next_after
