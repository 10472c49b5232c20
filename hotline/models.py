"""The 12351 hotline: members' requests, the conversation, legal consultations.

Written only through ``hotline.services``: every state change is checked there against
``TRANSITIONS`` and recorded as a ``RequestTransition`` (who, when).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """The five kinds of the national 12351 scheme."""

    CONSULTATION = "consultation", _("问题咨询")
    ASSISTANCE = "assistance", _("服务帮扶")
    COMPLAINT = "complaint", _("信访投诉")
    LEGAL_AID = "legal_aid", _("法律援助")
    SUGGESTION = "suggestion", _("意见建议")


class Topic(models.TextChoices):
    LABOUR_CONTRACT = "contract", _("劳动合同")
    WAGES = "wages", _("工资报酬")
    SOCIAL_INSURANCE = "insurance", _("社会保险")
    WORK_INJURY = "injury", _("工伤与职业病")
    LABOUR_DISPUTE = "dispute", _("劳动争议")
    NON_COMPETE = "noncompete", _("竞业限制")
    NEW_FORM = "new_form", _("新就业形态劳动者权益")
    HARDSHIP = "hardship", _("困难帮扶")
    OTHER = "other", _("其他")


class Tier(models.TextChoices):
    """The national three tiers of time limits (see ``hotline.calendar.TIER_LIMITS``)."""

    ORDINARY = "ordinary", _("一般事项")
    DIFFICULT = "difficult", _("疑难事项")
    COMPLEX = "complex", _("特别复杂事项")


class State(models.TextChoices):
    NEW = "new", _("待分派")
    ASSIGNED = "assigned", _("已分派")
    IN_PROGRESS = "in_progress", _("办理中")
    WAITING = "waiting", _("待补充材料")
    RESOLVED = "resolved", _("已办结")
    CLOSED = "closed", _("已关闭")


#: The lifecycle: every other move is refused by the services.
TRANSITIONS: dict[str, frozenset[str]] = {
    State.NEW: frozenset({State.ASSIGNED}),
    State.ASSIGNED: frozenset({State.ASSIGNED, State.IN_PROGRESS, State.WAITING, State.RESOLVED}),
    State.IN_PROGRESS: frozenset({State.ASSIGNED, State.WAITING, State.RESOLVED}),
    State.WAITING: frozenset({State.ASSIGNED, State.IN_PROGRESS, State.RESOLVED}),
    State.RESOLVED: frozenset({State.CLOSED, State.IN_PROGRESS}),  # confirm / reopen
    State.CLOSED: frozenset({State.IN_PROGRESS}),  # reopen
}
OPEN_STATES = (State.NEW, State.ASSIGNED, State.IN_PROGRESS, State.WAITING)


class HotlineTeamMember(models.Model):
    """An agent on the hotline team of a city or county union, for some topics (all if
    none listed). Routing picks among the team of the request's region."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("坐席"),
        on_delete=models.CASCADE,
        related_name="hotline_teams",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所属地区"), on_delete=models.PROTECT, related_name="+"
    )
    topics = models.JSONField(
        _("负责话题"), default=list, blank=True, help_text=_("留空表示全部话题")
    )
    is_active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("热线团队成员")
        verbose_name_plural = _("热线团队成员")
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="hotline_team_unique_member")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.region}"


class HotlineRequest(models.Model):
    class Channel(models.TextChoices):
        ONLINE = "online", _("网上")
        PHONE = "phone", _("电话")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("职工"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hotline_requests",
    )
    caller_name = models.CharField(_("来电人"), max_length=50, blank=True)
    caller_phone = models.CharField(_("来电号码"), max_length=20, blank=True)
    channel = models.CharField(
        _("渠道"), max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    kind = models.CharField(_("诉求类型"), max_length=20, choices=Kind.choices)
    topic = models.CharField(_("话题"), max_length=20, choices=Topic.choices)
    tier = models.CharField(
        _("时限等级"), max_length=10, choices=Tier.choices, default=Tier.ORDINARY
    )
    title = models.CharField(_("标题"), max_length=80)
    description = models.TextField(_("诉求内容"))
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("地区"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办坐席"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hotline_assigned",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now, db_index=True)
    first_response_due = models.DateTimeField(_("首次答复时限"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("办结时限"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("首次答复时间"), null=True, blank=True)
    waiting_since = models.DateTimeField(_("等待补充起"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    is_overdue = models.BooleanField(_("已超时"), default=False)
    escalated_at = models.DateTimeField(_("升级督办时间"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("满意度"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating_comment = models.CharField(_("评价"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    case_article = models.ForeignKey(
        "regions.Article",
        verbose_name=_("典型案例"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("热线诉求")
        verbose_name_plural = _("热线诉求")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The admin list: newest first, narrowed by state / topic / overdue / assignee.
            models.Index(fields=["-created_at", "-id"], name="hotline_req_created"),
            models.Index(fields=["state", "-created_at"], name="hotline_req_state"),
            models.Index(fields=["topic", "-created_at"], name="hotline_req_topic"),
            models.Index(fields=["assignee", "state"], name="hotline_req_assignee"),
            models.Index(fields=["region", "-created_at"], name="hotline_req_region"),
            models.Index(
                fields=["-created_at"],
                name="hotline_req_overdue",
                condition=models.Q(is_overdue=True),
            ),
            models.Index(fields=["member", "-created_at"], name="hotline_req_member"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="hotline_request_rating_1_5",
            ),
            models.CheckConstraint(
                condition=~models.Q(member__isnull=True, channel="online"),
                name="hotline_request_online_has_member",
            ),
            models.CheckConstraint(
                condition=models.Q(state="new") | models.Q(assignee__isnull=False),
                name="hotline_request_assigned_has_agent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("hotline:request_detail", kwargs={"pk": self.pk})

    @property
    def number(self) -> str:
        return f"12351-{self.created_at:%Y}-{self.pk:06d}" if self.pk else "12351-新"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class RequestMessage(models.Model):
    class Kind(models.TextChoices):
        MEMBER = "member", _("职工留言")
        REPLY = "reply", _("工作人员答复")
        NOTE = "note", _("内部备注")

    request = models.ForeignKey(
        HotlineRequest, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("沟通记录")
        verbose_name_plural = _("沟通记录")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"], name="hotline_msg_request")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_internal(self) -> bool:
        return self.kind == self.Kind.NOTE


class RequestAttachment(models.Model):
    request = models.ForeignKey(
        HotlineRequest, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="attachments"
    )
    message = models.ForeignKey(
        RequestMessage,
        verbose_name=_("所属留言"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("文件"), upload_to="hotline/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=120)
    kind = models.CharField(_("文件类型"), max_length=10)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class RequestTransition(models.Model):
    """One step of a request's lifecycle. Append-only."""

    request = models.ForeignKey(
        HotlineRequest, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField(_("原状态"), max_length=12, choices=State.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        # The states' labels, as everywhere else staff read them; a request's first step
        # has no state before it.
        before = self.get_from_state_display() if self.from_state else "—"
        return f"{before} → {self.get_to_state_display()}"


class CannedReply(models.Model):
    """常用回复: a ready answer staff insert into a reply; also shown to members as an
    answer matching what they type (``search_document``)."""

    title = models.CharField(_("标题"), max_length=80)
    body = models.TextField(_("内容"))
    topic = models.CharField(_("话题"), max_length=20, choices=Topic.choices, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("适用地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("留空表示全省通用"),
    )
    is_public = models.BooleanField(_("向职工展示"), default=True)
    search_document = models.TextField(_("检索文本"), blank=True, editable=False)

    class Meta:
        verbose_name = _("常用回复")
        verbose_name_plural = _("常用回复")
        ordering = ["topic", "title"]

    def __str__(self) -> str:
        return self.title


class ConsultationSlot(models.Model):
    """A lawyer's or volunteer's time for a legal consultation in a region."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("地区"), on_delete=models.PROTECT, related_name="+"
    )
    counsellor = models.CharField(_("律师/志愿者"), max_length=50)
    place = models.CharField(_("地点或方式"), max_length=120)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    is_cancelled = models.BooleanField(_("已取消"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("法律咨询时段")
        verbose_name_plural = _("法律咨询时段")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["region", "starts_at"], name="hotline_slot_region")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="hotline_slot_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.counsellor} {timezone.localtime(self.starts_at):%m-%d %H:%M}"


class ConsultationBooking(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("已预约")
        CANCELLED = "cancelled", _("已取消")

    slot = models.ForeignKey(
        ConsultationSlot, verbose_name=_("时段"), on_delete=models.PROTECT, related_name="bookings"
    )
    request = models.ForeignKey(
        HotlineRequest, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="bookings"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.BOOKED
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("预约人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("预约时间"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("法律咨询预约")
        verbose_name_plural = _("法律咨询预约")
        ordering = ["slot__starts_at", "id"]
        constraints = [
            # The database refuses a second live booking of a slot, even under races.
            models.UniqueConstraint(
                fields=["slot"],
                condition=models.Q(status="booked"),
                name="hotline_booking_one_per_slot",
            )
        ]

    def __str__(self) -> str:
        return f"{self.slot} · {self.request.number}"


class CalendarDay(models.Model):
    """A local exception to the statutory calendar (the ``chinesecalendar`` package's
    holidays and 调休 working days of the State Council's yearly notice): a day off, or a day
    worked that would otherwise be off. It wins over the package; for a year the package
    does not know yet, staff may enter the notice itself this way. Read through
    ``hotline.calendar`` (cached per year); written only through ``hotline.services.calendar``."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        MAKEUP_WORKDAY = "makeup", _("调休上班")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=20, help_text=_("如“春节”“国庆节”"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("节假日本地调整")
        verbose_name_plural = _("节假日本地调整")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["holiday", "makeup"]),
                name="hotline_calendar_day_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}（{self.get_kind_display()}）"
