"""The demo members' sign-in state (``accounts.demo_auth``), leaving out the members the demo
roster import created: they never signed up online, so the consent gate asks them.

Runs last in ``seed_demo`` in place of ``accounts.demo_auth``: identity knows no feature,
so the feature that creates offline members names them."""

from __future__ import annotations

from accounts import demo_auth
from datahub.models import MemberChange


def seed(*, stdout) -> None:
    imported = MemberChange.objects.filter(kind=MemberChange.Kind.MEMBER_CREATED)
    demo_auth.seed(stdout=stdout, offline_member_ids=imported.values("user_id"))
