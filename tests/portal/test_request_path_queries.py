"""The signed-in pages bench/request_path.py measures, each held to a number of queries (issue
19): a page whose queries grow with a new feature or a lost select_related fails here, long
before it shows in a load test. /me/ is held in tests/accounts/test_me.py."""

import pytest
from django.urls import reverse

from accounts.services.privacy import consent_grant
from tests.accounts.factories import UserFactory, make_card_holder
from tests.learning.factories import make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(union_tree):
    user = UserFactory(phone="13800000031", display_name="李秀英")
    make_card_holder(organization=union_tree["factory"], user=user, verified=False)
    consent_grant(user=user, kind="privacy_policy")
    return user


def _held(client, path, limit, assert_max):
    client.get(path)  # warms the per-process region tree and caches, as a running site has
    with assert_max(limit):
        assert client.get(path).status_code == 200


def test_signed_in_city_page(client, member, django_assert_max_num_queries):
    client.force_login(member)
    _held(client, "/hebei/langfang/", 3, django_assert_max_num_queries)


def test_signed_in_course_page(client, member, django_assert_max_num_queries):
    course = make_course()
    client.force_login(member)
    path = reverse("learning:course_detail", args=[course.pk])
    _held(client, path, 6, django_assert_max_num_queries)


def test_signed_in_points_api(client, member, django_assert_max_num_queries):
    client.force_login(member)
    _held(client, "/api/me/points/", 4, django_assert_max_num_queries)


def test_anonymous_is_not_let_into_the_points_api(client, regions):
    assert client.get("/api/me/points/").status_code in {401, 403}
