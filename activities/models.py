"""Activities, welcome-pack campaigns, the points ledger and the points mall.

Invariants live in the database: stock and balances are never negative (check
constraints), a member claims a campaign once and signs up for an activity once (unique
constraints), every ledger row has a unique idempotency key.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models.membership import EmploymentForm


class Eligibility(models.Model):
    """Who may take part: members of the region subtree, optionally of one employment form
    and (by default) with an active union membership."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("地区"), on_delete=models.PROTECT, related_name="+"
    )
    employment_form = models.CharField(
        _("限用工形式"),
        max_length=10,
        choices=EmploymentForm.choices,
        blank=True,
        help_text=_("留空表示不限。"),
    )
    membership_required = models.BooleanField(_("须为工会会员"), default=True)

    class Meta:
        abstract = True


# --- points ledger --------------------------------------------------------------------------


class PointsAccount(models.Model):
    """The cached balance of a member, updated in the same transaction as each ledger row.
    The ledger is the truth; this row is also the lock every debit takes."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("会员"),
        on_delete=models.CASCADE,
        related_name="points_account",
    )
    balance = models.IntegerField(_("积分余额"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    # The expiry job's watermark: with the ledger replayed up to row ``expiry_checked_entry_id``
    # nothing due by ``expiry_checked_at`` was left. The nightly walk skips the member until
    # a later expiry date passes or a refund (which can give back expired points) follows.
    expiry_checked_at = models.DateTimeField(
        _("过期检查截至"), null=True, blank=True, editable=False
    )
    expiry_checked_entry_id = models.BigIntegerField(
        _("过期检查至流水"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("积分账户")
        verbose_name_plural = _("积分账户")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance__gte=0), name="activities_points_balance_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.balance}"


class PointsEntry(models.Model):
    """One append-only ledger row: an earning (positive) or a spending (negative)."""

    class Source(models.TextChoices):
        COURSE = "course", _("完成课程")
        EXAM = "exam", _("通过考试")
        ACTIVITY = "activity", _("参加活动")
        HOTLINE = "hotline", _("评价热线服务")
        MALL = "mall", _("积分商城")
        COMPETITION = "competition", _("竞赛获奖")
        REVERSAL = "reversal", _("冲正")
        EXPIRY = "expiry", _("积分过期")
        ADJUSTMENT = "adjustment", _("人工调整")
        OTHER = "other", _("其他")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("会员"),
        on_delete=models.CASCADE,
        related_name="points_entries",
    )
    amount = models.IntegerField(_("积分变动"))
    balance_after = models.IntegerField(_("变动后余额"))
    reason = models.CharField(_("事由"), max_length=200)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    idempotency_key = models.CharField(_("幂等键"), max_length=120, unique=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("冲正的记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversal",
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    # On an earning: the first instant it is no longer valid (empty: never expires). On an
    # expiry row: the expiry date it wrote off. Set once when the row is appended.
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("积分流水")
        verbose_name_plural = _("积分流水")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount=0), name="activities_points_entry_nonzero"
            ),
            models.CheckConstraint(
                condition=models.Q(balance_after__gte=0),
                name="activities_points_entry_balance_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(
                fields=["expires_at"],
                condition=models.Q(amount__gt=0, expires_at__isnull=False),
                name="activities_points_expiring",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount:+d} {self.reason}"


class PointsExpiryRun(models.Model):
    """One day's walk of the points-expiry job over the members, in batches by user id.

    ``cursor`` is the last user id whose batch committed (in the same transaction as that
    batch's expiry rows), so an interrupted run resumes after it with the same ``cutoff``.
    """

    day = models.DateField(_("日期"), unique=True)
    cutoff = models.DateTimeField(_("过期截止时刻"))
    cursor = models.BigIntegerField(_("已处理至会员ID"), default=0)
    members_checked = models.PositiveIntegerField(_("已核算会员数"), default=0)
    rows_written = models.PositiveIntegerField(_("写入过期流水数"), default=0)
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("积分过期批处理")
        verbose_name_plural = _("积分过期批处理")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day} · {self.cursor}"


# --- regional quotas -------------------------------------------------------------------------


class RegionalQuota(models.Model):
    """A regional cap on a limited stock ("廊坊 300, of which 三河 100"): members whose union
    lies in ``region``'s subtree never take more than ``quota``. Quotas nest: taking one
    takes from every quota covering the member's region, then from the owner's own stock,
    each by a conditional ``UPDATE … WHERE stock > 0`` (``activities.services.quotas``)."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("地区"), on_delete=models.PROTECT, related_name="+"
    )
    quota = models.PositiveIntegerField(_("分配数量"))
    stock = models.IntegerField(_("剩余数量"))

    class Meta:
        abstract = True

    @property
    def claimed(self) -> int:
        return self.quota - self.stock


def _quota_constraints(*, owner: str, prefix: str) -> list[models.BaseConstraint]:
    return [
        models.UniqueConstraint(
            fields=[owner, "region"],
            name=f"{prefix}_once_per_region",
            violation_error_message=_("同一地区只能设置一个配额。"),
        ),
        models.CheckConstraint(
            condition=models.Q(stock__gte=0), name=f"{prefix}_stock_not_negative"
        ),
        models.CheckConstraint(
            condition=models.Q(stock__lte=models.F("quota")),
            name=f"{prefix}_stock_within_quota",
        ),
    ]


# --- welcome packs --------------------------------------------------------------------------


class Campaign(Eligibility):
    """A benefit handed out once per member from a limited stock (暖新礼包, 清凉券 …)."""

    class Kind(models.TextChoices):
        WELCOME = "welcome", _("暖新礼包")
        COOLING = "cooling", _("清凉券")
        HOLIDAY = "holiday", _("节日慰问")
        OTHER = "other", _("其他福利")

    title = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    description = models.TextField(_("内容说明"), blank=True)
    redemption_place = models.CharField(_("领取地点"), max_length=200)
    starts_at = models.DateTimeField(_("开始领取"))
    ends_at = models.DateTimeField(_("截止领取"))
    voucher_expires_at = models.DateTimeField(_("券有效期至"), null=True, blank=True)
    total_stock = models.PositiveIntegerField(_("总数量"))
    stock = models.IntegerField(_("剩余数量"))
    published = models.BooleanField(_("已发布"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("福利活动")
        verbose_name_plural = _("福利活动（礼包、券）")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stock__gte=0), name="activities_campaign_stock_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="activities_campaign_window_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, *, now=None) -> bool:
        now = now or timezone.now()
        return self.published and self.starts_at <= now < self.ends_at


class CampaignQuota(RegionalQuota):
    """A campaign's regional quota; a claim takes one from every quota covering the
    member's region and from the campaign total."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("福利活动"), on_delete=models.CASCADE, related_name="quotas"
    )

    class Meta:
        verbose_name = _("地区配额")
        verbose_name_plural = _("地区配额")
        ordering = ["campaign_id", "region__path"]
        constraints = _quota_constraints(owner="campaign", prefix="activities_quota")

    def __str__(self) -> str:
        return f"{self.campaign} · {self.region}"


class Claim(models.Model):
    """A member's claim of a campaign; its voucher sits in the card wallet."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("福利活动"), on_delete=models.PROTECT, related_name="claims"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("会员"),
        on_delete=models.PROTECT,
        related_name="campaign_claims",
    )
    credential = models.OneToOneField(
        "accounts.Credential",
        verbose_name=_("礼包券"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaign_claim",
    )
    claimed_at = models.DateTimeField(_("领取时间"), default=timezone.now)
    redeemed_at = models.DateTimeField(_("核销时间"), null=True, blank=True)
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核销人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("领取记录")
        verbose_name_plural = _("领取记录")
        ordering = ["-claimed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "user"],
                name="activities_claim_once_per_member",
                violation_error_message=_("您已领取过该福利。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.user}"


# --- activities ------------------------------------------------------------------------------


class Activity(Eligibility):
    """A union event with a capacity and a waiting list."""

    class Kind(models.TextChoices):
        LECTURE = "lecture", _("宣讲")
        JOB_FAIR = "job_fair", _("招聘会")
        TRAINING = "training", _("培训")
        CULTURE_SPORTS = "culture", _("文体活动")

    title = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    description = models.TextField(_("活动介绍"), blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    online_url = models.URLField(_("线上参与链接"), blank=True)
    capacity = models.PositiveIntegerField(_("名额"))
    points_award = models.PositiveIntegerField(_("签到奖励积分"), default=0)
    published = models.BooleanField(_("已发布"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="activities_activity_time_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(place="", online_url=""),
                name="activities_activity_has_place",
                violation_error_message=_("请填写活动地点或线上参与链接。"),
            ),
        ]
        indexes = [models.Index(fields=["published", "starts_at"])]

    def __str__(self) -> str:
        return self.title


class Signup(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("已报名")
        WAITING = "waiting", _("候补中")
        CANCELLED = "cancelled", _("已取消")

    activity = models.ForeignKey(
        Activity, verbose_name=_("活动"), on_delete=models.PROTECT, related_name="signups"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("会员"),
        on_delete=models.PROTECT,
        related_name="activity_signups",
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("报名时间"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("候补转正时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签到经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "user"],
                condition=~models.Q(status="cancelled"),
                name="activities_signup_once",
                violation_error_message=_("您已报名该活动。"),
            )
        ]
        indexes = [models.Index(fields=["activity", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.activity} · {self.user}"


# --- points mall -----------------------------------------------------------------------------


class MallItem(Eligibility):
    title = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    points_price = models.PositiveIntegerField(_("所需积分"))
    stock = models.IntegerField(_("库存"))
    pickup_place = models.CharField(_("领取地点"), max_length=200)
    active = models.BooleanField(_("上架"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("商城商品")
        verbose_name_plural = _("积分商城商品")
        ordering = ["points_price", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stock__gte=0), name="activities_mall_stock_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(points_price__gt=0), name="activities_mall_price_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MallItemQuota(RegionalQuota):
    """A mall item's stock for one region ("石家庄 200, 唐山 150"); the item's own stock
    stays the province-wide total. An order takes one from every quota covering the
    member's region and from the item."""

    item = models.ForeignKey(
        MallItem, verbose_name=_("商品"), on_delete=models.CASCADE, related_name="quotas"
    )

    class Meta:
        verbose_name = _("地区库存")
        verbose_name_plural = _("地区库存")
        ordering = ["item_id", "region__path"]
        constraints = _quota_constraints(owner="item", prefix="activities_mall_quota")

    def __str__(self) -> str:
        return f"{self.item} · {self.region}"


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待备货")
        READY = "ready", _("待领取")
        COLLECTED = "collected", _("已领取")
        CANCELLED = "cancelled", _("已取消")

    item = models.ForeignKey(
        MallItem, verbose_name=_("商品"), on_delete=models.PROTECT, related_name="orders"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("会员"),
        on_delete=models.PROTECT,
        related_name="mall_orders",
    )
    points = models.PositiveIntegerField(_("支付积分"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    debit_entry = models.OneToOneField(
        PointsEntry,
        verbose_name=_("扣分流水"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    refund_entry = models.OneToOneField(
        PointsEntry,
        verbose_name=_("退分流水"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("下单时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    # The regional stock the order took, given back exactly if it is cancelled (the
    # member's union may have moved, or the quotas changed, since).
    quotas = models.ManyToManyField(
        MallItemQuota, verbose_name=_("占用的地区库存"), blank=True, related_name="orders"
    )

    class Meta:
        verbose_name = _("兑换订单")
        verbose_name_plural = _("兑换订单")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.item}"
