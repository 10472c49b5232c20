import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from core import sms
from core.models import Notification, OutboxMessage, SmsDelivery
from core.notifications import (
    SMS_TASK,
    notification_mark_read,
    notification_sms_send,
    notification_unread_count,
    notify,
)
from core.sms import SmsSendError
from core.sms.errors import BAD_NUMBER, OUT_OF_CREDIT, RATE_LIMITED
from core.tasks import SMS_MAX_RETRIES, notification_sms_deliver
from portal.celery import app
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

FLAKY = "tests.core.test_notifications.FlakySmsBackend"
SLOW = "tests.core.test_notifications.SlowSmsBackend"
REFUSING = "tests.core.test_notifications.RefusingSmsBackend"


class FlakySmsBackend:
    """A gateway that refuses the next ``failures`` texts, then accepts (into sms.outbox)."""

    failures = 0
    calls = 0

    def send_messages(self, messages) -> int:
        type(self).calls += 1
        if type(self).failures:
            type(self).failures -= 1
            raise SmsSendError("gateway unavailable")
        sms.outbox.extend(messages)
        return len(messages)


class RefusingSmsBackend:
    """A provider that refuses every text for ``reason`` (a bad number by default)."""

    reason = BAD_NUMBER
    calls = 0

    def send_message(self, message):
        type(self).calls += 1
        raise SmsSendError("isv.MOBILE_NUMBER_ILLEGAL", code="X.Code", reason=type(self).reason)


class SlowSmsBackend:
    """A gateway that holds the first text until ``release`` is set."""

    entered = threading.Event()
    release = threading.Event()

    def send_messages(self, messages) -> int:
        type(self).entered.set()
        type(self).release.wait(timeout=10)
        sms.outbox.extend(messages)
        return len(messages)


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.outbox.clear()
    FlakySmsBackend.failures = FlakySmsBackend.calls = RefusingSmsBackend.calls = 0
    yield
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _eager_celery():
    """The outbox runs the task in-process, as without a broker (REDIS_URL may be set)."""
    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


@pytest.fixture
def waits(monkeypatch):
    """The countdown of each retry the task asks for."""
    waits = []
    original = notification_sms_deliver.retry

    def retry(*args, **kwargs):
        waits.append(kwargs.get("countdown"))
        return original(*args, **kwargs)

    monkeypatch.setattr(notification_sms_deliver, "retry", retry)
    return waits


def test_notify_with_sms_sends_after_commit(django_capture_on_commit_callbacks):
    user = UserFactory(phone="13800000009")
    with django_capture_on_commit_callbacks(execute=True):
        notice = notify(user=user, kind="hotline.reply", title="您的诉求有新回复", sms=True)
        # Nothing leaves before the commit: the request only records the task.
        assert sms.outbox == []
    assert [m.phone for m in sms.outbox] == ["13800000009"]
    assert sms.outbox[0].message == "【职工之家·河北】您的诉求有新回复"
    notice.refresh_from_db()
    assert notice.sms_sent
    message = OutboxMessage.objects.get(key=f"portal.notification_sms:{notice.pk}")
    assert (message.task, message.args, message.kwargs) == (SMS_TASK, [notice.pk], {})
    assert message.state == OutboxMessage.State.SENT


def test_the_text_waits_in_the_outbox_not_in_the_request(django_capture_on_commit_callbacks):
    """With a broker, the request only publishes the task: the gateway is not called."""
    app.conf.task_always_eager = False
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notice = notify(user=user, kind="x", title="入会申请已通过", sms=True)
    # The outbox's publish runs after commit (beside it: the unread count's and the member's
    # kept pages' cache drops).
    assert [c for c in callbacks if "outbox" in c.__qualname__] != []
    assert not [
        c
        for c in callbacks
        if not any(part in c.__qualname__ for part in ("outbox", "unread", "member_pages"))
    ]
    assert sms.outbox == []
    message = OutboxMessage.objects.get(task=SMS_TASK)
    assert message.args == [notice.pk] and message.state == OutboxMessage.State.PENDING


def test_rolled_back_action_sends_nothing():
    user = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(user=user, kind="x", title="不会发出", sms=True)
        raise RuntimeError("the business action failed")
    assert sms.outbox == []
    assert not Notification.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_without_sms_nothing_is_enqueued(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=UserFactory(), kind="x", title="只在站内")
    assert sms.outbox == [] and not OutboxMessage.objects.exists()


def test_dedupe_key_notifies_once(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(user=user, kind="jobs.match", title="新岗位", sms=True, dedupe_key="m:1:2")
        second = notify(user=user, kind="jobs.match", title="新岗位", sms=True, dedupe_key="m:1:2")
    assert first.pk == second.pk
    assert len(sms.outbox) == 1
    assert OutboxMessage.objects.count() == 1


def test_a_redelivered_task_never_texts_twice(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notice = notify(user=user, kind="x", title="面试邀请", body="明天上午九点", sms=True)
    assert sms.outbox[0].message == "【职工之家·河北】面试邀请：明天上午九点"
    assert notification_sms_deliver.apply(args=[notice.pk]).get() is False
    assert notification_sms_send(notification_id=notice.pk) is False
    assert len(sms.outbox) == 1


@pytest.fixture
def worker():
    """The task as a worker runs it: Celery re-runs each retry at once (``apply``), instead
    of after its countdown, which ``waits`` records."""
    app.conf.task_always_eager = app.conf.task_eager_propagates = False

    def deliver(notification_id: int):
        return notification_sms_deliver.apply(args=[notification_id], throw=False).get()

    return deliver


def test_a_gateway_failure_is_retried_and_texts_once(settings, worker, waits):
    settings.SMS_BACKEND = FLAKY
    FlakySmsBackend.failures = 2
    notice = notify(user=UserFactory(phone="13800000019"), kind="x", title="您的诉求有新回复")
    assert worker(notice.pk) is True
    assert FlakySmsBackend.calls == 3
    assert [m.phone for m in sms.outbox] == ["13800000019"]
    # Backoff: up to 30 s, then up to 60 s (full jitter).
    assert len(waits) == 2 and 0 <= waits[0] <= 30 and 0 <= waits[1] <= 60
    notice.refresh_from_db()
    assert notice.sms_sent
    # The outbox delivers at least once: another delivery of the same task sends nothing.
    assert worker(notice.pk) is False
    assert FlakySmsBackend.calls == 3 and len(sms.outbox) == 1


def test_a_gateway_that_stays_down_is_given_up_and_the_notice_stands(settings, worker, waits):
    settings.SMS_BACKEND = FLAKY
    FlakySmsBackend.failures = 100
    user = UserFactory()
    notice = notify(user=user, kind="x", title="您的诉求有新回复")
    assert worker(notice.pk) is False
    assert FlakySmsBackend.calls == SMS_MAX_RETRIES + 1
    assert len(waits) == SMS_MAX_RETRIES and max(waits) <= 1200
    assert sms.outbox == []
    notice.refresh_from_db()
    assert not notice.sms_sent
    assert notification_unread_count(user=user) == 1
    # Once the gateway is back, sending it by hand texts it once.
    FlakySmsBackend.failures = 0
    assert notification_sms_send(notification_id=notice.pk) is True
    assert notification_sms_send(notification_id=notice.pk) is False
    assert len(sms.outbox) == 1


def test_without_a_broker_a_gateway_failure_never_fails_the_request(
    settings, django_capture_on_commit_callbacks
):
    """REDIS_URL unset: the task runs inside the request, after its commit."""
    settings.SMS_BACKEND = FLAKY
    FlakySmsBackend.failures = 1
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notice = notify(user=user, kind="x", title="您的诉求有新回复", sms=True)
    assert FlakySmsBackend.calls == 1 and sms.outbox == []
    notice.refresh_from_db()
    assert not notice.sms_sent
    assert notification_unread_count(user=user) == 1


def test_the_service_raises_for_the_task_to_retry(settings):
    settings.SMS_BACKEND = FLAKY
    FlakySmsBackend.failures = 1
    notice = notify(user=UserFactory(), kind="x", title="t")
    with pytest.raises(SmsSendError):
        notification_sms_send(notification_id=notice.pk)
    notice.refresh_from_db()
    assert not notice.sms_sent


def test_a_closed_account_or_a_missing_notice_gets_no_text():
    user = UserFactory()
    notice = notify(user=user, kind="x", title="t")
    user.closed_at = timezone.now()
    user.save(update_fields=["closed_at"])
    assert notification_sms_send(notification_id=notice.pk) is False
    assert notification_sms_send(notification_id=notice.pk + 1000) is False
    assert sms.outbox == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_deliveries_at_once_text_once(settings):
    """A redelivery while the first worker still waits on the gateway: the row lock makes the
    second wait, then it sees the mark and sends nothing."""
    settings.SMS_BACKEND = SLOW
    SlowSmsBackend.entered.clear()
    SlowSmsBackend.release.clear()
    notice = notify(user=UserFactory(), kind="x", title="t")
    results = []

    def deliver():
        try:
            results.append(notification_sms_send(notification_id=notice.pk))
        finally:
            connection.close()

    first = threading.Thread(target=deliver)
    first.start()
    assert SlowSmsBackend.entered.wait(timeout=10)
    second = threading.Thread(target=deliver)
    second.start()
    second.join(timeout=0.5)
    assert second.is_alive()  # blocked on the row, not texting
    SlowSmsBackend.release.set()
    first.join(timeout=10)
    second.join(timeout=10)
    assert sorted(results) == [False, True]
    assert len(sms.outbox) == 1


def test_unread_count_and_mark_read():
    user, other = UserFactory(), UserFactory()
    notify(user=user, kind="x", title="一")
    notify(user=user, kind="x", title="二")
    notify(user=other, kind="x", title="别人的")
    assert notification_unread_count(user=user) == 2
    assert notification_mark_read(user=user) == 2
    assert notification_unread_count(user=user) == 0
    assert notification_unread_count(user=other) == 1


def test_notices_page_shows_only_mine(client):
    user, other = UserFactory(), UserFactory()
    notify(user=user, kind="x", title="您的入会申请已通过", url="/me/membership/")
    notify(user=other, kind="x", title="别人的通知")
    assert client.get(reverse("accounts:notices")).status_code == 302
    client.force_login(user)
    html = client.get(reverse("accounts:notices")).content.decode()
    assert "您的入会申请已通过" in html and "别人的通知" not in html
    assert 'class="badge"' in client.get("/").content.decode()
    client.post(reverse("accounts:notices_read"))
    assert notification_unread_count(user=user) == 0


def test_one_delivery_record_counts_every_attempt(settings, worker, waits):
    settings.SMS_BACKEND = FLAKY
    FlakySmsBackend.failures = 2
    notice = notify(user=UserFactory(phone="13800000029"), kind="x", title="面试邀请")
    assert worker(notice.pk) is True
    delivery = SmsDelivery.objects.get()
    assert delivery.source == f"notification:{notice.pk}" and delivery.template == "notice"
    assert delivery.status == "sent" and delivery.attempts == 3 and delivery.error_code == ""
    assert delivery.phone_masked == "138****0029" and delivery.provider == "test_notifications"


@pytest.mark.parametrize("reason", [BAD_NUMBER, OUT_OF_CREDIT])
def test_a_permanent_refusal_is_not_retried(settings, worker, waits, reason):
    settings.SMS_BACKEND = REFUSING
    RefusingSmsBackend.reason = reason
    notice = notify(user=UserFactory(), kind="x", title="您的诉求有新回复")
    assert worker(notice.pk) is False
    assert RefusingSmsBackend.calls == 1 and waits == []
    delivery = SmsDelivery.objects.get()
    assert delivery.status == "failed" and delivery.attempts == 1
    assert delivery.error_code == "X.Code" and delivery.error_message == str(reason.message)
    assert delivery.error_detail == "isv.MOBILE_NUMBER_ILLEGAL"
    notice.refresh_from_db()
    assert not notice.sms_sent


def test_a_provider_rate_limit_is_retried_then_given_up(settings, worker, waits):
    settings.SMS_BACKEND = REFUSING
    RefusingSmsBackend.reason = RATE_LIMITED
    notice = notify(user=UserFactory(), kind="x", title="您的诉求有新回复")
    assert worker(notice.pk) is False
    assert RefusingSmsBackend.calls == SMS_MAX_RETRIES + 1 and len(waits) == SMS_MAX_RETRIES
    delivery = SmsDelivery.objects.get()
    # Pending between tries, failed after the last one.
    assert delivery.status == "failed" and delivery.attempts == SMS_MAX_RETRIES + 1


def test_the_unread_count_is_read_from_the_cache_and_follows_every_change(
    django_assert_num_queries,
):
    user = UserFactory()
    notify(user=user, kind="system", title="欢迎")
    assert notification_unread_count(user=user) == 1
    with django_assert_num_queries(0):
        assert notification_unread_count(user=user) == 1
    notify(user=user, kind="system", title="第二条")
    assert notification_unread_count(user=user) == 2
    notification_mark_read(user=user)
    assert notification_unread_count(user=user) == 0
