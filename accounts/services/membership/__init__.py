"""入会 and 转会: the one write path for applications, transfers and memberships.

Every write for one person first locks that person's user row (``SELECT … FOR UPDATE``), so
two approvals, two transfers or a transfer racing an approval for the same member run one
after the other; the second then sees the first one's result and is refused with a Chinese
message. The partial unique indexes (one active membership, one pending application, one open
transfer per person) stay the last line of defence: an ``IntegrityError`` from them becomes a
``ValidationError`` too.

Every step appends a ``MembershipEvent`` with its actor and time, which the member sees as a
timeline and which ``accounts.events`` hands to its subscribers in the same transaction.
Officers' decisions are checked with ``accounts.permissions.user_can``.
"""

from accounts.services.membership._base import REASON_MAX_LENGTH
from accounts.services.membership.applications import (
    membership_application_approve,
    membership_application_reject,
    membership_application_submit,
    membership_application_withdraw,
    membership_end,
)
from accounts.services.membership.transfers import (
    transfer_accept,
    transfer_reject,
    transfer_release,
    transfer_request_submit,
    transfer_withdraw,
)

__all__ = [
    "REASON_MAX_LENGTH",
    "membership_application_approve",
    "membership_application_reject",
    "membership_application_submit",
    "membership_application_withdraw",
    "membership_end",
    "transfer_accept",
    "transfer_reject",
    "transfer_release",
    "transfer_request_submit",
    "transfer_withdraw",
]
