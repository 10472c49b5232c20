from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DigitalIdentity(models.Model):
    """The verified real-name identity (实名认证) behind one person everywhere.

    The resident ID number is never stored in clear: ``id_number_ciphertext`` holds it
    encrypted with a key from the environment (``key_id`` names which, for rotation) and
    ``id_number_hash`` is a keyed hash (HMAC) so a duplicate is found without decrypting.
    ``id_number_masked`` (``1301**********1234``) is what everyone but the owner sees.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.PROTECT,
        related_name="identity",
    )
    member_id = models.CharField(
        _("会员号"),
        max_length=16,
        unique=True,
        null=True,
        blank=True,
        help_text=_("永久会员号：省份前缀＋序号＋校验位。"),
    )
    real_name = models.CharField(_("姓名"), max_length=50)
    id_number_ciphertext = models.TextField(_("身份证号（密文）"), editable=False)
    id_number_hash = models.CharField(_("身份证号索引"), max_length=64, editable=False)
    id_number_masked = models.CharField(_("身份证号（脱敏）"), max_length=18, editable=False)
    key_id = models.CharField(_("密钥编号"), max_length=16, editable=False)
    birth_date = models.DateField(_("出生日期"))
    verified_at = models.DateTimeField(_("认证时间"), default=timezone.now)

    class Meta:
        verbose_name = _("数字身份")
        verbose_name_plural = _("数字身份")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                name="accounts_identity_unique_id_number",
                violation_error_message=_("该身份证号已被其他账号认证。"),
            ),
        ]

    def __str__(self) -> str:
        return self.member_id or self.masked_name

    @property
    def masked_name(self) -> str:
        """张*, 欧阳** : the family name (first character) and stars."""
        if not self.real_name:
            return ""
        return self.real_name[0] + "*" * max(len(self.real_name) - 1, 1)


class ExternalAccount(models.Model):
    """An account of the same person on another platform (the national federation's
    职工之家, a city union's app), so one person is one identity everywhere."""

    class Platform(models.TextChoices):
        ACFTU = "acftu", _("全国总工会职工之家")
        CITY_APP = "city_app", _("市级工会平台")
        OTHER = "other", _("其他平台")

    identity = models.ForeignKey(
        DigitalIdentity,
        verbose_name=_("数字身份"),
        on_delete=models.CASCADE,
        related_name="external_accounts",
    )
    platform = models.CharField(_("平台"), max_length=16, choices=Platform.choices)
    platform_name = models.CharField(_("平台名称"), max_length=60, blank=True)
    external_id = models.CharField(_("平台账号"), max_length=128)
    linked_at = models.DateTimeField(_("关联时间"), default=timezone.now)

    class Meta:
        verbose_name = _("关联账号")
        verbose_name_plural = _("关联账号")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "platform_name", "external_id"],
                name="accounts_external_unique_account",
                violation_error_message=_("该平台账号已关联到其他身份。"),
            ),
            models.UniqueConstraint(
                fields=["identity", "platform", "platform_name"],
                name="accounts_external_one_per_platform",
                violation_error_message=_("该身份已关联此平台的账号。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()}:{self.external_id}"
