"""Reads of the 劳模工匠 register. Public reads show only honours their member agreed to
publish; ``honour_public_get`` answers 404 for a missing and a non-public one alike."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from accounts.permissions import Action, region_scope_q
from honours.models import Honour
from regions.selectors import region_tree


def _public() -> QuerySet[Honour]:
    return Honour.objects.filter(consented_at__isnull=False).select_related("user", "region")


def honour_public_list(
    *, region_path: str = "", region_code: str = "", kind: str = ""
) -> QuerySet[Honour]:
    """Honours shown publicly in the region subtree at ``region_path`` or of the region
    ``region_code`` (all of them when neither is given; none for an unknown code), newest
    award first; ``kind`` narrows to one category."""
    honours = _public()
    if region_code:
        node = region_tree().get(region_code)
        if node is None:
            return honours.none()
        region_path = node.path
    if region_path:
        honours = honours.filter(region__path__startswith=region_path)
    if kind:
        honours = honours.filter(kind=kind)
    return honours


def honour_public_get(*, honour_id: int) -> Honour:
    honour = _public().filter(pk=honour_id).first()
    if honour is None:
        raise Http404
    return honour


def honour_list_for_user(*, user: Any) -> QuerySet[Honour]:
    """The member's own honours, public or not (for their consent page)."""
    if not getattr(user, "is_authenticated", False):
        return Honour.objects.none()
    return Honour.objects.filter(user=user).select_related("region")


def honour_get_for_user(*, user: Any, honour_id: int) -> Honour:
    """The member's own honour; Http404 for a missing one and for someone else's."""
    honour = honour_list_for_user(user=user).filter(pk=honour_id).first()
    if honour is None:
        raise Http404
    return honour


def honour_list_for_staff(*, user: Any) -> QuerySet[Honour]:
    """Honours in the regions where ``user`` publishes content (the admin's list)."""
    return Honour.objects.filter(region_scope_q(user, Action.CONTENT_PUBLISH)).select_related(
        "user", "region", "recorded_by"
    )


def honours_personal_data(user: Any) -> dict:
    """The member's honours for their personal-data download (PIPL art. 45)."""
    return {
        "honours": [
            {
                "name": h.name,
                "title": h.title,
                "kind": h.get_kind_display(),
                "level": h.get_level_display(),
                "year": h.year,
                "region": h.region.name,
                "employer": h.employer,
                "occupation": h.occupation,
                "story": h.story,
                "public_since": h.consented_at.isoformat() if h.consented_at else None,
            }
            for h in honour_list_for_user(user=user)
        ]
    }
