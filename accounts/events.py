"""Membership events other apps follow, without identity knowing them.

Identity sits below every feature (docs/architecture.md), so a feature that must react to a
membership step — datahub's change feed for the national federation — subscribes here from
its ``AppConfig.ready`` instead of being called by name. Subscribers run synchronously inside
the transaction that writes the ``MembershipEvent``: whatever they write commits or rolls back
with the step itself, and an exception in one of them undoes the step. Work that must wait
for the commit belongs in the outbox (``core.outbox.outbox_enqueue``), not here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.models import MembershipEvent

MembershipEventHandler = Callable[["MembershipEvent"], None]

_handlers: list[MembershipEventHandler] = []


def membership_event_subscribe(handler: MembershipEventHandler) -> None:
    """Call ``handler(event)`` for every ``MembershipEvent`` written from now on. Subscribing
    the same handler twice (``ready()`` may run again in tests) keeps one subscription."""
    if handler not in _handlers:
        _handlers.append(handler)


def membership_event_unsubscribe(handler: MembershipEventHandler) -> None:
    if handler in _handlers:
        _handlers.remove(handler)


def membership_event_publish(event: MembershipEvent) -> None:
    """Hand a just-written event to every subscriber, in subscription order. Precondition:
    called inside the transaction that wrote ``event``."""
    for handler in list(_handlers):
        handler(event)
