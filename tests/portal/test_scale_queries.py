"""Every list page the load test visits stays at a fixed number of queries on a data set with
hundreds of rows per list (an N+1 would cost one query per row: 100 on an admin page)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from portal.scale.build import MEMBER_PHONE_PREFIX

pytestmark = pytest.mark.postgres

#: path → the most queries it may take (session, user, the page's own reads).
ADMIN_LISTS = {
    "/admin/hotline/hotlinerequest/": 12,
    "/admin/accounts/membership/": 12,
    "/admin/accounts/user/": 12,
    "/admin/accounts/digitalidentity/": 12,
    "/admin/jobs/jobpost/": 12,
    "/admin/jobs/resume/": 12,
}
MEMBER_PAGES = {
    "/me/": 25,
    "/hotline/": 15,
    "/learning/": 15,
    "/learning/practice/": 15,
    "/jobs/recommendations/": 15,
    "/jobs/?q=司机": 15,
}
PUBLIC_PAGES = {"/hebei/": 25, "/hebei/shijiazhuang/": 25, "/learning/": 12}


class _Sink:
    def write(self, *args, **kwargs) -> None:
        pass

    def flush(self) -> None:
        pass


def _measure(client, pages: dict[str, int]) -> dict[str, tuple[int, int, int]]:
    over = {}
    for path, budget in pages.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        if len(queries) > budget:
            over[path] = (len(queries), budget, response.status_code)
    return over


@pytest.fixture
def scale_data(db, regions, settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False
    call_command("seed_scale", scale=0.002, no_demo=True, stdout=_Sink())


def test_list_pages_hold_their_query_counts_on_scale_data(scale_data, client):
    from jobs.models import Resume

    admin = User.objects.create_superuser("13900009999", "x")
    client.force_login(admin)
    over = _measure(client, ADMIN_LISTS)

    # A member who has a matched résumé, courses and hotline requests.
    member = (
        User.objects.filter(
            phone__startswith=MEMBER_PHONE_PREFIX,
            pk__in=Resume.objects.values("user_id"),
            hotline_requests__isnull=False,
            course_enrollments__isnull=False,
        )
        .distinct()
        .first()
    )
    assert member is not None
    client.force_login(member)
    over |= _measure(client, MEMBER_PAGES)
    client.logout()
    over |= _measure(client, PUBLIC_PAGES)
    assert not over, f"pages over their query budget (queries, budget, status): {over}"
