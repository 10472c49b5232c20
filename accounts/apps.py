from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("数字身份与会籍")

    def ready(self) -> None:
        # The cached user rows are dropped on every save: connected in every process.
        # and the lockout middleware's check is registered.
        from accounts import backends, checks  # noqa: F401
