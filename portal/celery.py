"""The Celery application. Configuration comes from Django settings (CELERY_* names)."""

import logging
import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


@worker_ready.connect
def _relay_outbox_on_start(sender=None, **kwargs) -> None:
    """A worker coming up after an outage sends what the web enqueued meanwhile
    (core.outbox); the periodic task does the same every half minute."""
    from core.outbox import outbox_relay

    try:
        outbox_relay()
    except Exception:  # never keep a worker from starting
        logger.exception("outbox relay at worker start failed")
