"""What every part of the province generator shares: the per-member counts, the
province's shape, the people table and the resident-ID maker (``portal.scale.build``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from stdnum.cn import ric

from regions.models import Region

#: Scale members' numbers: 170 + an 8-digit sequence (a virtual-operator prefix no demo
#: user has); staff made by the generator use 171.
MEMBER_PHONE_PREFIX = "170"
STAFF_PHONE_PREFIX = "171"
#: Every generated account has this password, so a load test can sign anyone in.
SCALE_PASSWORD = "Hebei-scale-2026"  # noqa: S105

USER_COLUMNS = [
    "id",
    "phone",
    "display_name",
    "password",
    "is_staff",
    "is_superuser",
    "is_active",
    "date_joined",
    "phone_verified_at",
    "privacy_consent_version",
]
CONSENT_COLUMNS = ["id", "user_id", "kind", "version", "granted_at"]

BASE = {
    "members": 530_000,
    "hotline_requests": 1_000_000,
    "job_posts": 100_000,
    "resumes": 200_000,
    "employers": 5_000,
    "activities": 3_000,
}


@dataclass
class Province:
    province: Region
    cities: list[Region]
    counties: list[Region]
    city_of: dict[int, int]  # county id → city id
    code_of: dict[int, str]  # region id → code


@dataclass
class People:
    ids: list[int] = field(default_factory=list)
    county: list[int] = field(default_factory=list)
    joined: list[dt.datetime] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    union: list[int | None] = field(default_factory=list)  # active membership's union
    employer: list[str] = field(default_factory=list)
    occupation: list[str] = field(default_factory=list)


_VALID_PREFIX: dict[tuple[str, int], str] = {}


def resident_id_number(county_code: str, birth: dt.date, seq: int) -> str:
    """A resident ID number that python-stdnum (and so the identity form) accepts: the
    county's code if it already existed in the birth year, else the city's, else the
    province's (codes change: 肥乡区 is 130407 only since 2016; stdnum knows few before 1980)."""
    key = (county_code, birth.year)
    prefix = _VALID_PREFIX.get(key)
    if prefix is None:
        for candidate in (county_code, f"{county_code[:4]}00", "130000"):
            body = f"{candidate}{birth:%Y%m%d}000"
            try:
                ric.validate(body + ric.calc_check_digit(body + "0"))
            except Exception:  # noqa: BLE001, S112 - try the next candidate
                continue
            prefix = candidate
            break
        _VALID_PREFIX[key] = prefix or "130000"
        prefix = _VALID_PREFIX[key]
    body = f"{prefix}{birth:%Y%m%d}{seq:03d}"
    # calc_check_digit expects a full-length number: its last character is dropped.
    return body + ric.calc_check_digit(body + "0")
