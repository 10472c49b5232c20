"""Web push of notices (core.push) against a local push service that verifies the VAPID
signature and decrypts the payload with the browser's keys (tests/core/push_server.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from accounts.services.closure import account_close
from core import push
from core.models import OutboxMessage, PushDelivery, PushSubscription
from core.notifications import PUSH_TASK, notify
from core.push import (
    PushSendError,
    push_configured,
    push_public_key,
    push_send,
    push_subscription_delete,
    push_subscription_save,
)
from core.tasks import notification_push_deliver
from deploy.genkeys import vapid_key_pair
from portal.celery import app
from tests.accounts.factories import UserFactory
from tests.celery_eager import eager_celery  # noqa: F401 - autouse: tasks run in-process
from tests.core.push_server import Browser, start_push_service

pytestmark = pytest.mark.django_db

FCM = "https://fcm.googleapis.com/fcm/send/"


@pytest.fixture
def service():
    service = start_push_service()
    yield service
    service.stop()


@pytest.fixture
def keys(settings):
    """A production-like key pair from deploy/genkeys.py (not the development one)."""
    private, public = vapid_key_pair()
    settings.WEB_PUSH_VAPID_PRIVATE_KEY = private
    settings.WEB_PUSH_VAPID_PUBLIC_KEY = public
    settings.WEB_PUSH_VAPID_SUBJECT = "mailto:12351@example.cn"
    settings.IDENTITY_DEV_KEYS = False
    return public


def subscribe(user, service, name: str) -> PushSubscription:
    # Straight into the table: the service refuses http endpoints, and this one is local.
    endpoint, browser = service.endpoint(name)
    return PushSubscription.objects.create(
        user=user, endpoint=endpoint, p256dh=browser.p256dh, auth=browser.auth
    )


def good(name: str = "abc") -> dict:
    browser = Browser()
    return {"endpoint": FCM + name, "p256dh": browser.p256dh, "auth": browser.auth}


# --- keys ---------------------------------------------------------------------------------------


def test_the_genkeys_pair_configures_push(keys):
    assert push_configured()
    assert push_public_key() == keys


def test_a_public_key_of_another_pair_is_refused(keys, settings):
    settings.WEB_PUSH_VAPID_PUBLIC_KEY = vapid_key_pair()[1]
    with pytest.raises(ImproperlyConfigured, match="does not belong"):
        push_configured()


def test_without_keys_or_subject_push_is_off_and_nothing_is_enqueued(settings, service):
    settings.WEB_PUSH_VAPID_PRIVATE_KEY = ""
    settings.IDENTITY_DEV_KEYS = False
    user = UserFactory()
    subscribe(user, service, "off")
    assert not push_configured() and push_public_key() == ""
    notify(user=user, kind="hotline.reply", title="回复", push=True)
    assert not OutboxMessage.objects.filter(task=PUSH_TASK).exists()
    settings.WEB_PUSH_VAPID_PRIVATE_KEY = vapid_key_pair()[0]
    settings.WEB_PUSH_VAPID_SUBJECT = ""  # push services refuse an anonymous sender
    assert not push_configured()


def test_development_derives_a_stable_pair(settings):
    settings.WEB_PUSH_VAPID_PRIVATE_KEY = ""
    settings.IDENTITY_DEV_KEYS = True
    first = push_public_key()
    assert len(first) == 87 and push_public_key() == first


# --- subscriptions ------------------------------------------------------------------------------


def test_save_keeps_one_row_per_endpoint_and_follows_the_member_who_turned_it_on(keys):
    wang, li = UserFactory(), UserFactory()
    sub = good()
    push_subscription_save(user=wang, **sub, user_agent="Mozilla/5.0 (Linux; Android 14)")
    push_subscription_save(user=wang, **sub)
    assert PushSubscription.objects.get().user == wang
    # The same browser, another member signed in and clicked 开启: the subscription is theirs.
    push_subscription_save(user=li, **sub)
    assert list(PushSubscription.objects.values_list("user", flat=True)) == [li.pk]


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://fcm.googleapis.com/fcm/send/x",
        "https://127.0.0.1/push",
        "https://[::1]/push",
        "https://localhost/push",
        "https://redis.internal/x",
        "https://fcm.googleapis.com:6379/x",
        "https://user:pw@fcm.googleapis.com/x",
        "https://intranet/x",
        FCM + "x" * 1000,
        "",
        None,
        42,
    ],
)
def test_save_refuses_what_is_not_a_push_service(keys, endpoint):
    with pytest.raises(ValidationError) as exc:
        push_subscription_save(user=UserFactory(), **{**good(), "endpoint": endpoint})
    assert any("推送地址" in message for message in exc.value.messages)
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "field,value",
    [("p256dh", "not-a-key"), ("p256dh", Browser().auth), ("auth", Browser().p256dh), ("auth", "")],
    # Fixed ids: the keys are random, and xdist's workers must collect the same tests.
    ids=["p256dh-not-base64", "p256dh-too-short", "auth-too-long", "auth-empty"],
)
def test_save_refuses_bad_keys(keys, field, value):
    with pytest.raises(ValidationError, match=r"密钥|公钥"):
        push_subscription_save(user=UserFactory(), **{**good(), field: value})


def test_a_member_keeps_at_most_ten_browsers(keys):
    user = UserFactory()
    for n in range(push.SUBSCRIPTIONS_PER_USER + 2):
        push_subscription_save(user=user, **good(f"b{n}"))
    assert PushSubscription.objects.filter(user=user).count() == push.SUBSCRIPTIONS_PER_USER


def test_delete_touches_only_the_members_own_subscription(keys):
    wang, li = UserFactory(), UserFactory()
    sub = good()
    push_subscription_save(user=wang, **sub)
    assert push_subscription_delete(user=li, endpoint=sub["endpoint"]) is False
    assert PushSubscription.objects.filter(user=wang).exists()
    assert push_subscription_delete(user=wang, endpoint=sub["endpoint"]) is True
    assert not PushSubscription.objects.exists()


def test_closing_the_account_deletes_its_subscriptions(keys, service):
    user = UserFactory()
    subscribe(user, service, "closing")
    closed = account_close(user=user)
    assert not PushSubscription.objects.exists()
    with pytest.raises(ValidationError):
        push_subscription_save(user=closed, **good())


# --- sending ------------------------------------------------------------------------------------


def test_notify_pushes_a_signed_encrypted_notice(keys, service, django_capture_on_commit_callbacks):
    user = UserFactory()
    sub = subscribe(user, service, "phone")
    with django_capture_on_commit_callbacks(execute=True):
        notice = notify(
            user=user,
            kind="hotline.reply",
            title="您的12351诉求有新回复",
            body="请补充劳动合同照片。",
            url="/hotline/requests/7/",
            push=True,
        )
    [received] = service.to("phone")
    assert received.problems == []
    assert received.vapid_key == keys
    assert received.claims["aud"] == service.origin
    assert received.claims["sub"] == "mailto:12351@example.cn"
    assert received.payload == {
        "title": "您的12351诉求有新回复",
        "body": "请补充劳动合同照片。",
        "url": "/hotline/requests/7/",
        "tag": f"notice-{notice.pk}",
    }
    sub.refresh_from_db()
    assert sub.last_success_at is not None and sub.failure_count == 0
    assert OutboxMessage.objects.get(task=PUSH_TASK).args == [notice.pk]


def test_notify_without_push_or_without_subscriptions_enqueues_nothing(keys, service):
    user = UserFactory()
    notify(user=user, kind="hotline.reply", title="没有订阅", push=True)
    subscribe(user, service, "x")
    notify(user=user, kind="membership.approved", title="不推送的通知")
    assert not OutboxMessage.objects.filter(task=PUSH_TASK).exists()


def test_a_foreign_link_is_never_pushed(keys, service):
    user = UserFactory()
    subscribe(user, service, "p")
    notice = notify(user=user, kind="x", title="t", url="https://evil.example/")
    push_send(notification_id=notice.pk)
    assert service.to("p")[0].payload["url"] == "/me/notices/"


def test_push_is_idempotent_per_notice_and_subscription(keys, service):
    user = UserFactory()
    subscribe(user, service, "a")
    notice = notify(user=user, kind="x", title="面试邀请")
    assert push_send(notification_id=notice.pk) == 1
    assert push_send(notification_id=notice.pk) == 0
    assert len(service.to("a")) == 1
    assert PushDelivery.objects.count() == 1


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_subscription_is_deleted(keys, service, status):
    user = UserFactory()
    subscribe(user, service, "gone")
    kept = subscribe(user, service, "kept")
    service.answer("gone", status)
    notice = notify(user=user, kind="x", title="t")
    assert push_send(notification_id=notice.pk) == 1
    assert list(PushSubscription.objects.all()) == [kept]


@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_busy_push_service_is_retried_for_that_subscription_only(keys, service, status):
    user = UserFactory()
    flaky = subscribe(user, service, "flaky")
    subscribe(user, service, "fine")
    service.answer("flaky", status)
    notice = notify(user=user, kind="x", title="t")
    with pytest.raises(PushSendError) as exc:
        push_send(notification_id=notice.pk)
    assert exc.value.transient
    flaky.refresh_from_db()
    assert flaky.failure_count == 1
    # The retry pushes only where it did not arrive.
    assert push_send(notification_id=notice.pk) == 1
    assert (len(service.to("flaky")), len(service.to("fine"))) == (2, 1)
    flaky.refresh_from_db()
    assert flaky.failure_count == 0


def test_a_refusal_is_not_retried_and_a_subscription_that_keeps_refusing_goes(keys, service):
    user = UserFactory()
    subscribe(user, service, "bad")
    service.answer("bad", *[400] * push.MAX_FAILURES)
    for n in range(push.MAX_FAILURES):
        notice = notify(user=user, kind="x", title=f"t{n}")
        assert push_send(notification_id=notice.pk) == 0
    assert not PushSubscription.objects.exists()


def test_an_unreachable_push_service_is_transient(keys, service):
    user = UserFactory()
    sub = subscribe(user, service, "down")
    service.stop()
    notice = notify(user=user, kind="x", title="t")
    with pytest.raises(PushSendError) as exc:
        push_send(notification_id=notice.pk)
    assert exc.value.transient
    assert PushSubscription.objects.filter(pk=sub.pk).exists()


def test_nothing_is_pushed_to_a_closed_account(keys, service):
    user = UserFactory()
    subscribe(user, service, "c")
    notice = notify(user=user, kind="x", title="t")
    type(user).objects.filter(pk=user.pk).update(closed_at="2026-01-01T00:00:00Z")
    assert push_send(notification_id=notice.pk) == 0
    assert service.received == []


def test_the_task_retries_with_backoff_then_pushes_once(keys, service, monkeypatch):
    user = UserFactory()
    subscribe(user, service, "t")
    service.answer("t", 503, 503)
    notice = notify(user=user, kind="x", title="t")
    waits = []
    original = notification_push_deliver.retry

    def retry(*args, **kwargs):
        waits.append(kwargs.get("countdown"))
        return original(*args, **kwargs)

    monkeypatch.setattr(notification_push_deliver, "retry", retry)
    app.conf.task_always_eager = app.conf.task_eager_propagates = False
    assert notification_push_deliver.apply(args=[notice.pk], throw=False).get() == 1
    assert len(service.to("t")) == 3
    assert len(waits) == 2 and 0 <= waits[0] <= 30 and 0 <= waits[1] <= 60
    assert notification_push_deliver.apply(args=[notice.pk], throw=False).get() == 0


def test_without_a_worker_the_task_gives_up_quietly(keys, service):
    user = UserFactory()
    subscribe(user, service, "e")
    service.answer("e", 503)
    notice = notify(user=user, kind="x", title="t")
    assert notification_push_deliver.apply(args=[notice.pk]).get() == 0


def test_a_hotline_reply_reaches_the_members_phone(
    keys, service, regions, django_capture_on_commit_callbacks
):
    """Through the hotline's own services, not a hand-made notify(): the reply is one of the
    notices the member turned push on for."""
    from hotline.services.requests import hotline_reply, hotline_request_assign
    from tests.hotline.factories import make_agent, make_request, make_supervisor

    agent = make_agent()
    member = UserFactory()
    subscribe(member, service, "member-phone")
    request = make_request(member=member)
    request = hotline_request_assign(actor=make_supervisor(), request=request, agent=agent)
    with django_capture_on_commit_callbacks(execute=True):
        hotline_reply(actor=agent, request=request, body="请补充劳动合同照片。", action="ask")
    [received] = service.to("member-phone")
    assert received.problems == []
    assert received.payload["url"] == f"/hotline/requests/{request.pk}/"
    assert received.payload["title"] == "您的12351诉求有了新答复"
    assert received.payload["body"] == "请补充劳动合同照片。"
