from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户基础")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from portal import unfold_patches
        from portal.security import record_sign_in

        # Change lists of big tables render each header once, not once per row.
        unfold_patches.apply()

        # Every way in (password, SMS code, admin, OIDC) ends in django's login(): audit it.
        user_logged_in.connect(record_sign_in, dispatch_uid="portal.audit.sign_in")
