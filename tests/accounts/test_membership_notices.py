"""Membership decisions reach the member through ``core.notifications``: an in-site notice
and one text after commit (through the outbox), none for a decision rolled back."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from accounts.models import EmploymentForm
from accounts.services import membership as services
from core import sms
from core.models import Notification, OutboxMessage
from tests.accounts.factories import UserFactory, make_member, make_officer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def apply(user, organization):
    return services.membership_application_submit(
        user=user,
        organization=organization,
        employer="三河市燕郊镇快递服务站",
        occupation="快递员",
        employment_form=EmploymentForm.NEW_FORM,
    )


def test_approval_creates_a_notice_and_one_text(union_tree, django_capture_on_commit_callbacks):
    user = UserFactory(phone="13800000041")
    officer = make_officer(organization=union_tree["sanhe"])
    application = apply(user, union_tree["joint"])
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_application_approve(application=application, officer=officer)
        assert sms.outbox == []  # not before the commit

    notice = Notification.objects.get(user=user)
    assert notice.kind == "membership.approved"
    assert notice.title == "您加入三河市新就业形态联合工会的申请已通过"
    assert notice.url == reverse("accounts:membership")
    assert notice.sms_sent and notice.read_at is None
    assert [(m.phone, m.message) for m in sms.outbox] == [
        (
            "13800000041",
            "【职工之家·河北】您加入三河市新就业形态联合工会的申请已通过："
            "电子会员卡已放入您的卡包。",
        )
    ]
    assert OutboxMessage.objects.filter(task="core.tasks.notification_sms_deliver").count() == 1

    # A second approval is refused and tells no one again.
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.membership_application_approve(application=application, officer=officer)
    assert Notification.objects.filter(user=user).count() == 1
    assert len(sms.outbox) == 1


def test_a_rolled_back_approval_tells_no_one(union_tree, django_capture_on_commit_callbacks):
    user = UserFactory()
    officer = make_officer(organization=union_tree["sanhe"])
    application = apply(user, union_tree["joint"])
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.membership_application_approve(application=application, officer=officer)
        raise RuntimeError("the surrounding request failed")
    assert not Notification.objects.filter(user=user).exists()
    assert not OutboxMessage.objects.exists()
    assert sms.outbox == []


def test_rejection_tells_the_reason(union_tree, django_capture_on_commit_callbacks):
    user = UserFactory()
    officer = make_officer(organization=union_tree["sanhe"])
    application = apply(user, union_tree["joint"])
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_application_reject(
            application=application, officer=officer, reason="请补充劳动关系证明"
        )
    notice = Notification.objects.get(user=user)
    assert (notice.kind, notice.body) == ("membership.rejected", "请补充劳动关系证明")
    assert len(sms.outbox) == 1 and "请补充劳动关系证明" in sms.outbox[0].message


def test_transfer_steps_notify(union_tree, django_capture_on_commit_callbacks):
    old_officer = make_officer(organization=union_tree["changan"])
    new_officer = make_officer(organization=union_tree["sanhe"])
    user = make_member(organization=union_tree["factory"], officer=old_officer)
    Notification.objects.filter(user=user).delete()
    sms.outbox.clear()

    def request_transfer():
        return services.transfer_request_submit(
            user=user,
            to_organization=union_tree["joint"],
            employer="三河市燕郊镇快递服务站",
            occupation="快递员",
            employment_form=EmploymentForm.NEW_FORM,
        )

    refused = request_transfer()
    with django_capture_on_commit_callbacks(execute=True):
        services.transfer_reject(transfer=refused, officer=new_officer, reason="名额已满")
    accepted = request_transfer()
    services.transfer_release(transfer=accepted, officer=old_officer)
    with django_capture_on_commit_callbacks(execute=True):
        services.transfer_accept(transfer=accepted, officer=new_officer)

    kinds = list(
        Notification.objects.filter(user=user).order_by("pk").values_list("kind", flat=True)
    )
    assert kinds == ["membership.transfer_rejected", "membership.transfer_completed"]
    assert len(sms.outbox) == 2
    assert "名额已满" in sms.outbox[0].message
    assert "您已转入三河市新就业形态联合工会" in sms.outbox[1].message
