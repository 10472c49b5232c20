"""Writes for accounts. Every creation of a user goes through here."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from accounts.validators import normalize_mobile


@transaction.atomic
def user_create(
    *,
    phone: str,
    password: str | None,
    display_name: str = "",
    email: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Create a user after full model validation.

    Raises ``ValidationError`` (Chinese messages) for a malformed or taken number or email;
    nothing is saved then.
    """
    user = User(
        phone=normalize_mobile(phone),
        display_name=display_name,
        email=User.objects.normalize_email(email),
        is_staff=is_staff or is_superuser,
        is_superuser=is_superuser,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_update_profile(*, user: User, display_name: str) -> User:
    """Change what the portal calls the member. Raises ``ValidationError`` if too long."""
    user.display_name = display_name.strip()
    user.full_clean(validate_unique=False, validate_constraints=False)
    user.save(update_fields=["display_name"])
    return user
