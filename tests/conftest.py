"""Shared fixtures, and the rule for tests that need a real service.

A test marked ``postgres`` or ``redis`` is skipped, with the variable to set, when that service
is not configured; under ``CI=true`` it fails instead, so CI can never pass by skipping.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.test.client import ClientHandler

from core.resolve import ResolveMemoMixin
from regions.services import region_import_from_csv

# The test client's handler resolves URLs as the production one (core.resolve.PortalWSGIHandler)
# does, so every request of the suite goes through the memo.
ClientHandler.resolve_request = ResolveMemoMixin.resolve_request

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _service_problem(marker: str) -> str | None:
    if marker == "postgres":
        engine = settings.DATABASES["default"]["ENGINE"]
        if engine != "django.db.backends.postgresql":
            return "needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test"
    if marker == "redis" and not settings.REDIS_URL:
        return "needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0"
    return None


def _group_lost(item: pytest.Item) -> bool:
    """Whether ``--dist loadgroup`` failed to group this test: xdist marks a grouped test by a
    node id suffix ("…@e2e"); pytest 9.2 made that silently ineffective
    (pytest-dev/pytest-xdist#1386), and so does a marker added after xdist looked. The browser
    journeys then spread over both workers and each starts a live server of its own."""
    if not getattr(item.config.option, "loadgroup", False):  # set on xdist's workers only
        return False
    grouped = item.get_closest_marker("xdist_group") is not None
    return grouped and "@" not in item.nodeid.rpartition("]")[2]


def pytest_runtest_setup(item: pytest.Item) -> None:
    if _group_lost(item):
        pytest.fail(
            "pytest-xdist did not group this xdist_group test (no @group suffix on its node id)",
            pytrace=False,
        )
    for marker in ("postgres", "redis"):
        if item.get_closest_marker(marker) is None:
            continue
        problem = _service_problem(marker)
        if problem is None:
            continue
        if IN_CI:
            pytest.fail(f"CI=true but this test {problem}", pytrace=False)
        pytest.skip(problem)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real region tree once into the test database: every module is scoped by it."""
    with django_db_blocker.unblock():
        region_import_from_csv(path=settings.REGIONS_DATA_FILE)


@pytest.fixture
def regions(db):
    """The region tree, reloaded if a transactional test flushed it."""
    from regions.models import Region

    if not Region.objects.exists():
        region_import_from_csv(path=settings.REGIONS_DATA_FILE)
    from regions.selectors import region_tree

    return region_tree()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache, so cached trees and pages cannot leak between them."""
    from django.core.cache import cache

    from core.pagecache import pagecache_local_clear
    from regions.selectors import region_tree_local_clear

    cache.clear()
    pagecache_local_clear()
    region_tree_local_clear()
    yield
    cache.clear()
    pagecache_local_clear()
    region_tree_local_clear()


@pytest.fixture
def union_tree(regions):
    """A small organisation tree over real regions:

    省总工会 (130000) → 石家庄市总工会 (130100) → 长安区总工会 (130102) → 某装备制造公司工会
    省总工会 → 廊坊市总工会 (131000) → 三河市总工会 (131082) → 三河市新就业形态联合工会
    """
    from accounts.models import UnionOrganization
    from tests.accounts.factories import make_union

    kind = UnionOrganization.Kind
    province = make_union(
        name="河北省总工会", kind=kind.PROVINCIAL_FEDERATION, region_code="130000"
    )
    sjz = make_union(
        name="石家庄市总工会", kind=kind.CITY_FEDERATION, region_code="130100", parent=province
    )
    changan = make_union(
        name="长安区总工会", kind=kind.COUNTY_FEDERATION, region_code="130102", parent=sjz
    )
    factory_union = make_union(
        name="石家庄重型装备制造有限公司工会",
        kind=kind.GRASSROOTS,
        region_code="130102",
        parent=changan,
        employer_name="石家庄重型装备制造有限公司",
    )
    langfang = make_union(
        name="廊坊市总工会", kind=kind.CITY_FEDERATION, region_code="131000", parent=province
    )
    sanhe = make_union(
        name="三河市总工会", kind=kind.COUNTY_FEDERATION, region_code="131082", parent=langfang
    )
    joint = make_union(
        name="三河市新就业形态联合工会",
        kind=kind.JOINT,
        region_code="131082",
        parent=sanhe,
        trades="快递员、网约配送员、货车司机",
    )
    return {
        "province": province,
        "sjz": sjz,
        "changan": changan,
        "factory": factory_union,
        "langfang": langfang,
        "sanhe": sanhe,
        "joint": joint,
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests hash hundreds of passwords. A test that checks the
    production hasher sets ``settings.PASSWORD_HASHERS`` back itself."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]
