"""What the domain modules share: joining a row to its member's union at the end of the
day, the members of a day, durations in hours."""

from __future__ import annotations

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum

from accounts.models import Credential, Membership
from insights.registry import Source, Window


def labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def member_of(user_path: str, window: Window) -> tuple[Q, str]:
    """A filter joining each row to its user's membership valid at the end of the window,
    and the path to that union's region. One join, no correlated subquery."""
    prefix = f"{user_path}__memberships__" if user_path else "memberships__"
    condition = Q(**{f"{prefix}started_at__lt": window.end}) & (
        Q(**{f"{prefix}ended_at__isnull": True}) | Q(**{f"{prefix}ended_at__gte": window.end})
    )
    return condition, f"{prefix}organization__region"


def members_at(window: Window) -> QuerySet[Membership]:
    return Membership.objects.filter(started_at__lt=window.end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=window.end)
    )


def by_member(model, user_path: str, window: Window, *conditions: Q, **kwargs) -> Source:
    member, region = member_of(user_path, window)
    queryset = model.objects.filter(member, *conditions)
    return Source(queryset=queryset, region=region, **kwargs)


def hours(later: str, earlier: str, *, filter: Q | None = None) -> Sum:
    return Sum(
        ExpressionWrapper(F(later) - F(earlier), output_field=DurationField()), filter=filter
    )


def count_if(condition: Q) -> Count:
    return Count("pk", filter=condition)


def share_of(condition: Q, among: Q | None = None) -> dict:
    """Numerator and denominator of "the rows meeting ``condition`` among the rows (meeting
    ``among``)", for a ratio indicator."""
    if among is None:
        return {"num": Count("pk", filter=condition), "den": Count("pk")}
    return {"num": Count("pk", filter=condition & among), "den": Count("pk", filter=among)}


def credentials_issued(window: Window, **kwargs) -> Source:
    """Wallet credentials issued to members on the day: every credential indicator counts
    its kind over this one query."""
    return by_member(Credential, "user", window, window.during("issued_at"), **kwargs)
