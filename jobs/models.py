"""Employment service: employers, job posts, résumés, match results and applications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.search import ChineseJSONEncoder, search_vector_field


class Employer(models.Model):
    """An enterprise hiring through the union; its posts show once union staff verified it."""

    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所在地区"), on_delete=models.PROTECT, related_name="+"
    )
    contact_name = models.CharField(_("联系人"), max_length=30, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("单位账号"), blank=True, related_name="employers"
    )
    verified_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核验人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("用人单位")
        verbose_name_plural = _("用人单位")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class EmploymentType(models.TextChoices):
    FULL_TIME = "全职", _("全职")
    PART_TIME = "兼职", _("兼职")
    FLEXIBLE = "灵活用工", _("灵活用工")


class Education(models.TextChoices):
    ANY = "不限", _("不限")
    JUNIOR = "初中", _("初中")
    SENIOR = "高中", _("高中")
    VOCATIONAL = "中专", _("中专")
    COLLEGE = "大专", _("大专")
    BACHELOR = "本科", _("本科")
    MASTER = "硕士", _("硕士")


class Occupation(models.Model):
    """An occupation of the national classification (CSCO 2022), from
    ``jobs/data/occupations.tsv`` by ``manage.py load_occupations``."""

    code = models.CharField(_("职业代码"), max_length=10, unique=True)
    name = models.CharField(_("职业名称"), max_length=100)
    aliases = models.JSONField(_("别名"), default=list, blank=True, encoder=ChineseJSONEncoder)
    minor_group = models.CharField(_("小类"), max_length=100, blank=True)
    medium_group = models.CharField(_("中类"), max_length=100, blank=True)
    major_group = models.CharField(_("大类"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("职业（国家职业分类）")
        verbose_name_plural = _("职业（国家职业分类）")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class MappingSource(models.TextChoices):
    AUTO = "auto", _("自动对应")
    STAFF = "staff", _("工作人员更正")


class OccupationTitle(models.Model):
    """A job title the site reads as one occupation: learned from the posts every night
    (``learned``) or set by staff (``staff``, never overwritten by the learning). Used when
    the next post or résumé with this title is saved."""

    class Source(models.TextChoices):
        LEARNED = "learned", _("从岗位中学习")
        STAFF = "staff", _("工作人员更正")

    title = models.CharField(_("职位名称"), max_length=60, unique=True)
    occupation = models.ForeignKey(
        Occupation,
        verbose_name=_("职业"),
        to_field="code",
        on_delete=models.CASCADE,
        related_name="titles",
    )
    confidence = models.FloatField(_("置信度"), default=1.0)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    posts = models.PositiveIntegerField(_("岗位数"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("职位名称对应")
        verbose_name_plural = _("职位名称对应")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(confidence__gte=0) & Q(confidence__lte=1),
                name="jobs_occupation_title_confidence_0_1",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.occupation_id}"


class OccupationLink(models.Model):
    """Two occupations whose posts ask for alike skills (learned nightly), with their fit."""

    a = models.ForeignKey(Occupation, to_field="code", on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey(Occupation, to_field="code", on_delete=models.CASCADE, related_name="+")
    fit = models.FloatField(_("相近程度"))

    class Meta:
        verbose_name = _("相近职业")
        verbose_name_plural = _("相近职业")
        constraints = [
            models.UniqueConstraint(fields=["a", "b"], name="jobs_occupation_link_unique"),
            models.CheckConstraint(condition=Q(fit__gt=0) & Q(fit__lte=1), name="jobs_link_fit"),
        ]

    def __str__(self) -> str:
        return f"{self.a_id} ~ {self.b_id}"


class JobPost(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("招聘中")
        CLOSED = "closed", _("已关闭")  # by the employer; it may publish it again
        TAKEN_DOWN = "taken_down", _("已下架")  # by union staff; only they may publish it again

    employer = models.ForeignKey(
        Employer, verbose_name=_("用人单位"), on_delete=models.PROTECT, related_name="posts"
    )
    title = models.CharField(_("岗位名称"), max_length=60)
    #: CSCO code the title maps to (``jobs.occupation_map``), blank when it maps to none.
    occupation = models.CharField(_("职业"), max_length=30, blank=True)
    occupation_confidence = models.FloatField(_("职业对应置信度"), default=0.0, db_default=0.0)
    occupation_source = models.CharField(
        _("职业对应来源"),
        max_length=10,
        choices=MappingSource.choices,
        default=MappingSource.AUTO,
        db_default=MappingSource.AUTO,
    )
    description = models.TextField(_("岗位描述"), blank=True)
    skills = models.JSONField(_("技能要求"), default=list, blank=True)
    certificates = models.JSONField(_("必备证书"), default=list, blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("工作地点"), on_delete=models.PROTECT, related_name="+"
    )
    pay_min = models.PositiveIntegerField(_("月薪下限（元）"))
    pay_max = models.PositiveIntegerField(_("月薪上限（元）"))
    experience_years = models.PositiveSmallIntegerField(_("最低工作年限"), default=0)
    education = models.CharField(
        _("最低学历"), max_length=10, choices=Education.choices, default=Education.ANY
    )
    employment_type = models.CharField(
        _("用工形式"),
        max_length=10,
        choices=EmploymentType.choices,
        default=EmploymentType.FULL_TIME,
    )
    headcount = models.PositiveSmallIntegerField(_("招聘人数"), default=1)
    benefits = models.CharField(_("福利待遇"), max_length=200, blank=True)
    valid_until = models.DateField(_("有效期至"))
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    takedown_reason = models.CharField(_("下架原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    search_document = models.TextField(blank=True, editable=False)
    # Stored so a broad search ("司机" matches one post in ten) ranks without re-segmenting.
    search_vector = search_vector_field()

    class Meta:
        verbose_name = _("招聘岗位")
        verbose_name_plural = _("招聘岗位")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pay_min__lte=F("pay_max")), name="jobs_post_pay_min_lte_max"
            ),
            models.CheckConstraint(condition=Q(headcount__gte=1), name="jobs_post_headcount_gte_1"),
        ]
        indexes = [
            models.Index(fields=["status", "valid_until"], name="jobs_post_active_idx"),
            # The list's and the admin's order, newest first.
            models.Index(F("published_at").desc(), F("id").desc(), name="jobs_post_newest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.employer}）"


class Resume(models.Model):
    class Visibility(models.TextChoices):
        EMPLOYERS = "employers", _("向已核验的用人单位公开")
        ON_APPLY = "on_apply", _("仅在投递时向该单位展示")

    class MatchState(models.TextChoices):
        IDLE = "idle", _("未匹配")
        PENDING = "pending", _("匹配中")
        DONE = "done", _("已匹配")
        INCOMPLETE = "incomplete", _("信息不足")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("会员"),
        on_delete=models.CASCADE,
        related_name="resume",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("现居地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    desired_titles = models.JSONField(
        _("期望职位"), default=list, blank=True, encoder=ChineseJSONEncoder
    )
    desired_city_codes = models.JSONField(_("期望城市"), default=list, blank=True)
    expected_pay = models.PositiveIntegerField(_("期望月薪（元）"), null=True, blank=True)
    employment_types = models.JSONField(_("期望用工形式"), default=list, blank=True)
    skills = models.JSONField(_("技能"), default=list, blank=True, encoder=ChineseJSONEncoder)
    certificates = models.JSONField(_("证书"), default=list, blank=True, encoder=ChineseJSONEncoder)
    work_history = models.JSONField(
        _("工作经历"), default=list, blank=True, encoder=ChineseJSONEncoder
    )
    experience_years = models.PositiveSmallIntegerField(_("工作年限"), default=0)
    education = models.CharField(
        _("学历"), max_length=10, choices=Education.choices, default=Education.ANY
    )
    summary = models.TextField(_("自我介绍"), blank=True, max_length=1000)
    visibility = models.CharField(
        _("公开范围"), max_length=12, choices=Visibility.choices, default=Visibility.ON_APPLY
    )
    match_state = models.CharField(
        _("匹配状态"), max_length=12, choices=MatchState.choices, default=MatchState.IDLE
    )
    match_missing = models.JSONField(_("缺少的信息"), default=list, blank=True)
    #: [[CSCO code, confidence, the title it came from], ...] of the seeker titles.
    occupations = models.JSONField(
        _("对应职业"), default=list, blank=True, encoder=ChineseJSONEncoder
    )
    occupation_source = models.CharField(
        _("职业对应来源"),
        max_length=10,
        choices=MappingSource.choices,
        default=MappingSource.AUTO,
        db_default=MappingSource.AUTO,
    )
    matched_at = models.DateTimeField(_("匹配时间"), null=True, blank=True)
    #: The Celery worker that last matched it (operations: who did which refresh chunk).
    matched_by = models.CharField(
        _("匹配进程"), max_length=150, blank=True, default="", db_default=""
    )
    #: Raised on every save; a matching task for an older revision drops its results.
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("简历")
        verbose_name_plural = _("简历")

    def __str__(self) -> str:
        return f"{self.user}的简历"


class MatchResult(models.Model):
    resume = models.ForeignKey(Resume, on_delete=models.CASCADE, related_name="matches")
    post = models.ForeignKey(JobPost, on_delete=models.CASCADE, related_name="matches")
    score = models.FloatField(_("匹配度"))
    reasons = models.JSONField(_("匹配理由"), default=list)
    gaps = models.JSONField(_("不足"), default=list)
    #: TF-IDF similarity of the pair, kept so the reasons can be written when a member looks
    #: (the nightly refresh stores scores only; ``reasons``/``gaps`` are then empty).
    text_score = models.FloatField(_("文本相似度"), default=0.0, db_default=0.0)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("匹配结果")
        verbose_name_plural = _("匹配结果")
        ordering = ["-score", "post_id"]
        constraints = [
            models.UniqueConstraint(fields=["resume", "post"], name="jobs_match_unique_resume_post")
        ]

    def __str__(self) -> str:
        return f"{self.resume_id} → {self.post_id}: {self.score:.0f}"


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已投递")
        VIEWED = "viewed", _("已查看")
        INTERVIEW = "interview", _("邀请面试")
        OFFERED = "offered", _("已录用")
        REJECTED = "rejected", _("不合适")
        WITHDRAWN = "withdrawn", _("已撤回")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("会员"),
        on_delete=models.CASCADE,
        related_name="job_applications",
    )
    post = models.ForeignKey(
        JobPost, verbose_name=_("岗位"), on_delete=models.PROTECT, related_name="applications"
    )
    resume_snapshot = models.JSONField(_("投递时的简历"))
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    interview_at = models.DateTimeField(_("面试时间"), null=True, blank=True)
    interview_place = models.CharField(_("面试地点"), max_length=200, blank=True)
    interview_contact = models.CharField(_("面试联系人"), max_length=100, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("投递时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("求职申请")
        verbose_name_plural = _("求职申请")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "post"], name="jobs_application_one_per_post")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.post}"
