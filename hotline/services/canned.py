"""常用回复 (canned replies): written here so their search document stays current."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import Action, user_can
from core.search import search_document
from hotline.models import CannedReply, Topic
from regions.models import Region


@transaction.atomic
def canned_reply_save(
    *,
    actor: Any,
    title: str,
    body: str,
    topic: str = "",
    region: Region | None = None,
    is_public: bool = True,
    reply: CannedReply | None = None,
) -> CannedReply:
    """Create or update a canned reply. Preconditions: a supervisor of ``region`` (or of the
    province for one without a region)."""
    scope = region or Region.objects.get(code="130000")
    if not user_can(actor, Action.HOTLINE_SUPERVISE, region=scope):
        raise ValidationError(_("只有热线班长可以维护%(r)s的常用回复。") % {"r": scope.name})
    title, body = (title or "").strip(), (body or "").strip()
    if not title or not body:
        raise ValidationError(_("请填写标题和内容。"))
    if topic and topic not in Topic.values:
        raise ValidationError(_("未知的话题。"))
    reply = reply or CannedReply()
    reply.title, reply.body, reply.topic = title[:80], body, topic
    reply.region, reply.is_public = region, is_public
    reply.search_document = search_document(title, body, str(Topic(topic).label) if topic else "")
    reply.save()
    return reply
