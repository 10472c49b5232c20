from __future__ import annotations

from allauth.idp.oidc.models import Client
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RosterImport(models.Model):
    """One uploaded roster (数据归集) and its outcome.

    The file's SHA-256 makes a second upload of the same file a clear refusal; the report
    (one ``ImportRow`` per data line) is written in the same transaction as the members, so
    an import is either wholly applied with its report or not at all.
    """

    class Kind(models.TextChoices):
        MEMBERS = "members", _("会员名册")
        WORK = "work", _("工作数据库")

    class Status(models.TextChoices):
        DRAFT = "draft", _("待确认列对应")
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    #: States in which the same file may not be uploaded again.
    LIVE_STATUSES = (Status.DRAFT, Status.QUEUED, Status.RUNNING, Status.DONE)

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.MEMBERS)
    #: for ``Kind.WORK``: the code of the work database (``datahub.registry``) it fills
    database = models.CharField(_("工作数据库"), max_length=40, blank=True, db_index=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("归集地区"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("只接收该地区（含下级）的会员。"),
    )
    file = models.FileField(_("文件"), upload_to="datahub/", max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    file_sha256 = models.CharField(_("文件摘要"), max_length=64)
    file_format = models.CharField(_("文件格式"), max_length=10)
    encoding = models.CharField(_("编码"), max_length=20, blank=True)
    headers = models.JSONField(_("表头"), default=list, blank=True)
    mapping = models.JSONField(_("列对应"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    phase = models.CharField(_("当前步骤"), max_length=40, blank=True)
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    accepted_count = models.PositiveIntegerField(_("新增"), default=0)
    merged_count = models.PositiveIntegerField(_("合并更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("已存在无变化"), default=0)
    rejected_count = models.PositiveIntegerField(_("拒收"), default=0)
    error = models.TextField(_("错误"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("名册导入")
        verbose_name_plural = _("名册导入")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "file_sha256"],
                condition=models.Q(status__in=["draft", "queued", "running", "done"]),
                name="datahub_import_unique_live_file",
                violation_error_message=_("该文件已经上传过，重复导入不会有任何变化。"),
            ),
        ]
        indexes = [models.Index(fields=["region", "created_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(self.processed_rows * 100 / self.total_rows))

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class ImportRow(models.Model):
    """The outcome of one data line of an import: the report. Holds no full ID number."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("新增")
        MERGED = "merged", _("合并更新")
        UNCHANGED = "unchanged", _("已存在无变化")
        REJECTED = "rejected", _("拒收")

    roster_import = models.ForeignKey(
        RosterImport, verbose_name=_("导入批次"), on_delete=models.CASCADE, related_name="rows"
    )
    line = models.PositiveIntegerField(_("行号"))
    status = models.CharField(_("结果"), max_length=10, choices=Status.choices)
    reason = models.CharField(_("原因或说明"), max_length=500, blank=True)
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    id_number_masked = models.CharField(_("身份证号（脱敏）"), max_length=18, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    region_code = models.CharField(_("地区"), max_length=60, blank=True)
    union_name = models.CharField(_("工会"), max_length=100, blank=True)
    user_id = models.BigIntegerField(_("会员编号"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入结果行")
        verbose_name_plural = _("导入结果行")
        ordering = ["roster_import", "line"]
        constraints = [
            models.UniqueConstraint(
                fields=["roster_import", "line"], name="datahub_row_unique_line"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.roster_import_id}:{self.line} {self.status}"


class MemberChange(models.Model):
    """Append-only feed of member and membership changes for the exchange API.

    Read in ``(txid, id)`` order: on PostgreSQL ``txid`` is the writing transaction's id
    (``pg_current_xact_id()``), and only rows of transactions older than every running one
    are served, so a reader never skips a row committed late with a lower id (a 2-million
    row import commits minutes after it drew its ids). On SQLite writers are serialised,
    ``txid`` stays 0 and the order is the id.
    """

    class Kind(models.TextChoices):
        MEMBER_CREATED = "member_created", _("新增会员")
        IDENTITY_ADDED = "identity_added", _("补充实名信息")
        MEMBERSHIP_STARTED = "membership_started", _("入会")
        PROFILE_UPDATED = "profile_updated", _("资料更新")
        MEMBERSHIP_TRANSFERRED = "transferred", _("转会")
        MEMBERSHIP_ENDED = "membership_ended", _("会籍结束")

    class Source(models.TextChoices):
        IMPORT = "import", _("名册导入")
        EXCHANGE = "exchange", _("数据交换")
        PORTAL = "portal", _("门户业务")

    txid = models.BigIntegerField(_("事务号"), default=0, db_default=0)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("会员"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    kind = models.CharField(_("变更"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    source_ref = models.CharField(_("来源编号"), max_length=64, blank=True)
    organization_id = models.BigIntegerField(_("工会编号"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("会员变更")
        verbose_name_plural = _("会员变更")
        ordering = ["txid", "id"]
        indexes = [models.Index(fields=["txid", "id"], name="datahub_change_cursor")]

    def __str__(self) -> str:
        return f"{self.kind} {self.user_id}"


class ExchangeCallLog(models.Model):
    """Every call of the exchange API, answered or refused. Append-only."""

    client_id = models.CharField(_("客户端"), max_length=100, blank=True, db_index=True)
    method = models.CharField(_("方法"), max_length=8)
    path = models.CharField(_("路径"), max_length=200)
    status_code = models.PositiveSmallIntegerField(_("状态码"))
    scopes = models.CharField(_("授权范围"), max_length=200, blank=True)
    result_count = models.PositiveIntegerField(_("记录数"), default=0)
    error = models.CharField(_("错误"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("交换接口调用记录")
        verbose_name_plural = _("交换接口调用记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.client_id} {self.method} {self.path}"


class ExchangeClientManager(models.Manager):
    def get_queryset(self) -> models.QuerySet:
        # A trusted system has the client_credentials grant and nothing else.
        return super().get_queryset().filter(grant_types=Client.GrantType.CLIENT_CREDENTIALS)


class ExchangeClient(Client):
    """The OIDC clients that are trusted systems of the exchange API, managed on their own
    admin page (their scopes are the exchange's, not a member sign-in's)."""

    objects = ExchangeClientManager()

    class Meta:
        proxy = True
        verbose_name = _("数据交换客户端")
        verbose_name_plural = _("数据交换客户端")


class WorkRecord(models.Model):
    """One row of a stored work database (``datahub.registry``): the cleaned values as JSON,
    identified within its database by the hash of its dedupe key, so a re-import updates the
    row instead of adding another. ``source_import`` and ``source_line`` are its lineage: the
    import and data line that last wrote it."""

    database = models.CharField(_("工作数据库"), max_length=40)
    key = models.CharField(_("去重键"), max_length=32)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    data = models.JSONField(_("数据"), default=dict)
    source_import = models.ForeignKey(
        RosterImport,
        verbose_name=_("来源批次"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="work_records",
    )
    source_line = models.PositiveIntegerField(_("来源行号"), null=True, blank=True)
    created_at = models.DateTimeField(_("首次导入时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("最近更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("工作数据库记录")
        verbose_name_plural = _("工作数据库记录")
        ordering = ["database", "id"]
        constraints = [
            models.UniqueConstraint(fields=["database", "key"], name="datahub_work_unique_key"),
        ]
        indexes = [models.Index(fields=["database", "region"], name="datahub_work_db_region")]

    def __str__(self) -> str:
        return f"{self.database}:{self.key[:8]}"
