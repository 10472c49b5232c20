"""The identity demo data: valid synthetic numbers, idempotent."""

from __future__ import annotations

import io

from accounts import demo, demo_identity
from accounts.models import DigitalIdentity, ExternalAccount
from accounts.services.identity import id_number_validate, member_id_is_valid


def test_demo_numbers_are_valid():
    for _phone, _name, county, birth, sequence in demo_identity.DEMO_IDENTITIES:
        number = demo_identity.synthetic_id_number(county=county, birth=birth, sequence=sequence)
        assert id_number_validate(number) == number


def test_seed_is_idempotent(db):
    demo.seed(stdout=io.StringIO())
    demo_identity.seed(stdout=io.StringIO())
    snapshot = list(DigitalIdentity.objects.values().order_by("pk"))
    assert len(snapshot) == 3
    assert all(member_id_is_valid(row["member_id"]) for row in snapshot)
    assert ExternalAccount.objects.get().identity.real_name == "王伟"

    out = io.StringIO()
    demo_identity.seed(stdout=out)
    assert list(DigitalIdentity.objects.values().order_by("pk")) == snapshot
    assert ExternalAccount.objects.count() == 1
    assert "[exists]" in out.getvalue()


def test_seed_skips_without_keys(db, settings):
    settings.IDENTITY_DEV_KEYS = False
    settings.ID_NUMBER_KEYS = ""
    demo.seed(stdout=io.StringIO())
    out = io.StringIO()
    demo_identity.seed(stdout=out)
    assert "ID_NUMBER_KEYS" in out.getvalue()
    assert not DigitalIdentity.objects.exists()
