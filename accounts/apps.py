from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("数字身份与会籍")

    def ready(self) -> None:
        # In every process: the cached user rows are dropped on every save (backends), and
        # the lockout middleware's check is registered (checks).
        from accounts import backends, checks  # noqa: F401
