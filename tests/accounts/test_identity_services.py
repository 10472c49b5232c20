"""实名认证: ID number and name validation, duplicates, consent, member ID, linked accounts."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from stdnum.cn import ric
from stdnum.iso7064 import mod_11_2

from accounts.models import ConsentRecord, DigitalIdentity, ExternalAccount
from accounts.services.identity import (
    external_account_link,
    external_account_unlink,
    id_number_validate,
    identity_verify,
    member_id_for_sequence,
    member_id_is_valid,
    real_name_validate,
)
from core.models import AuditLog
from tests.accounts.factories import UserFactory, make_id_number, make_identity


def _with_check(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


def _messages(exc_info) -> str:
    return " ".join(exc_info.value.messages)


# --- ID number --------------------------------------------------------------------------


def test_valid_number_is_normalised():
    number = make_id_number(county="130102", birth="19860314", sequence=371)
    assert id_number_validate(number) == number
    full_width = number.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    spaced = f" {full_width[:6]} {full_width[6:14]} {full_width[14:]} "
    assert id_number_validate(spaced) == number


def test_lowercase_x_becomes_upper():
    # Find an order code whose check character is X.
    for sequence in range(1000):
        body = f"13010219860314{sequence:03d}"
        if ric.calc_check_digit(body + "0") == "X":
            break
    assert id_number_validate(body + "x") == body + "X"


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("", "请输入身份证号码"),
        ("13010219860314371", "应为18位，您输入了17位"),
        ("1301021986031437123", "应为18位"),
        ("13010219860314A371", "只能由数字组成"),
        ("1301021986O3143712", "只能由数字组成"),
    ],
)
def test_malformed_numbers(number, expected):
    with pytest.raises(ValidationError) as exc_info:
        id_number_validate(number)
    assert expected in _messages(exc_info)


def test_bad_checksum():
    number = make_id_number()
    wrong = "0" if number[-1] != "0" else "1"
    with pytest.raises(ValidationError) as exc_info:
        id_number_validate(number[:-1] + wrong)
    assert "校验位不正确" in _messages(exc_info)


def test_bad_birth_date():
    with pytest.raises(ValidationError) as exc_info:
        id_number_validate(_with_check("13010219860230371"))
    assert "出生日期（19860230）不是有效日期" in _messages(exc_info)


def test_future_birth_date():
    with pytest.raises(ValidationError) as exc_info:
        id_number_validate(_with_check("13010221990101371"))
    assert "不合理" in _messages(exc_info)


def test_unknown_region():
    with pytest.raises(ValidationError) as exc_info:
        id_number_validate(_with_check("99010219860314371"))
    assert "前6位（990102）" in _messages(exc_info)


def test_region_must_exist_at_birth():
    # 三河市 (131082) exists only since 1993.
    assert id_number_validate(_with_check("13108219940101123"))
    with pytest.raises(ValidationError) as exc_info:
        id_number_validate(_with_check("13108219800101123"))
    assert "前6位（131082）" in _messages(exc_info)


# --- real name ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["王伟", "欧阳建华", "阿卜杜·热合曼", " 刘 鸿 ", "买买提•依明"])
def test_valid_names(name):
    assert real_name_validate(name)


def test_name_dot_variants_normalised():
    assert real_name_validate("买买提•依明") == "买买提·依明"


@pytest.mark.parametrize("name", ["王", "Wang Wei", "王伟1", "·王伟", "王伟·", "王" * 21])
def test_invalid_names(name):
    with pytest.raises(ValidationError) as exc_info:
        real_name_validate(name)
    assert "2至20个汉字" in _messages(exc_info)


# --- identity_verify ------------------------------------------------------------------------


def test_verify_creates_identity_with_member_id(db):
    user = UserFactory()
    number = make_id_number(county="130104", birth="19910502", sequence=158)
    identity = identity_verify(user=user, real_name="刘鸿", id_number=number, consent=True)
    identity.refresh_from_db()
    assert identity.real_name == "刘鸿"
    assert identity.birth_date.isoformat() == "1991-05-02"
    assert identity.id_number_masked == number[:4] + "*" * 10 + number[-4:]
    assert identity.member_id == member_id_for_sequence(identity.pk)
    assert member_id_is_valid(identity.member_id)
    assert ConsentRecord.objects.filter(
        user=user, kind=ConsentRecord.Kind.ID_NUMBER, withdrawn_at__isnull=True
    ).exists()
    assert AuditLog.objects.filter(action="identity.verify", target_id=str(identity.pk)).exists()


def test_verify_requires_separate_consent_and_saves_nothing(db):
    user = UserFactory()
    with pytest.raises(ValidationError) as exc_info:
        identity_verify(user=user, real_name="王伟", id_number=make_id_number(), consent=False)
    assert "单独同意" in str(exc_info.value.message_dict["consent"])
    assert not DigitalIdentity.objects.filter(user=user).exists()
    assert not ConsentRecord.objects.filter(user=user, kind="id_number").exists()


def test_verify_reports_every_bad_field(db):
    user = UserFactory()
    with pytest.raises(ValidationError) as exc_info:
        identity_verify(user=user, real_name="W", id_number="123", consent=False)
    assert set(exc_info.value.message_dict) == {"real_name", "id_number", "consent"}
    assert not DigitalIdentity.objects.exists()


def test_duplicate_number_refused(db):
    number = make_id_number()
    make_identity(id_number=number)
    other = UserFactory()
    full_width = number.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    with pytest.raises(ValidationError) as exc_info:
        identity_verify(user=other, real_name="李建军", id_number=full_width, consent=True)
    assert exc_info.value.message_dict["id_number"] == ["该身份证号已被其他账号认证。"]
    assert not DigitalIdentity.objects.filter(user=other).exists()
    assert not ConsentRecord.objects.filter(user=other, kind="id_number").exists()


def test_second_verification_refused(db):
    identity = make_identity()
    with pytest.raises(ValidationError) as exc_info:
        identity_verify(
            user=identity.user, real_name="张建华", id_number=make_id_number(), consent=True
        )
    assert "已完成实名认证" in _messages(exc_info)
    assert DigitalIdentity.objects.filter(user=identity.user).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_give_one_identity(regions):
    number = make_id_number()
    users = [UserFactory(), UserFactory()]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def verify(user):
        try:
            barrier.wait(timeout=5)
            identity_verify(user=user, real_name="王伟", id_number=number, consent=True)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=verify, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "该身份证号已被其他账号认证。"]
    assert DigitalIdentity.objects.count() == 1


# --- member ID ------------------------------------------------------------------------------


def test_member_id_format_and_check_character():
    member_id = member_id_for_sequence(42)
    assert member_id[:12] == "130000000042"
    assert len(member_id) == 13
    assert member_id[-1] == mod_11_2.calc_check_digit("130000000042")
    assert mod_11_2.is_valid(member_id)
    assert member_id_is_valid(member_id)
    altered = member_id[:5] + str((int(member_id[5]) + 1) % 10) + member_id[6:]
    assert not member_id_is_valid(altered)
    assert not member_id_is_valid("12" + member_id[2:])


def test_member_ids_unique_and_permanent(db):
    first, second = make_identity(), make_identity()
    assert first.member_id != second.member_id
    assert all(member_id_is_valid(i.member_id) for i in (first, second))


# --- external accounts ----------------------------------------------------------------------


def test_external_account_link_and_unlink(db):
    identity = make_identity()
    account = external_account_link(
        identity=identity, platform=ExternalAccount.Platform.ACFTU, external_id=" acftu-1 "
    )
    assert account.external_id == "acftu-1"
    again = external_account_link(
        identity=identity, platform=ExternalAccount.Platform.ACFTU, external_id="acftu-1"
    )
    assert again.pk == account.pk
    with pytest.raises(ValidationError) as exc_info:
        external_account_link(
            identity=identity, platform=ExternalAccount.Platform.ACFTU, external_id="acftu-2"
        )
    assert "已关联此平台" in _messages(exc_info)

    other = make_identity()
    with pytest.raises(ValidationError) as exc_info:
        external_account_link(
            identity=other, platform=ExternalAccount.Platform.ACFTU, external_id="acftu-1"
        )
    assert "已关联到其他身份" in _messages(exc_info)

    assert external_account_unlink(identity=identity, platform=ExternalAccount.Platform.ACFTU)
    assert not external_account_unlink(identity=identity, platform=ExternalAccount.Platform.ACFTU)
    assert external_account_link(
        identity=other, platform=ExternalAccount.Platform.ACFTU, external_id="acftu-1"
    )


def test_external_account_bad_input(db):
    identity = make_identity()
    with pytest.raises(ValidationError):
        external_account_link(identity=identity, platform="weibo", external_id="x")
    with pytest.raises(ValidationError):
        external_account_link(identity=identity, platform="acftu", external_id="  ")
    with pytest.raises(ValidationError) as exc_info:
        external_account_link(identity=identity, platform="other", external_id="x")
    assert "平台名称" in _messages(exc_info)
    assert not ExternalAccount.objects.exists()
