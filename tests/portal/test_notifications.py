import pytest
from django.db import transaction
from django.urls import reverse

from portal import sms
from portal.models import Notification
from portal.notifications import notification_mark_read, notification_unread_count, notify
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def test_notify_with_sms_sends_after_commit(django_capture_on_commit_callbacks):
    user = UserFactory(phone="13800000009")
    with django_capture_on_commit_callbacks(execute=True):
        notice = notify(user=user, kind="hotline.reply", title="您的诉求有新回复", sms=True)
    assert [m.phone for m in sms.outbox] == ["13800000009"]
    assert "您的诉求有新回复" in sms.outbox[0].message
    notice.refresh_from_db()
    assert notice.sms_sent


def test_rolled_back_action_sends_nothing():
    user = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(user=user, kind="x", title="不会发出", sms=True)
        raise RuntimeError("the business action failed")
    assert sms.outbox == []
    assert not Notification.objects.exists()


def test_dedupe_key_notifies_once(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(user=user, kind="jobs.match", title="新岗位", sms=True, dedupe_key="m:1:2")
        second = notify(user=user, kind="jobs.match", title="新岗位", sms=True, dedupe_key="m:1:2")
    assert first.pk == second.pk
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
