import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.selectors.users import user_get_by_phone
from accounts.services.users import user_create
from accounts.validators import normalize_mobile
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
    ],
)
def test_normalize_mobile(raw, expected):
    assert normalize_mobile(raw) == expected


def test_user_create_normalises_and_hashes_with_argon2(settings):
    settings.PASSWORD_HASHERS = settings.PASSWORD_HASHERS[1:]  # the production list
    user = user_create(phone="+86 139 0311 0000", password="Xs8-strong-pass", display_name="王伟")
    assert user.phone == "13903110000"
    assert user.password.startswith("argon2$")
    assert user.check_password("Xs8-strong-pass")
    assert user_get_by_phone(phone="139-0311-0000") == user


@pytest.mark.parametrize("phone", ["12345", "23800138000", "1380013800a", "", "138001380001"])
def test_user_create_rejects_malformed_number_in_chinese(phone):
    with pytest.raises(ValidationError) as excinfo:
        user_create(phone=phone, password="Xs8-strong-pass")
    assert any("手机号码" in message for message in excinfo.value.messages)
    assert User.objects.count() == 0


def test_user_create_rejects_taken_number_without_saving():
    UserFactory(phone="13800000009")
    with pytest.raises(ValidationError) as excinfo:
        user_create(phone="13800000009", password="Xs8-strong-pass")
    assert "该手机号码已注册。" in excinfo.value.messages
    assert User.objects.filter(phone="13800000009").count() == 1


def test_email_is_optional_and_unique_ignoring_case():
    user_create(phone="13800000011", password="Xs8-strong-pass")
    user_create(phone="13800000012", password="Xs8-strong-pass")  # two blank emails are fine
    user_create(phone="13800000013", password="Xs8-strong-pass", email="Wang@Example.com")
    with pytest.raises(ValidationError) as excinfo:
        user_create(phone="13800000014", password="Xs8-strong-pass", email="wang@example.COM")
    assert "该电子邮箱已被使用。" in excinfo.value.messages


def test_database_refuses_a_malformed_phone_even_past_validation():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(phone="12345678901")])


def test_superuser_is_staff_and_masked_phone():
    admin = User.objects.create_superuser("13900000099", "Xs8-strong-pass")
    assert admin.is_staff and admin.is_superuser
    assert admin.masked_phone == "139****0099"
    assert str(admin) == "139****0099"
