"""Demo real names: 王伟, 李师傅 and 刘鸿 verified with synthetic ID numbers, and 王伟 linked
to a national-federation (全国总工会职工之家) account. Idempotent."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from stdnum.cn import ric

from accounts import crypto
from accounts.models import DigitalIdentity, ExternalAccount
from accounts.selectors.users import user_get_by_phone
from accounts.services.identity import external_account_link, identity_verify


def synthetic_id_number(*, county: str, birth: str, sequence: int) -> str:
    """A number with a real county prefix, a real date and a valid check character, built
    here rather than copied: it belongs to nobody."""
    body = f"{county}{birth}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


# phone, real name, county code (GB/T 2260), birth date, order code
DEMO_IDENTITIES = [
    ("13800000001", "王伟", "130102", "19860314", 371),  # 石家庄市长安区
    ("13800000002", "李建军", "131082", "19930719", 213),  # 廊坊三河市 (code valid from 1993)
    ("13800000003", "刘鸿", "130104", "19910502", 158),  # 石家庄市桥西区
]
WANG_WEI_ACFTU_ID = "acftu-13-0000-8837214"


def seed(*, stdout) -> None:
    try:
        crypto.id_number_keys()
    except ImproperlyConfigured as exc:
        stdout.write(f"  identities skipped: {exc}")
        return
    for phone, real_name, county, birth, sequence in DEMO_IDENTITIES:
        user = user_get_by_phone(phone=phone)
        if user is None:
            stdout.write(f"  identity {phone}: user missing, run accounts demo first")
            continue
        identity = DigitalIdentity.objects.filter(user=user).first()
        state = "exists"
        if identity is None:
            identity = identity_verify(
                user=user,
                real_name=real_name,
                id_number=synthetic_id_number(county=county, birth=birth, sequence=sequence),
                consent=True,
            )
            state = "verified"
        stdout.write(
            f"  identity {phone} {identity.real_name} {identity.member_id} "
            f"{identity.id_number_masked} [{state}]"
        )
        if (
            phone == "13800000001"
            and not ExternalAccount.objects.filter(
                identity=identity, platform=ExternalAccount.Platform.ACFTU
            ).exists()
        ):
            external_account_link(
                identity=identity,
                platform=ExternalAccount.Platform.ACFTU,
                external_id=WANG_WEI_ACFTU_ID,
            )
            stdout.write(f"  identity {phone} linked to acftu:{WANG_WEI_ACFTU_ID}")
