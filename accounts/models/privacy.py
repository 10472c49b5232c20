from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ConsentRecord(models.Model):
    """A consent given (or withdrawn) under PIPL, with the version of the text agreed to.

    Processing the resident ID number needs its own consent (敏感个人信息单独同意).
    """

    class Kind(models.TextChoices):
        PRIVACY_POLICY = "privacy_policy", _("隐私政策")
        ID_NUMBER = "id_number", _("身份证号处理（单独同意）")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    version = models.CharField(_("文本版本"), max_length=20)
    granted_at = models.DateTimeField(_("同意时间"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("同意记录")
        verbose_name_plural = _("同意记录")
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "version"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="accounts_consent_one_active_per_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"
