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
