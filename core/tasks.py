"""Portal work: relaying outbox rows left pending while the broker was down, pruning the
audit log, and texting and pushing notices (``core.notifications``, ``core.push``)."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.db import OperationalError

from core.notifications import notification_sms_send
from core.outbox import outbox_purge, outbox_relay
from core.push import PushSendError, push_send
from core.sms import SmsSendError

logger = logging.getLogger(__name__)

#: Sent rows are kept this long for inspection, then purged.
OUTBOX_KEEP_SENT = timedelta(days=7)


@shared_task(name="core.tasks.outbox_relay_pending", soft_time_limit=50, time_limit=60)
def outbox_relay_pending() -> int:
    """Send what the after-commit relay could not (idempotent: sent rows are skipped)."""
    sent = outbox_relay()
    outbox_purge(older_than=OUTBOX_KEEP_SENT)
    return sent


@shared_task(name="core.tasks.audit_log_prune", ignore_result=True)
def audit_log_prune() -> int:
    """Nightly: drop audit entries past their retention (never younger than six months);
    idempotent."""
    from core.audit import audit_log_prune as prune

    return prune()


#: A gateway outage is retried 8 times over up to about an hour: the wait doubles from 30 s,
#: at most 20 minutes, jittered so a backlog does not hit the recovering gateway at once.
SMS_MAX_RETRIES = 8
SMS_RETRY_BACKOFF = 30
SMS_RETRY_BACKOFF_MAX = 1200


@shared_task(
    bind=True,
    name="core.tasks.notification_sms_deliver",
    autoretry_for=(OperationalError,),
    retry_backoff=SMS_RETRY_BACKOFF,
    retry_backoff_max=SMS_RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=SMS_MAX_RETRIES,
    acks_late=True,
    soft_time_limit=30,
    time_limit=60,
    ignore_result=True,
)
def notification_sms_deliver(self, notification_id: int) -> bool:
    """Text one notice (enqueued by ``notify(..., sms=True)`` through the outbox).

    Idempotent: the service marks ``sms_sent`` with the text, so a retry or a redelivery
    never texts twice. A transient failure (the provider's rate limit, an outage, the
    network) is retried with backoff; a permanent one (a bad number, no credit left, a wrong
    template) and the last try are given up at once (logged, the notice's ``SmsDelivery``
    says why) and the in-site notice stands. Not retried after a time limit: the gateway may
    have sent it.
    """
    # Without a broker (REDIS_URL unset) this runs inside the request that committed the
    # notice: there is no worker to retry later, and that request must not fail for it.
    no_worker = self.app.conf.task_always_eager
    last_attempt = no_worker or self.request.retries >= self.max_retries
    try:
        return notification_sms_send(notification_id=notification_id, last_attempt=last_attempt)
    except (SmsSendError, ConnectionError, TimeoutError) as exc:
        transient = getattr(exc, "transient", True)
        if last_attempt or not transient:
            logger.error(
                "notice sms given up",
                extra={
                    "notification_id": notification_id,
                    "error": repr(exc),
                    "sms_error_code": getattr(exc, "code", ""),
                },
            )
            return False
        countdown = get_exponential_backoff_interval(
            factor=SMS_RETRY_BACKOFF,
            retries=self.request.retries,
            maximum=SMS_RETRY_BACKOFF_MAX,
            full_jitter=True,
        )
        raise self.retry(exc=exc, countdown=countdown) from exc


#: A busy or failing push service is retried 6 times over about half an hour: a notice
#: arriving later than that is better read on the site.
PUSH_MAX_RETRIES = 6
PUSH_RETRY_BACKOFF = 30
PUSH_RETRY_BACKOFF_MAX = 600


@shared_task(
    bind=True,
    name="core.tasks.notification_push_deliver",
    autoretry_for=(OperationalError,),
    retry_backoff=PUSH_RETRY_BACKOFF,
    retry_backoff_max=PUSH_RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=PUSH_MAX_RETRIES,
    acks_late=True,
    soft_time_limit=60,
    time_limit=90,
    ignore_result=True,
)
def notification_push_deliver(self, notification_id: int) -> int:
    """Push one notice to the member's browsers (enqueued by ``notify(..., push=True)``).

    Idempotent per subscription (``core.push.push_send`` records each push), so a retry
    pushes only to the browsers that have not got it. 429/5xx and network failures are
    retried with backoff; the last try, or running without a worker, gives up (logged)
    and the in-site notice stands.
    """
    no_worker = self.app.conf.task_always_eager
    try:
        return push_send(notification_id=notification_id)
    except PushSendError as exc:
        if no_worker or not exc.transient or self.request.retries >= self.max_retries:
            logger.warning(
                "notice push given up",
                extra={"notification_id": notification_id, "error": repr(exc)},
            )
            return 0
        countdown = get_exponential_backoff_interval(
            factor=PUSH_RETRY_BACKOFF,
            retries=self.request.retries,
            maximum=PUSH_RETRY_BACKOFF_MAX,
            full_jitter=True,
        )
        raise self.retry(exc=exc, countdown=countdown) from exc
