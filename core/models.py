from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditLog(models.Model):
    """Who looked at or changed what, when and from where. Append-only; written only through
    ``core.audit.audit_record``."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=60, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=60)
    target_id = models.CharField(_("对象编号"), max_length=40)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"


class Notification(models.Model):
    """An in-site notice to one user (a reply on a hotline request, an interview invitation).

    Written only through ``core.notifications.notify``; ``dedupe_key`` makes a retried task
    or a repeated event notify once.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("类别"), max_length=40)
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=120, blank=True)
    sms_sent = models.BooleanField(_("已发短信"), default=False)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="portal_notification_unique_dedupe_key",
            ),
        ]
        indexes = [models.Index(fields=["user", "read_at", "created_at"])]

    def __str__(self) -> str:
        return self.title


class OutboxMessage(models.Model):
    """A Celery task to send, written in the same transaction as the change that needs it.

    Written only through ``core.outbox.outbox_enqueue``; ``core.outbox.outbox_relay``
    publishes pending rows after commit, and again from a periodic task and at worker start,
    so a task enqueued while the broker is down is sent once it is back. ``key`` makes the
    same logical task enqueue once.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")

    key = models.CharField(_("去重键"), max_length=200, unique=True)
    task = models.CharField(_("任务"), max_length=200)
    args = models.JSONField(_("位置参数"), default=list, blank=True)
    kwargs = models.JSONField(_("关键字参数"), default=dict, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("发送尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("待发任务")
        verbose_name_plural = _("待发任务")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="pending", sent_at__isnull=True)
                | models.Q(state="sent", sent_at__isnull=False),
                name="portal_outbox_sent_at_iff_sent",
            ),
        ]
        # The relay's scan: pending rows, oldest first (a partial index stays small).
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(state="pending"),
                name="portal_outbox_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} [{self.key}] {self.state}"


class SmsDelivery(models.Model):
    """One text message: to whom (masked, and a keyed hash to find a number's texts), which
    template, through which provider, and what became of it.

    Written only through ``core.sms.sms_send``: a retried message (``source`` names it,
    ``notification:12``) counts its attempts on one record. The number itself is not kept:
    what a retry sends it reads again from where it came from.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待重试")
        SENT = "sent", _("已提交服务商")
        FAILED = "failed", _("发送失败")

    phone_masked = models.CharField(_("手机号码"), max_length=16)
    phone_hash = models.CharField(_("号码摘要"), max_length=64, db_index=True)
    provider = models.CharField(_("服务商"), max_length=20, blank=True)
    template = models.CharField(_("模板"), max_length=30)
    source = models.CharField(_("来源"), max_length=60, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    provider_message_id = models.CharField(_("服务商流水号"), max_length=64, blank=True)
    request_id = models.CharField(_("服务商请求编号"), max_length=64, blank=True)
    error_code = models.CharField(_("错误码"), max_length=80, blank=True)
    error_message = models.CharField(_("错误说明"), max_length=200, blank=True)
    error_detail = models.CharField(_("服务商原文"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    last_attempt_at = models.DateTimeField(_("最近尝试"), null=True, blank=True)
    sent_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信发送记录")
        verbose_name_plural = _("短信发送记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source"],
                condition=~models.Q(source=""),
                name="portal_smsdelivery_unique_source",
            ),
            models.CheckConstraint(
                condition=models.Q(status="sent", sent_at__isnull=False)
                | (~models.Q(status="sent") & models.Q(sent_at__isnull=True)),
                name="portal_smsdelivery_sent_at_iff_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.phone_masked} {self.template} {self.status}"


class PushSubscription(models.Model):
    """One browser's web push subscription of a member (the "开启手机推送" opt-in).

    Written only through ``core.push``: saved when the member turns push on, deleted when
    they turn it off, sign out of the session they turned it on in, close their account, or
    the push service says it is gone (404/410).
    ``p256dh`` and ``auth`` are the browser's keys the payload is encrypted to.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="push_subscriptions",
    )
    endpoint = models.CharField(_("推送地址"), max_length=1000, unique=True)
    p256dh = models.CharField(_("浏览器公钥"), max_length=200)
    auth = models.CharField(_("认证密钥"), max_length=100)
    user_agent = models.CharField(_("浏览器"), max_length=300, blank=True)
    #: SHA-256 of the session key it was turned on in: signing out of that session ends it,
    #: so a shared phone stops showing the last member's notices.
    session_hash = models.CharField(_("登录会话摘要"), max_length=64, blank=True, default="")
    created_at = models.DateTimeField(_("开启时间"), default=timezone.now)
    last_success_at = models.DateTimeField(_("最近推送成功"), null=True, blank=True)
    failure_count = models.PositiveSmallIntegerField(_("连续失败次数"), default=0)

    class Meta:
        verbose_name = _("手机推送订阅")
        verbose_name_plural = _("手机推送订阅")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.endpoint[:60]}"


class PushDelivery(models.Model):
    """A notice pushed to one subscription: a retried task skips what was pushed already."""

    notification = models.ForeignKey(
        Notification, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="+"
    )
    subscription = models.ForeignKey(
        PushSubscription, verbose_name=_("订阅"), on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(_("推送时间"), default=timezone.now)

    class Meta:
        verbose_name = _("推送记录")
        verbose_name_plural = _("推送记录")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "subscription"], name="portal_pushdelivery_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} → {self.subscription_id}"
