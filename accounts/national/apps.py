from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalIdentityConfig(AppConfig):
    # A Django app of its own only because allauth finds providers by "<app>.provider".
    name = "accounts.national"
    label = "national_identity"
    verbose_name = _("全国总工会职工之家账号")
    default_auto_field = "django.db.models.BigAutoField"
