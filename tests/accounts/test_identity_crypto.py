"""ID number encryption at rest, its keyed hash, key configuration and rotation."""

from __future__ import annotations

import base64
import io
import os

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from accounts import crypto
from accounts.models import DigitalIdentity
from accounts.services.identity import identity_id_number_reveal
from tests.accounts.factories import make_id_number, make_identity


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def test_round_trip_and_ciphertext_hides_number():
    number = make_id_number()
    ciphertext, key_id = crypto.id_number_encrypt(number)
    assert crypto.id_number_decrypt(ciphertext, key_id) == number
    assert number not in ciphertext
    assert number[-8:] not in ciphertext
    assert base64.b64encode(number.encode()).decode()[:12] not in ciphertext
    again, _ = crypto.id_number_encrypt(number)
    assert again != ciphertext  # fresh nonce each time


def test_altered_ciphertext_is_refused():
    ciphertext, key_id = crypto.id_number_encrypt(make_id_number())
    raw = bytearray(base64.urlsafe_b64decode(ciphertext))
    raw[-1] ^= 1
    with pytest.raises(ValueError):
        crypto.id_number_decrypt(base64.urlsafe_b64encode(bytes(raw)).decode(), key_id)


def test_hash_is_stable_keyed_and_distinct(settings):
    number = make_id_number(sequence=1)
    first = crypto.id_number_hash(number)
    assert first == crypto.id_number_hash(number)
    assert len(first) == 64
    assert first != crypto.id_number_hash(make_id_number(sequence=2))
    settings.ID_NUMBER_HASH_KEY = _key()
    assert crypto.id_number_hash(number) != first


def test_stored_row_never_holds_the_number(db):
    number = make_id_number()
    identity = make_identity(id_number=number)
    row = DigitalIdentity.objects.filter(pk=identity.pk).values().get()
    for value in row.values():
        assert number not in str(value)
    assert row["id_number_masked"] == f"{number[:4]}**********{number[-4:]}"


def test_missing_keys_fail_naming_the_variable(settings):
    settings.IDENTITY_DEV_KEYS = False
    settings.ID_NUMBER_KEYS = ""
    settings.ID_NUMBER_HASH_KEY = _key()
    with pytest.raises(ImproperlyConfigured, match="ID_NUMBER_KEYS"):
        crypto.id_number_encrypt("x")
    settings.ID_NUMBER_KEYS = f"k1:{_key()}"
    settings.ID_NUMBER_HASH_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="ID_NUMBER_HASH_KEY"):
        crypto.id_number_hash("x")


@pytest.mark.parametrize(
    "value",
    ["k1", f"k1:{base64.b64encode(b'short').decode()}", "k1:%%%notbase64", ":abc"],
)
def test_malformed_keys_fail_clearly(settings, value):
    settings.ID_NUMBER_KEYS = value
    with pytest.raises(ImproperlyConfigured, match="ID_NUMBER_KEYS"):
        crypto.current_key_id()


def test_dev_keys_in_tests_and_debug(settings):
    settings.ID_NUMBER_KEYS = ""
    settings.ID_NUMBER_HASH_KEY = ""
    settings.IDENTITY_DEV_KEYS = True
    assert crypto.current_key_id() == crypto.DEV_KEY_ID


def test_rotation_reencrypts_to_current_key(db, settings):
    old_key, new_key = _key(), _key()
    settings.ID_NUMBER_KEYS = f"old:{old_key}"
    numbers = [make_id_number(sequence=n) for n in (11, 12, 13)]
    identities = [make_identity(id_number=n) for n in numbers]
    old_ciphertexts = {i.pk: i.id_number_ciphertext for i in identities}
    assert {i.key_id for i in identities} == {"old"}

    settings.ID_NUMBER_KEYS = f"new:{new_key},old:{old_key}"
    out = io.StringIO()
    call_command("rotate_id_number_key", "--batch-size", "2", stdout=out)
    assert "3 re-encrypted, 0 already current, 3 in all" in out.getvalue()

    for identity, number in zip(identities, numbers, strict=True):
        identity.refresh_from_db()
        assert identity.key_id == "new"
        assert identity.id_number_ciphertext != old_ciphertexts[identity.pk]
        assert identity_id_number_reveal(identity=identity, viewer=identity.user) == number

    out = io.StringIO()
    call_command("rotate_id_number_key", stdout=out)
    assert "0 re-encrypted, 3 already current" in out.getvalue()

    # The old key can now be dropped; the hash (duplicate index) never changed.
    settings.ID_NUMBER_KEYS = f"new:{new_key}"
    identities[0].refresh_from_db()
    assert (
        identity_id_number_reveal(identity=identities[0], viewer=identities[0].user) == (numbers[0])
    )
    assert identities[0].id_number_hash == crypto.id_number_hash(numbers[0])


def test_decrypt_with_dropped_key_names_the_variable(db, settings):
    settings.ID_NUMBER_KEYS = f"gone:{_key()}"
    identity = make_identity()
    settings.ID_NUMBER_KEYS = f"other:{_key()}"
    with pytest.raises(ImproperlyConfigured, match="ID_NUMBER_KEYS has no key 'gone'"):
        identity_id_number_reveal(identity=identity, viewer=identity.user)
