"""The card wallet service and its selectors."""

from __future__ import annotations

import pytest
from django.http import Http404

from accounts.models import Credential
from accounts.selectors.wallet import (
    credential_get_for_user,
    credential_list_for_user,
    member_card_for_user,
)
from accounts.services.wallet import credential_issue, credential_revoke, member_card_issue
from tests.accounts.factories import MembershipFactory, UserFactory, make_card_holder


def _certificate(user, source_id=1):
    return credential_issue(
        user=user,
        kind=Credential.Kind.COURSE_CERTIFICATE,
        title="冀工学堂·安全生产课程结业证书",
        issuer="河北省总工会",
        source_type="learning.enrollment",
        source_id=source_id,
    )


def test_issue_is_idempotent_per_source(db):
    user = UserFactory()
    first = _certificate(user)
    assert _certificate(user).pk == first.pk
    assert len(first.serial) == 20
    assert _certificate(user, source_id=2).serial != first.serial


def test_revoke_is_idempotent(db):
    credential = _certificate(UserFactory())
    credential_revoke(credential=credential, reason="误发")
    revoked_at = credential.revoked_at
    credential_revoke(credential=credential, reason="再次")
    credential.refresh_from_db()
    assert credential.revoked_at == revoked_at
    assert credential.revoke_reason == "误发"


def test_member_card_for_active_membership(union_tree):
    membership, card = make_card_holder(organization=union_tree["joint"])
    state = member_card_for_user(user=membership.user)
    assert state.membership == membership
    assert state.card == card
    assert card.issuer == "三河市新就业形态联合工会"
    assert member_card_issue(membership=membership).pk == card.pk


def test_no_card_without_membership(db):
    state = member_card_for_user(user=UserFactory())
    assert state.membership is None and state.card is None


def test_member_card_first_in_list(union_tree):
    membership = MembershipFactory(organization=union_tree["factory"])
    certificate = _certificate(membership.user)
    card = member_card_issue(membership=membership)
    assert credential_list_for_user(user=membership.user) == [card, certificate]


def test_get_for_user_hides_other_people_s_credentials(db):
    owner, stranger = UserFactory(), UserFactory()
    credential = _certificate(owner)
    assert credential_get_for_user(user=owner, serial=credential.serial.lower()) == credential
    with pytest.raises(Http404):
        credential_get_for_user(user=stranger, serial=credential.serial)
    with pytest.raises(Http404):
        credential_get_for_user(user=owner, serial="NOPE")
