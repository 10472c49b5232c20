from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户基础")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from portal.security import record_sign_in

        # Every way in (password, SMS code, admin, OIDC) ends in django's login(): audit it.
        user_logged_in.connect(record_sign_in, dispatch_uid="portal.audit.sign_in")
