"""The live server's data, in one Django process (each start costs seconds): run by the e2e
fixture as ``python -m tests.e2e.prepare`` with the server's environment.

Migrates the fresh database, loads ``seed_demo``, gives the staff who work in the admin a
TOTP authenticator (as each would have set one up; the setup flow itself is tested in
tests/accounts/test_auth_mfa.py) and adds one approved courier per screen size for the
welcome-pack journey (the joining path is journey 1's). Prints ``E2E=<json>`` with the
TOTP secrets.
"""

from __future__ import annotations

import io
import json

import django

STAFF_WITH_TOTP = ["13900000001", "13900000002", "13900000003", "13900000004"]
#: A courier of 三河市新就业形态联合工会 for each screen size of journey 7.
COURIERS = {"desktop": ("13600000001", "快递员马涛"), "phone": ("13600000002", "快递员杨帆")}
DEMO_PASSWORD = "Hebei-12351-demo"


def _totp_for_staff() -> dict[str, str]:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from accounts.selectors.users import user_get_by_phone

    secrets = {}
    for phone in STAFF_WITH_TOTP:
        user = user_get_by_phone(phone=phone)
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
        secrets[phone] = generate_totp_secret()
        TOTP.activate(user, secrets[phone])
    return secrets


def _couriers() -> None:
    from accounts.models import ConsentRecord, UnionOrganization
    from accounts.selectors.users import user_get_by_phone
    from accounts.services import membership
    from accounts.services.auth import user_phone_mark_verified
    from accounts.services.privacy import consent_grant
    from accounts.services.users import user_create

    union = UnionOrganization.objects.get(name="三河市新就业形态联合工会")
    officer = user_get_by_phone(phone="13900000004")
    for phone, name in COURIERS.values():
        user = user_create(phone=phone, password=DEMO_PASSWORD, display_name=name)
        user_phone_mark_verified(user=user)
        consent_grant(user=user, kind=ConsentRecord.Kind.PRIVACY_POLICY)
        application = membership.membership_application_submit(
            user=user,
            organization=union,
            employer="三河市燕郊镇快递服务站",
            occupation="快递员",
            employment_form="new_form",
        )
        membership.membership_application_approve(application=application, officer=officer)


def main() -> None:
    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    secrets = _totp_for_staff()
    _couriers()
    cache.clear()  # rate-limit counters and used TOTP codes of an earlier run
    print("E2E=" + json.dumps({"totp": secrets}))


if __name__ == "__main__":
    main()
