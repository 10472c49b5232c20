from __future__ import annotations

from accounts.models import User
from accounts.validators import normalize_mobile


def user_get_by_phone(*, phone: str) -> User | None:
    return User.objects.filter(phone=normalize_mobile(phone)).first()
