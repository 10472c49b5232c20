"""The change feed carries membership steps done in the portal itself, not only imports and
pushes: what the national federation pulls is the whole truth."""

import pytest

from accounts.models import EmploymentForm, Membership
from accounts.selectors import membership as membership_selectors
from accounts.services import membership as membership_services
from datahub.models import MemberChange
from tests.accounts.factories import UserFactory, make_member, make_officer

pytestmark = pytest.mark.django_db

Kind = MemberChange.Kind


def portal_changes(user):
    return list(
        MemberChange.objects.filter(user=user, source=MemberChange.Source.PORTAL).values_list(
            "kind", "organization_id"
        )
    )


def test_joining_transferring_and_ending_are_in_the_feed(union_tree):
    old_officer = make_officer(organization=union_tree["changan"])
    new_officer = make_officer(organization=union_tree["sanhe"])
    user = make_member(organization=union_tree["factory"], officer=old_officer)
    assert portal_changes(user) == [(Kind.MEMBERSHIP_STARTED, union_tree["factory"].pk)]

    transfer = membership_services.transfer_request_submit(
        user=user,
        to_organization=union_tree["joint"],
        employer="三河市燕郊镇快递服务站",
        occupation="快递员",
        employment_form=EmploymentForm.NEW_FORM,
        reason="换了工作",
    )
    # Requested and released change nothing the federation holds yet.
    membership_services.transfer_release(transfer=transfer, officer=old_officer)
    assert len(portal_changes(user)) == 1
    membership_services.transfer_accept(transfer=transfer, officer=new_officer)
    assert portal_changes(user)[-1] == (Kind.MEMBERSHIP_TRANSFERRED, union_tree["joint"].pk)

    current = membership_selectors.membership_current(user=user)
    membership_services.membership_end(
        membership=current, reason=Membership.EndReason.LEFT, actor=new_officer
    )
    assert portal_changes(user)[-1] == (Kind.MEMBERSHIP_ENDED, union_tree["joint"].pk)
    refs = MemberChange.objects.filter(user=user).values_list("source_ref", flat=True)
    assert all(ref.startswith("membership_event:") for ref in refs)


def test_an_application_alone_is_not_a_change(union_tree):
    user = UserFactory()
    membership_services.membership_application_submit(
        user=user,
        organization=union_tree["joint"],
        employer="三河市燕郊镇快递服务站",
        occupation="快递员",
        employment_form=EmploymentForm.NEW_FORM,
    )
    assert portal_changes(user) == []


def test_the_feed_follows_membership_events_by_subscription(union_tree):
    """Identity calls no feature: datahub's ready() subscribes, and unsubscribed the feed
    stays empty while the membership step still happens."""
    from accounts import events
    from datahub.services.feed import member_change_on_membership_event

    assert member_change_on_membership_event in events._handlers
    events.membership_event_unsubscribe(member_change_on_membership_event)
    try:
        user = make_member(
            organization=union_tree["factory"],
            officer=make_officer(organization=union_tree["changan"]),
        )
    finally:
        events.membership_event_subscribe(member_change_on_membership_event)
    assert membership_selectors.membership_current(user=user) is not None
    assert portal_changes(user) == []


def test_a_failing_subscriber_undoes_the_step(union_tree, monkeypatch):
    """Subscribers run inside the step's transaction: the feed row and the membership commit
    or roll back together."""
    from accounts import events

    officer = make_officer(organization=union_tree["changan"])
    user = make_member(organization=union_tree["factory"], officer=officer)
    current = membership_selectors.membership_current(user=user)

    def broken(event):
        raise RuntimeError("feed down")

    monkeypatch.setattr(events, "_handlers", [*events._handlers, broken])
    with pytest.raises(RuntimeError):
        membership_services.membership_end(
            membership=current, reason=Membership.EndReason.LEFT, actor=officer
        )
    current.refresh_from_db()
    assert current.status == Membership.Status.ACTIVE
    assert [kind for kind, _org in portal_changes(user)] == [Kind.MEMBERSHIP_STARTED]
