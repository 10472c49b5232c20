import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from accounts.models import (
    Credential,
    EmploymentForm,
    Membership,
    MembershipApplication,
    MembershipEvent,
    Role,
    TransferRequest,
)
from accounts.selectors import membership as selectors
from accounts.services import membership as services
from accounts.services.roles import role_assign
from core import sms
from core.models import AuditLog
from regions.models import Region
from tests.accounts.factories import (
    StaffUserFactory,
    UserFactory,
    make_member,
    make_officer,
    make_union,
)

pytestmark = pytest.mark.django_db

Kind = MembershipEvent.Kind


def apply(user, organization, **extra):
    fields = {
        "employer": "三河市燕郊镇快递服务站",
        "occupation": "快递员",
        "employment_form": EmploymentForm.NEW_FORM,
    }
    fields.update(extra)
    return services.membership_application_submit(user=user, organization=organization, **fields)


def request_transfer(user, organization, **extra):
    fields = {
        "employer": "三河市燕郊镇快递服务站",
        "occupation": "快递员",
        "employment_form": EmploymentForm.NEW_FORM,
        "reason": "换了工作",
    }
    fields.update(extra)
    return services.transfer_request_submit(user=user, to_organization=organization, **fields)


def kinds(user):
    return list(selectors.membership_event_list(user=user).values_list("kind", flat=True))


def active_count(user):
    return Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).count()


def member_cards(user):
    return Credential.objects.filter(user=user, kind=Credential.Kind.MEMBER_CARD)


# --- 入会 ---


def test_apply_and_approve_creates_membership_card_events_and_sms(
    union_tree, django_capture_on_commit_callbacks
):
    sms.outbox.clear()
    user = UserFactory()
    officer = make_officer(organization=union_tree["sanhe"])
    application = apply(user, union_tree["joint"])
    assert application.status == MembershipApplication.Status.SUBMITTED
    assert selectors.membership_application_pending_for_user(user=user) == application

    with django_capture_on_commit_callbacks(execute=True):
        membership = services.membership_application_approve(
            application=application, officer=officer
        )

    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.APPROVED
    assert application.decided_by == officer and application.decided_at is not None
    assert application.membership == membership
    assert membership.organization == union_tree["joint"]
    assert membership.employment_form == EmploymentForm.NEW_FORM
    assert selectors.membership_current(user=user) == membership
    assert kinds(user) == [Kind.APPLIED, Kind.APPROVED]
    events = list(selectors.membership_event_list(user=user))
    assert events[0].actor == user and events[1].actor == officer
    card = member_cards(user).get()
    assert card.source_id == str(membership.pk) and card.issuer == "三河市新就业形态联合工会"
    assert AuditLog.objects.filter(action="membership.application_approve").count() == 1
    assert sms.outbox[-1].phone == user.phone and "已通过" in sms.outbox[-1].message


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("employer", "  ", "请填写工作单位"),
        ("occupation", "", "请填写职业"),
        ("employment_form", "part_time", "请选择用工形式"),
        ("employer", "厂" * 101, "不能超过100个字"),
    ],
)
def test_apply_with_bad_input_is_refused_in_chinese(union_tree, field, value, message):
    user = UserFactory()
    with pytest.raises(ValidationError) as info:
        apply(user, union_tree["joint"], **{field: value})
    assert message in str(info.value)
    assert not MembershipApplication.objects.exists()
    assert not MembershipEvent.objects.exists()


def test_cannot_apply_to_a_federation_or_a_closed_union(union_tree):
    user = UserFactory()
    with pytest.raises(ValidationError, match="不直接接收会员"):
        apply(user, union_tree["sanhe"])
    union_tree["joint"].accepts_applications = False
    union_tree["joint"].save(update_fields=["accepts_applications"])
    with pytest.raises(ValidationError, match="不直接接收会员"):
        apply(user, union_tree["joint"])
    with pytest.raises(ValidationError, match="请选择要加入的工会"):
        apply(user, None)
    assert not MembershipApplication.objects.exists()


def test_applying_twice_is_refused(union_tree):
    user = UserFactory()
    apply(user, union_tree["joint"])
    with pytest.raises(ValidationError, match="已有一份待审核的入会申请"):
        apply(user, union_tree["factory"])
    assert MembershipApplication.objects.filter(user=user).count() == 1


def test_a_member_cannot_apply_again(union_tree):
    user = make_member(organization=union_tree["factory"])
    with pytest.raises(ValidationError, match="请办理转会"):
        apply(user, union_tree["joint"])


def test_database_constraint_backs_the_pending_check(union_tree, monkeypatch):
    """If the code check were bypassed, the partial unique index still refuses, in Chinese."""
    user = UserFactory()
    apply(user, union_tree["joint"])
    real_filter = MembershipApplication.objects.filter

    class NothingPending:
        def exists(self):
            return False

    def fake_filter(*args, **kwargs):
        if kwargs.get("status") == MembershipApplication.Status.SUBMITTED:
            return NothingPending()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(MembershipApplication.objects, "filter", fake_filter)
    with pytest.raises(ValidationError, match="已有一份待审核的入会申请"):
        apply(user, union_tree["factory"])
    monkeypatch.undo()
    assert MembershipApplication.objects.filter(user=user).count() == 1
    assert kinds(user) == [Kind.APPLIED]


def test_approving_twice_is_refused_and_changes_nothing(union_tree):
    user = UserFactory()
    officer = make_officer(organization=union_tree["sanhe"])
    application = apply(user, union_tree["joint"])
    services.membership_application_approve(application=application, officer=officer)
    with pytest.raises(ValidationError, match="已经通过，无需重复审核"):
        services.membership_application_approve(application=application, officer=officer)
    with pytest.raises(ValidationError, match="已经通过"):
        services.membership_application_reject(
            application=application, officer=officer, reason="材料不全"
        )
    assert Membership.objects.filter(user=user).count() == 1
    assert member_cards(user).count() == 1
    assert kinds(user) == [Kind.APPLIED, Kind.APPROVED]


def test_deciding_a_withdrawn_application_is_refused(union_tree):
    user = UserFactory()
    officer = make_officer(organization=union_tree["sanhe"])
    application = apply(user, union_tree["joint"])
    services.membership_application_withdraw(application=application, user=user)
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.WITHDRAWN
    with pytest.raises(ValidationError, match="已撤回"):
        services.membership_application_approve(application=application, officer=officer)
    with pytest.raises(ValidationError, match="已撤回"):
        services.membership_application_withdraw(application=application, user=user)
    assert not Membership.objects.filter(user=user).exists()
    assert kinds(user) == [Kind.APPLIED, Kind.WITHDRAWN]
    # withdrawn, the user may apply again
    apply(user, union_tree["factory"])


def test_only_the_applicant_may_withdraw(union_tree):
    application = apply(UserFactory(), union_tree["joint"])
    with pytest.raises(PermissionDenied):
        services.membership_application_withdraw(application=application, user=UserFactory())
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.SUBMITTED


def test_reject_needs_a_reason_and_notifies(union_tree, django_capture_on_commit_callbacks):
    sms.outbox.clear()
    user = UserFactory()
    officer = make_officer(organization=union_tree["sanhe"])
    application = apply(user, union_tree["joint"])
    with pytest.raises(ValidationError, match="请填写理由"):
        services.membership_application_reject(
            application=application, officer=officer, reason="  "
        )
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_application_reject(
            application=application, officer=officer, reason="请补充劳动关系证明"
        )
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.REJECTED
    assert application.decision_reason == "请补充劳动关系证明"
    assert kinds(user) == [Kind.APPLIED, Kind.REJECTED]
    assert "请补充劳动关系证明" in sms.outbox[-1].message
    assert not Membership.objects.filter(user=user).exists()


def test_officer_of_another_union_cannot_decide(union_tree):
    user = UserFactory()
    application = apply(user, union_tree["joint"])
    outsider = make_officer(organization=union_tree["changan"])
    member = UserFactory()
    with pytest.raises(PermissionDenied, match="无权"):
        services.membership_application_approve(application=application, officer=outsider)
    with pytest.raises(PermissionDenied):
        services.membership_application_reject(
            application=application, officer=outsider, reason="不符合"
        )
    with pytest.raises(PermissionDenied):
        services.membership_application_approve(application=application, officer=member)
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.SUBMITTED


def test_province_admin_reviews_through_region_and_officer_not_own_application(union_tree):
    admin = StaffUserFactory()
    role_assign(user=admin, role=Role.PROVINCE_ADMIN, region=Region.objects.get(code="130000"))
    services.membership_application_approve(
        application=apply(UserFactory(), union_tree["joint"]), officer=admin
    )
    officer = make_officer(organization=union_tree["sanhe"])
    own = apply(officer, union_tree["joint"])
    with pytest.raises(PermissionDenied, match="不能审核本人"):
        services.membership_application_approve(application=own, officer=officer)


# --- 转会 ---


def test_transfer_end_to_end_moves_membership_and_card(
    union_tree, django_capture_on_commit_callbacks
):
    sms.outbox.clear()
    old_officer = make_officer(organization=union_tree["changan"])
    new_officer = make_officer(organization=union_tree["sanhe"])
    user = make_member(organization=union_tree["factory"], officer=old_officer)
    old = selectors.membership_current(user=user)
    old_card = member_cards(user).get()

    transfer = request_transfer(user, union_tree["joint"])
    assert transfer.from_membership == old
    assert selectors.transfer_request_open_for_user(user=user) == transfer
    with pytest.raises(ValidationError, match="原工会尚未同意转出"):
        services.transfer_accept(transfer=transfer, officer=new_officer)
    with pytest.raises(PermissionDenied):
        services.transfer_release(transfer=transfer, officer=new_officer)

    services.transfer_release(transfer=transfer, officer=old_officer)
    with pytest.raises(ValidationError, match="无需重复"):
        services.transfer_release(transfer=transfer, officer=old_officer)
    with pytest.raises(PermissionDenied):
        services.transfer_accept(transfer=transfer, officer=old_officer)

    with django_capture_on_commit_callbacks(execute=True):
        new = services.transfer_accept(transfer=transfer, officer=new_officer)

    old.refresh_from_db()
    transfer.refresh_from_db()
    old_card.refresh_from_db()
    assert old.status == Membership.Status.ENDED
    assert old.end_reason == Membership.EndReason.TRANSFERRED and old.ended_at is not None
    assert new.organization == union_tree["joint"] and new.status == Membership.Status.ACTIVE
    assert transfer.status == TransferRequest.Status.COMPLETED
    assert transfer.to_membership == new and transfer.accepted_by == new_officer
    assert transfer.released_by == old_officer
    assert active_count(user) == 1
    assert old_card.is_revoked and "三河市新就业形态联合工会" in old_card.revoke_reason
    assert member_cards(user).filter(revoked_at__isnull=True).get().source_id == str(new.pk)
    assert kinds(user) == [
        Kind.APPLIED,
        Kind.APPROVED,
        Kind.TRANSFER_REQUESTED,
        Kind.TRANSFER_RELEASED,
        Kind.TRANSFER_COMPLETED,
    ]
    assert "已转入" in sms.outbox[-1].message
    with pytest.raises(ValidationError, match="已经完成"):
        services.transfer_accept(transfer=transfer, officer=new_officer)
    assert active_count(user) == 1


def test_transfer_needs_an_active_membership_and_another_joinable_union(union_tree):
    with pytest.raises(ValidationError, match="请先申请入会"):
        request_transfer(UserFactory(), union_tree["joint"])
    user = make_member(organization=union_tree["factory"])
    with pytest.raises(ValidationError, match="已是该工会的会员"):
        request_transfer(user, union_tree["factory"])
    with pytest.raises(ValidationError, match="不直接接收会员"):
        request_transfer(user, union_tree["langfang"])
    request_transfer(user, union_tree["joint"])
    with pytest.raises(ValidationError, match="正在办理的转会申请"):
        request_transfer(user, union_tree["joint"])
    assert TransferRequest.objects.filter(user=user).count() == 1


def test_transfer_reject_by_either_side(union_tree):
    old_officer = make_officer(organization=union_tree["changan"])
    langfang_officer = make_officer(organization=union_tree["langfang"])
    user = make_member(organization=union_tree["factory"], officer=old_officer)

    first = request_transfer(user, union_tree["joint"])
    qiaoxi = make_union(
        name="桥西区总工会", kind="county", region_code="130104", parent=union_tree["sjz"]
    )
    for stranger in (UserFactory(), make_officer(organization=qiaoxi)):
        with pytest.raises(PermissionDenied):
            services.transfer_reject(transfer=first, officer=stranger, reason="不同意")
    with pytest.raises(ValidationError, match="请填写理由"):
        services.transfer_reject(transfer=first, officer=old_officer, reason="")
    services.transfer_reject(transfer=first, officer=old_officer, reason="尚有未结清的会费")
    first.refresh_from_db()
    assert first.status == TransferRequest.Status.REJECTED
    assert first.decision_reason == "尚有未结清的会费"

    second = request_transfer(user, union_tree["joint"])
    services.transfer_release(transfer=second, officer=old_officer)
    with pytest.raises(ValidationError, match="只能由转入工会处理"):
        services.transfer_reject(transfer=second, officer=old_officer, reason="反悔")
    services.transfer_reject(transfer=second, officer=langfang_officer, reason="不在本会吸纳范围")
    second.refresh_from_db()
    assert second.status == TransferRequest.Status.REJECTED
    assert selectors.membership_current(user=user).organization == union_tree["factory"]
    assert active_count(user) == 1
    assert kinds(user).count(Kind.TRANSFER_REJECTED) == 2


def test_transfer_withdraw(union_tree):
    user = make_member(organization=union_tree["factory"])
    transfer = request_transfer(user, union_tree["joint"])
    with pytest.raises(PermissionDenied):
        services.transfer_withdraw(transfer=transfer, user=UserFactory())
    services.transfer_withdraw(transfer=transfer, user=user)
    transfer.refresh_from_db()
    assert transfer.status == TransferRequest.Status.WITHDRAWN
    officer = make_officer(organization=union_tree["changan"])
    with pytest.raises(ValidationError, match="已撤回"):
        services.transfer_release(transfer=transfer, officer=officer)
    assert kinds(user)[-1] == Kind.TRANSFER_WITHDRAWN
    request_transfer(user, union_tree["joint"])  # may ask again


def test_accept_fails_cleanly_if_the_old_membership_already_ended(union_tree):
    old_officer = make_officer(organization=union_tree["changan"])
    new_officer = make_officer(organization=union_tree["sanhe"])
    user = make_member(organization=union_tree["factory"], officer=old_officer)
    transfer = request_transfer(user, union_tree["joint"])
    services.transfer_release(transfer=transfer, officer=old_officer)
    Membership.objects.filter(user=user).update(
        status=Membership.Status.ENDED,
        ended_at=transfer.requested_at,
        end_reason=Membership.EndReason.LEFT,
    )
    with pytest.raises(ValidationError, match="原会籍已结束"):
        services.transfer_accept(transfer=transfer, officer=new_officer)
    transfer.refresh_from_db()
    assert transfer.status == TransferRequest.Status.RELEASED
    assert Membership.objects.filter(user=user).count() == 1
    assert member_cards(user).count() == 1


# --- selectors ---


def test_search_and_suggestions(union_tree):
    industry = make_union(
        name="廊坊市快递行业联合工会",
        kind="industry",
        region_code="131000",
        parent=union_tree["langfang"],
        trades="快递员、快递分拣员",
    )
    names = {u.name for u in selectors.union_organization_search(region_code="131000")}
    assert names == {"三河市新就业形态联合工会", "廊坊市快递行业联合工会"}
    assert [u.name for u in selectors.union_organization_search(keyword="装备")] == [
        "石家庄重型装备制造有限公司工会"
    ]
    assert selectors.union_organization_search(region_code="131000", kind="grassroots") == []
    assert selectors.union_organization_search(region_code="999999") == []
    suggested = selectors.union_organization_suggest_for_area(
        region_code="131082", occupation="分拣员"
    )
    assert suggested == [industry, union_tree["joint"]]
    nearest_first = selectors.union_organization_suggest_for_area(region_code="131082")
    assert nearest_first[0] == union_tree["joint"]
    assert selectors.union_organization_suggest_for_area(region_code="130102") == []


def test_reviewer_queues_are_scoped(union_tree):
    officer = make_officer(organization=union_tree["sanhe"])
    other = make_officer(organization=union_tree["changan"])
    application = apply(UserFactory(), union_tree["joint"])
    member = make_member(organization=union_tree["factory"], officer=other)
    transfer = request_transfer(member, union_tree["joint"])

    assert list(selectors.membership_application_review_queue(user=officer)) == [application]
    assert list(selectors.membership_application_review_queue(user=other)) == []
    assert list(selectors.transfer_request_review_queue(user=officer)) == []  # not released
    assert list(selectors.transfer_request_review_queue(user=other)) == [transfer]
    services.transfer_release(transfer=transfer, officer=other)
    assert list(selectors.transfer_request_review_queue(user=officer)) == [transfer]
    assert list(selectors.transfer_request_review_queue(user=other)) == []
    assert (
        selectors.membership_application_get_for_reviewer(user=officer, id=application.pk)
        == application
    )
    from django.http import Http404

    for bad in (application.pk, "abc", None, 999999):
        with pytest.raises(Http404):
            selectors.membership_application_get_for_reviewer(user=other, id=bad)
    with pytest.raises(Http404):
        selectors.membership_application_get_for_user(user=officer, id=application.pk)
    assert selectors.transfer_request_get_for_reviewer(user=officer, id=transfer.pk) == transfer


# --- concurrency (PostgreSQL) ---


def _race(*calls):
    """Run the calls in threads released at the same instant; return (results, errors)."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait()
            results.append(call())
        except (ValidationError, PermissionDenied) as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_transfers_at_once_only_one_completes(union_tree):
    """Two transfer requests for the same member, to two unions, submitted at once: the lock
    on the member lets one through; the loser is told in Chinese. Then two officers accept the
    released transfer at the same instant: one membership moves, once."""
    old_officer = make_officer(organization=union_tree["changan"])
    new_officer_a = make_officer(organization=union_tree["sanhe"])
    new_officer_b = make_officer(organization=union_tree["sanhe"])
    user = make_member(organization=union_tree["factory"], officer=old_officer)
    other_joint = make_union(
        name="廊坊市货车司机联合工会",
        kind="joint",
        region_code="131000",
        parent=union_tree["langfang"],
    )

    results, errors = _race(
        lambda: request_transfer(user, union_tree["joint"]),
        lambda: request_transfer(user, other_joint),
    )
    assert len(results) == 1 and len(errors) == 1
    assert "正在办理的转会申请" in str(errors[0])
    transfer = results[0]
    if transfer.to_organization != union_tree["joint"]:
        services.transfer_withdraw(transfer=transfer, user=user)
        transfer = request_transfer(user, union_tree["joint"])
    services.transfer_release(transfer=transfer, officer=old_officer)

    results, errors = _race(
        lambda: services.transfer_accept(transfer=transfer, officer=new_officer_a),
        lambda: services.transfer_accept(transfer=transfer, officer=new_officer_b),
    )
    assert len(results) == 1 and len(errors) == 1
    assert "已经完成" in str(errors[0])
    assert active_count(user) == 1
    assert Membership.objects.filter(user=user).count() == 2
    assert member_cards(user).filter(revoked_at__isnull=True).count() == 1
    assert kinds(user).count(Kind.TRANSFER_COMPLETED) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_only_one_succeeds(union_tree):
    officer_a = make_officer(organization=union_tree["sanhe"])
    officer_b = make_officer(organization=union_tree["langfang"])
    user = UserFactory()
    application = apply(user, union_tree["joint"])
    results, errors = _race(
        lambda: services.membership_application_approve(application=application, officer=officer_a),
        lambda: services.membership_application_approve(application=application, officer=officer_b),
    )
    assert len(results) == 1 and len(errors) == 1
    assert "无需重复审核" in str(errors[0])
    assert active_count(user) == 1
    assert member_cards(user).count() == 1
    assert kinds(user) == [Kind.APPLIED, Kind.APPROVED]
