"""Reads of the hotline: a member's own requests, staff lists in scope, suggestions before
submitting, consultation slots, and the figures the insights module reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.permissions import Action, region_scope_q, user_can
from core.search import search_filter
from hotline.models import (
    OPEN_STATES,
    CannedReply,
    ConsultationBooking,
    ConsultationSlot,
    HotlineRequest,
    RequestAttachment,
    RequestMessage,
    State,
)
from publishing.selectors.articles import article_search
from regions.models import Article, Region


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def hotline_request_list_for_member(*, user: Any) -> QuerySet[HotlineRequest]:
    if user is None or not user.is_authenticated:
        return HotlineRequest.objects.none()
    return HotlineRequest.objects.filter(member=user).select_related("region", "assignee")


def _public_messages() -> Prefetch:
    return Prefetch(
        "messages",
        queryset=RequestMessage.objects.exclude(kind=RequestMessage.Kind.NOTE)
        .select_related("author")
        .prefetch_related("attachments"),
        to_attr="public_messages",
    )


def hotline_request_get_for_user(*, user: Any, id: Any) -> HotlineRequest:
    """The member's own request with its public conversation (internal notes never
    included), transitions and bookings; Http404 for a missing one and another's alike."""
    pk = _as_int(id)
    request = (
        hotline_request_list_for_member(user=user)
        .prefetch_related(
            _public_messages(),
            "transitions",
            Prefetch(
                "attachments",
                queryset=hotline_attachments_without_message(),
                to_attr="request_attachments",
            ),
            Prefetch(
                "bookings",
                queryset=ConsultationBooking.objects.select_related("slot__region"),
            ),
        )
        .filter(pk=pk)
        .first()
        if pk is not None
        else None
    )
    if request is None:
        raise Http404("no such request")
    return request


def hotline_attachments_without_message():
    return RequestAttachment.objects.filter(message__isnull=True)


def hotline_request_list_for_staff(*, user: Any) -> QuerySet[HotlineRequest]:
    """Requests within the agent's region subtrees, with what the list shows joined."""
    return HotlineRequest.objects.filter(
        region_scope_q(user, Action.HOTLINE_HANDLE)
    ).select_related("region", "assignee", "member")


def hotline_request_get_for_staff(*, user: Any, id: Any) -> HotlineRequest:
    pk = _as_int(id)
    request = (
        hotline_request_list_for_staff(user=user).filter(pk=pk).first() if pk is not None else None
    )
    if request is None:
        raise Http404("no such request")
    return request


def hotline_attachment_get_for_user(*, user: Any, id: Any):
    """An attachment the user may download: of their own request (not of an internal note),
    or of a request in their hotline scope."""
    pk = _as_int(id)
    attachment = (
        RequestAttachment.objects.select_related("request__region", "message").filter(pk=pk).first()
        if pk is not None
        else None
    )
    if attachment is None or user is None or not user.is_authenticated:
        raise Http404("no such attachment")
    request = attachment.request
    own = request.member_id == user.pk and not (
        attachment.message is not None and attachment.message.is_internal
    )
    if own or user_can(user, Action.HOTLINE_HANDLE, region=request.region):
        return attachment
    raise Http404("no such attachment")


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "case" or "answer"
    title: str
    text: str
    url: str


def hotline_suggestions(
    *, query: str, region: Region | None = None, limit: int = 5
) -> list[Suggestion]:
    """Published typical cases (of the region, its subtree and the regions above it) and
    public canned answers that match every term of what the member typed."""
    query = (query or "").strip()
    if not query:
        return []
    cases = article_search(query=query, kind=Article.Kind.CASE)
    if region is not None:
        ancestors = region.path.strip("/").split("/")
        cases = cases.filter(
            Q(region__path__startswith=region.path) | Q(region__code__in=ancestors)
        )
    found = [
        Suggestion(kind="case", title=a.title, text=a.summary, url=a.get_absolute_url())
        for a in cases[:limit]
    ]
    answers = CannedReply.objects.filter(is_public=True)
    if region is not None:
        answers = answers.filter(
            Q(region__isnull=True) | Q(region__code__in=region.path.strip("/").split("/"))
        )
    found += [
        Suggestion(kind="answer", title=r.title, text=r.body, url="")
        for r in search_filter(answers, query=query)[:limit]
    ]
    return found


def canned_reply_list_for_staff(*, user: Any) -> QuerySet[CannedReply]:
    return CannedReply.objects.filter(
        Q(region__isnull=True) | region_scope_q(user, Action.HOTLINE_HANDLE)
    ).select_related("region")


def consultation_slots_open_for(
    *, request: HotlineRequest, limit: int = 20
) -> list[ConsultationSlot]:
    """Free future slots of the request's region and the regions above it."""
    codes = request.region.path.strip("/").split("/")
    return list(
        ConsultationSlot.objects.filter(
            region__code__in=codes, is_cancelled=False, starts_at__gt=timezone.now()
        )
        .exclude(bookings__status=ConsultationBooking.Status.BOOKED)
        .select_related("region")
        .order_by("starts_at")[:limit]
    )


def consultation_slot_get(*, id: Any) -> ConsultationSlot:
    pk = _as_int(id)
    slot = ConsultationSlot.objects.filter(pk=pk).first() if pk is not None else None
    if slot is None:
        raise Http404("no such slot")
    return slot


def consultation_bookings_due_for_reminder(*, now: datetime | None = None) -> list[int]:
    """Live bookings starting within the next 24 hours that have not been reminded."""
    now = now or timezone.now()
    return list(
        ConsultationBooking.objects.filter(
            status=ConsultationBooking.Status.BOOKED,
            reminded_at__isnull=True,
            slot__starts_at__gt=now,
            slot__starts_at__lte=now + timezone.timedelta(hours=24),
        ).values_list("id", flat=True)[:500]
    )


def overdue_q(now: datetime) -> Q:
    """Open, not paused, and past a time limit (the overdue sweep and its service share it)."""
    return Q(state__in=[State.NEW, State.ASSIGNED, State.IN_PROGRESS]) & (
        Q(first_response_at__isnull=True, first_response_due__lt=now) | Q(resolution_due__lt=now)
    )


def hotline_request_ids_overdue(*, now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        HotlineRequest.objects.filter(overdue_q(now))
        .filter(Q(is_overdue=False) | Q(escalated_at__isnull=True))
        .values_list("id", flat=True)[:1000]
    )


def hotline_request_ids_to_auto_close(*, now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    limit = now - timezone.timedelta(days=settings.HOTLINE_AUTO_CLOSE_DAYS)
    return list(
        HotlineRequest.objects.filter(state=State.RESOLVED, resolved_at__lte=limit).values_list(
            "id", flat=True
        )[:1000]
    )


# --- figures for the insights module -------------------------------------------------------


def _hours(value) -> float | None:
    return round(value.total_seconds() / 3600, 1) if value is not None else None


def hotline_figures(
    *, region_path: str = "", since: datetime | None = None, until: datetime | None = None
) -> dict[str, Any]:
    """Counts by kind, topic and region (city), mean first-response and resolution hours,
    on-time rate (resolved by the resolution due time) and satisfaction, for requests made
    in ``[since, until)`` within ``region_path``. Five aggregate queries."""
    requests = HotlineRequest.objects.all()
    if region_path:
        requests = requests.filter(region__path__startswith=region_path)
    if since:
        requests = requests.filter(created_at__gte=since)
    if until:
        requests = requests.filter(created_at__lt=until)
    by_kind = dict(requests.values_list("kind").annotate(n=Count("id")).order_by())
    by_topic = dict(requests.values_list("topic").annotate(n=Count("id")).order_by())
    by_city: dict[str, int] = {}
    for row in (
        requests.values("region__level", "region__name", "region__parent__name")
        .annotate(n=Count("id"))
        .order_by()
    ):
        city = (
            row["region__parent__name"]
            if row["region__level"] == Region.Level.COUNTY
            else row["region__name"]
        )
        by_city[city] = by_city.get(city, 0) + row["n"]
    duration = DurationField()
    totals = requests.aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(state__in=OPEN_STATES)),
        overdue=Count("id", filter=Q(is_overdue=True)),
        resolved=Count("id", filter=Q(resolved_at__isnull=False)),
        on_time=Count(
            "id", filter=Q(resolved_at__isnull=False, resolved_at__lte=F("resolution_due"))
        ),
        first_response=Avg(
            ExpressionWrapper(F("first_response_at") - F("created_at"), output_field=duration),
            filter=Q(first_response_at__isnull=False),
        ),
        resolution=Avg(
            ExpressionWrapper(F("resolved_at") - F("created_at"), output_field=duration),
            filter=Q(resolved_at__isnull=False),
        ),
        rated=Count("id", filter=Q(rating__isnull=False)),
        rating_avg=Avg("rating"),
        satisfied=Count("id", filter=Q(rating__gte=4)),
    )
    resolved = totals["resolved"]
    return {
        "total": totals["total"],
        "open": totals["open"],
        "overdue": totals["overdue"],
        "by_kind": by_kind,
        "by_topic": by_topic,
        "by_city": by_city,
        "first_response_hours": _hours(totals["first_response"]),
        "resolution_hours": _hours(totals["resolution"]),
        "on_time_rate": round(totals["on_time"] / resolved, 3) if resolved else None,
        "rating_average": round(float(totals["rating_avg"]), 2) if totals["rating_avg"] else None,
        "satisfaction_rate": round(totals["satisfied"] / totals["rated"], 3)
        if totals["rated"]
        else None,
    }


def hotline_personal_data(user: Any) -> list[dict]:
    """The member's requests and their public conversation, for the privacy export."""
    requests = hotline_request_list_for_member(user=user).prefetch_related(_public_messages())
    return [
        {
            "number": r.number,
            "kind": r.get_kind_display(),
            "topic": r.get_topic_display(),
            "title": r.title,
            "description": r.description,
            "region": r.region.name,
            "state": r.get_state_display(),
            "created_at": r.created_at.isoformat(),
            "rating": r.rating,
            "rating_comment": r.rating_comment,
            "messages": [
                {"kind": m.get_kind_display(), "body": m.body, "at": m.created_at.isoformat()}
                for m in r.public_messages
            ],
        }
        for r in requests
    ]
