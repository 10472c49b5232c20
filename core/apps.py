from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The kernel every app stands on: audit log, outbox, notifications, SMS, search, cache.

    The label stays ``portal``: these tables (``portal_auditlog``, ``portal_outboxmessage``,
    ``portal_notification``), their migrations and permissions were created under it before
    the kernel moved out of the ``portal`` package, and a label is what the database knows.
    """

    name = "core"
    label = "portal"
    verbose_name = _("门户基础")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from core import checks as _header_checks  # noqa: F401 - registers core.checks

        # The page caches connect their invalidation signals on import: in every process
        # (web, Celery, commands), not only where their views are loaded.
        from core import (  # noqa: F401
            csrf_tokens,
            fast_settings,
            memberpage,
            pagecache,
            unfold_patches,
        )
        from core.security import record_sign_in
        from core.sms import checks  # noqa: F401 - registers the SMS provider check

        # Change lists of big tables render each header once, not once per row.
        unfold_patches.apply()
        # CSRF secrets and masks from one random read, not one per character (issue 19).
        csrf_tokens.apply()
        # settings.NAME a plain attribute read again, not a Python call (issue 19).
        fast_settings.apply()

        # Every way in (password, SMS code, admin, OIDC) ends in django's login(): audit it.
        user_logged_in.connect(record_sign_in, dispatch_uid="core.audit.sign_in")
