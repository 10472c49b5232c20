from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SmsCode(models.Model):
    """A one-time SMS code. Only its hash is stored; it expires, allows a few attempts and
    is consumed once."""

    class Purpose(models.TextChoices):
        LOGIN = "login", _("登录或注册")

    phone = models.CharField(_("手机号码"), max_length=11, db_index=True)
    purpose = models.CharField(_("用途"), max_length=10, choices=Purpose.choices)
    code_hash = models.CharField(_("验证码摘要"), max_length=128)
    created_at = models.DateTimeField(_("发送时间"))
    expires_at = models.DateTimeField(_("过期时间"))
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    consumed_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("请求IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [
            models.Index(fields=["phone", "purpose", "created_at"]),
            models.Index(fields=["ip_address", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.phone} {self.purpose} {self.created_at:%H:%M}"
