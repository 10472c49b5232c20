"""Writes for competitions (冀高一筹): registration with eligibility, round attempts and
awards; the standings are kept in ``learning.services.standings``."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Credential, Membership
from accounts.services.wallet import credential_issue
from core.notifications import notify
from learning.models import (
    Attempt,
    Competition,
    CompetitionRegistration,
    CompetitionResult,
    CompetitionRound,
    LearningReward,
)
from learning.services.exams import attempt_start
from learning.services.rewards import learning_reward_record

RESULT_SOURCE = "learning.competition_result"
PRIZES = (("first_prizes", "一等奖"), ("second_prizes", "二等奖"), ("third_prizes", "三等奖"))


def _city_code(region_path: str) -> str:
    # "100000/130000/130100/130102/" → "130100"
    parts = [p for p in region_path.split("/") if p]
    return parts[2] if len(parts) > 2 else ""


def competition_eligibility_error(*, user: Any, competition: Competition) -> str | None:
    """Why ``user`` may not enter ``competition`` (Chinese), or None if they may."""
    membership = (
        Membership.objects.select_related("organization__region")
        .filter(user=user, status=Membership.Status.ACTIVE)
        .first()
    )
    if competition.members_only and membership is None:
        return _("本竞赛仅限工会会员参加，请先入会。")
    if competition.eligible_region_id is not None and (
        membership is None
        or not membership.organization.region.path.startswith(competition.eligible_region.path)
    ):
        return _("本竞赛仅限%(region)s的工会会员参加。") % {
            "region": competition.eligible_region.name
        }
    trades = [t for t in re.split(r"[、,，;；\s]+", competition.eligible_trades) if t]
    if trades and (membership is None or not any(t in membership.occupation for t in trades)):
        return _("本竞赛限以下工种参加：%(trades)s。") % {"trades": "、".join(trades)}
    return None


@transaction.atomic
def competition_register(*, user: Any, competition: Competition) -> CompetitionRegistration:
    """Register ``user`` inside the registration window if eligible; idempotent.

    Side effects: the member's city and union are copied onto the entry (and the empty
    standing) for the city and enterprise leaderboards.
    """
    now = timezone.now()
    if not competition.is_published:
        raise ValidationError(_("该竞赛尚未发布。"))
    existing = CompetitionRegistration.objects.filter(competition=competition, user=user).first()
    if existing is not None:
        return existing
    if now < competition.registration_opens_at:
        raise ValidationError(_("报名尚未开始。"))
    if now > competition.registration_closes_at:
        raise ValidationError(_("报名已截止。"))
    error = competition_eligibility_error(user=user, competition=competition)
    if error:
        raise ValidationError(error)
    membership = (
        Membership.objects.select_related("organization__region")
        .filter(user=user, status=Membership.Status.ACTIVE)
        .first()
    )
    organization = membership.organization if membership else None
    city = _city_code(organization.region.path) if organization else ""
    try:
        with transaction.atomic():
            registration = CompetitionRegistration.objects.create(
                competition=competition, user=user, city_code=city, organization=organization
            )
    except IntegrityError:
        return CompetitionRegistration.objects.get(competition=competition, user=user)
    CompetitionResult.objects.create(
        competition=competition,
        registration=registration,
        user=user,
        city_code=city,
        organization=organization,
    )
    return registration


@transaction.atomic
def competition_round_start(*, user: Any, round: CompetitionRound) -> Attempt:
    """Start (or resume) a registered entrant's attempt at a round while it is open."""
    now = timezone.now()
    if not CompetitionRegistration.objects.filter(
        competition=round.competition, user=user
    ).exists():
        raise ValidationError(_("请先报名参赛。"))
    if now < round.opens_at:
        raise ValidationError(_("本轮比赛尚未开始。"))
    if now > round.closes_at:
        raise ValidationError(_("本轮比赛已结束。"))
    return attempt_start(user=user, paper=round.paper, round=round)


@transaction.atomic
def competition_awards_issue(*, competition: Competition) -> int:
    """Issue the prizes after the competition ended: the top entrants by score then time
    get an award into the wallet, a points event and a notice. Idempotent (the wallet and
    the points table are keyed by the standing). Returns the number of awards."""
    if timezone.now() < competition.ends_at:
        raise ValidationError(_("竞赛结束后才能颁奖。"))
    total = sum(getattr(competition, field) for field, _label in PRIZES)
    standings = list(
        CompetitionResult.objects.filter(competition=competition, score__gt=0)
        .select_related("user")
        .order_by("-score", "duration_seconds", "pk")[:total]
    )
    index = 0
    for field, label in PRIZES:
        for _n in range(getattr(competition, field)):
            if index >= len(standings):
                break
            result = standings[index]
            index += 1
            title = f"{competition.title} {_(label)}"
            credential_issue(
                user=result.user,
                kind=Credential.Kind.COMPETITION_AWARD,
                title=title[:100],
                issuer=competition.organizer,
                source_type=RESULT_SOURCE,
                source_id=result.pk,
                data={
                    "competition_id": competition.pk,
                    "prize": _(label),
                    "rank": index,
                    "score": str(result.score),
                },
            )
            learning_reward_record(
                user=result.user,
                reason=LearningReward.Reason.COMPETITION_AWARD,
                points=competition.award_points,
                key=f"competition:{result.pk}",
                description=title[:200],
            )
            notify(
                user=result.user,
                kind="learning.competition_award",
                title=_("您在%(title)s中获得%(prize)s，证书已放入卡包")
                % {"title": competition.title, "prize": _(label)},
                url=reverse("learning:competition_detail", args=[competition.pk]),
                sms=True,
                dedupe_key=f"learning.competition_award:{result.pk}",
            )
    if competition.awards_issued_at is None:
        competition.awards_issued_at = timezone.now()
        competition.save(update_fields=["awards_issued_at"])
    return index
