from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import mask_mobile, normalize_mobile, validate_mobile


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, phone: str, password: str | None, **extra) -> User:
        phone = normalize_mobile(phone)
        validate_mobile(phone)
        email = extra.pop("email", "") or ""
        user = self.model(phone=phone, email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, phone: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(phone, password, **extra)

    def create_superuser(self, phone: str, password: str | None = None, **extra) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(phone, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: a member, or union staff. The mobile number is the login."""

    phone = models.CharField(
        _("手机号码"),
        max_length=11,
        unique=True,
        validators=[validate_mobile],
        help_text=_("中国大陆11位手机号码，用于登录。"),
        error_messages={"unique": _("该手机号码已注册。"), "blank": _("请输入手机号码。")},
    )
    email = models.EmailField(_("电子邮箱"), blank=True)
    display_name = models.CharField(_("称呼"), max_length=50, blank=True)
    is_staff = models.BooleanField(_("工作人员"), default=False, help_text=_("可以登录管理后台。"))
    is_active = models.BooleanField(_("有效"), default=True)
    date_joined = models.DateTimeField(_("注册时间"), default=timezone.now)
    phone_verified_at = models.DateTimeField(_("手机验证时间"), null=True, blank=True)
    closed_at = models.DateTimeField(
        _("注销时间"),
        null=True,
        blank=True,
        help_text=_("账号注销后个人信息已匿名化，统计数据保留。"),
    )
    # Denormalised from the active privacy-policy ConsentRecord so the consent gate
    # (accounts.middleware.ConsentGateMiddleware) costs no query: written only by
    # accounts.services.privacy. db_default lets raw inserts (roster imports) leave it empty.
    privacy_consent_version = models.CharField(
        _("已同意的隐私政策版本"),
        max_length=20,
        blank=True,
        default="",
        db_default="",
        editable=False,
    )

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        # The admin's list order (newest first, then id) over 530,000 members.
        indexes = [models.Index(fields=["-date_joined", "-id"], name="accounts_user_joined")]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_unique_ci",
                violation_error_message=_("该电子邮箱已被使用。"),
            ),
            # A closed account keeps its row for statistics, with the number anonymised.
            models.CheckConstraint(
                condition=models.Q(phone__regex=r"^1[3-9][0-9]{9}$")
                | models.Q(closed_at__isnull=False),
                name="accounts_user_phone_format",
                violation_error_message=_("手机号码格式不正确。"),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.masked_phone

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.phone)

    def clean(self) -> None:
        super().clean()
        self.phone = normalize_mobile(self.phone)
        self.email = self.__class__.objects.normalize_email(self.email)

    def get_full_name(self) -> str:
        return self.display_name or self.phone

    def get_short_name(self) -> str:
        return self.display_name or self.masked_phone
