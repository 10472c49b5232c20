"""Requests: submission, routing, the lifecycle state machine, the conversation, rating,
and the periodic work on them; one module per part, all importable from here.

Every function refuses bad input or a forbidden actor with a Chinese ``ValidationError``
before writing anything, and records each state change as a ``RequestTransition``.
"""

from hotline.selectors import overdue_q  # importable from here as before the split
from hotline.services.requests.base import MAX_ATTACHMENTS, ReplyAction
from hotline.services.requests.conversation import hotline_member_add_info, hotline_reply
from hotline.services.requests.intake import hotline_request_open_for_caller, hotline_request_submit
from hotline.services.requests.lifecycle import (
    hotline_request_confirm,
    hotline_request_rate,
    hotline_request_reopen,
    hotline_request_resolve,
    hotline_request_set_tier,
    hotline_request_start,
)
from hotline.services.requests.overdue import (
    hotline_request_auto_close,
    hotline_request_flag_overdue,
)
from hotline.services.requests.routing import (
    agent_open_counts,
    hotline_request_assign,
    hotline_request_route,
)

__all__ = [
    "MAX_ATTACHMENTS",
    "ReplyAction",
    "agent_open_counts",
    "hotline_member_add_info",
    "hotline_reply",
    "hotline_request_assign",
    "hotline_request_auto_close",
    "hotline_request_confirm",
    "hotline_request_flag_overdue",
    "hotline_request_open_for_caller",
    "hotline_request_rate",
    "hotline_request_reopen",
    "hotline_request_resolve",
    "hotline_request_route",
    "hotline_request_set_tier",
    "hotline_request_start",
    "hotline_request_submit",
    "overdue_q",
]
