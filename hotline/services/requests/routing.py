"""Who handles a request: automatic routing to the region's team, and (re)assignment."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.permissions import Action, user_can
from core.notifications import notify
from hotline.models import OPEN_STATES, HotlineRequest, HotlineTeamMember, RequestTransition, State
from hotline.services.requests.base import _locked, _move, _require_supervisor


def _team_candidates(request: HotlineRequest) -> list[int]:
    """User ids of the active team members for the request's topic, on the deepest region
    (county, then city, then province) that has any."""
    codes = request.region.path.strip("/").split("/")[1:]  # without the national root
    members = list(
        HotlineTeamMember.objects.filter(is_active=True, region__code__in=codes)
        .select_related("region", "user")
        .order_by("-region__level", "id")
    )
    depth = {code: n for n, code in enumerate(codes)}
    by_depth: dict[int, list[int]] = {}
    for member in members:
        if member.topics and request.topic not in member.topics:
            continue
        if not user_can(member.user, Action.HOTLINE_HANDLE, region=request.region):
            continue
        by_depth.setdefault(depth[member.region.code], []).append(member.user_id)
    if not by_depth:
        return []
    return by_depth[max(by_depth)]


def agent_open_counts(*, user_ids: Sequence[int]) -> dict[int, int]:
    rows = (
        HotlineRequest.objects.filter(assignee_id__in=user_ids, state__in=OPEN_STATES)
        .values("assignee_id")
        .annotate(n=Count("id"))
    )
    counts = dict.fromkeys(user_ids, 0)
    counts.update({row["assignee_id"]: row["n"] for row in rows})
    return counts


def _notify_assigned(request: HotlineRequest) -> None:
    notify(
        user=request.assignee,
        kind="hotline.assigned",
        title=_("新分派诉求：%(title)s") % {"title": request.title},
        url=reverse("admin:hotline_hotlinerequest_change", args=[request.pk]),
        dedupe_key=f"hotline-assign-{request.pk}-{request.assignee_id}-{request.updated_at.timestamp()}",
    )


@transaction.atomic
def hotline_request_route(*, request: HotlineRequest) -> HotlineRequest:
    """Assign a new request to the agent of its region's team (county, else city, else
    province) for its topic with the fewest open requests; ties go to the longest-serving.
    Without a team the request stays "new" for supervisors to assign."""
    request = _locked(request)
    if request.state != State.NEW:
        return request
    candidates = _team_candidates(request)
    if not candidates:
        return request
    counts = agent_open_counts(user_ids=candidates)
    agent_id = min(candidates, key=lambda user_id: (counts[user_id], candidates.index(user_id)))
    request.assignee_id = agent_id
    _move(
        request, to=State.ASSIGNED, actor=None, note=_("按地区和话题自动分派"), fields=["assignee"]
    )
    request.refresh_from_db(fields=["assignee"])
    _notify_assigned(request)
    return request


@transaction.atomic
def hotline_request_assign(*, actor: Any, request: HotlineRequest, agent: Any) -> HotlineRequest:
    """Give the request to ``agent``. An agent may take an unassigned request for
    themselves ("assign to me"); reassigning someone else's is for supervisors.

    Preconditions: the request is open; the agent may handle its region.
    """
    request = _locked(request)
    if request.state not in OPEN_STATES:
        raise ValidationError(_("已办结或已关闭的诉求不能再分派。"))
    if not user_can(agent, Action.HOTLINE_HANDLE, region=request.region):
        raise ValidationError(
            _("%(agent)s不负责%(region)s的诉求。") % {"agent": agent, "region": request.region.name}
        )
    taking_free = (
        actor is not None and agent.pk == actor.pk and request.assignee_id in (None, actor.pk)
    )
    if not taking_free:
        _require_supervisor(actor, request.region)
    if request.assignee_id == agent.pk:
        return request
    previous = request.assignee
    request.assignee = agent
    note = (
        _("改派：%(old)s → %(new)s") % {"old": previous, "new": agent}
        if previous
        else _("分派给%(new)s") % {"new": agent}
    )
    target = State.ASSIGNED if request.state != State.WAITING else State.WAITING
    if target == request.state == State.WAITING:
        RequestTransition.objects.create(
            request=request,
            from_state=State.WAITING,
            to_state=State.WAITING,
            actor=actor,
            note=note,
        )
        request.save(update_fields=["assignee", "updated_at"])
    else:
        _move(request, to=State.ASSIGNED, actor=actor, note=note, fields=["assignee"])
    _notify_assigned(request)
    return request
