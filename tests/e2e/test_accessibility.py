"""axe-core on the main pages, with the 大字版 off and on, at phone size; and the dashboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE
from tests.e2e.helpers import assert_fits, axe_violations, goto, shoot, sign_in

pytestmark = pytest.mark.postgres

# Pages a member uses most; {course} is filled in from the catalogue.
MAIN_PAGES = [
    "/",
    "/hebei/shijiazhuang/",
    "/learning/",
    "{course}",
    "/learning/practice/",
    "/learning/practice/question/?mode=random",
    "/jobs/",
    "/jobs/resume/",
    "/jobs/recommendations/",
    "/hotline/",
    "/me/card/",
    "/activities/",
]


@pytest.mark.parametrize("large_text", [False, True], ids=["standard", "large-text"])
def test_main_pages_have_no_serious_or_critical_axe_violations(
    live_portal, new_page, axe_js, large_text
):
    # axe-core is injected as a script of our own: the page's CSP would block it.
    page = new_page(PHONE, bypass_csp=True)
    sign_in(page, live_portal, "13800000002", next_path="/learning/")
    course = page.locator("main a[href*='/learning/courses/']").first.get_attribute("href")
    assert course, "the catalogue lists no course"
    if large_text:
        page.get_by_role("button", name="大字版").click()
        page.wait_for_load_state()
        expect(page.locator("html")).to_have_class("large-text")
    found: dict[str, list[str]] = {}
    for path in MAIN_PAGES:
        path = path.format(course=course)
        goto(page, path)
        if large_text:
            expect(page.get_by_role("button", name="标准版")).to_have_attribute(
                "aria-pressed", "true"
            )
        violations = axe_violations(page, axe_js)
        if violations:
            found[path] = violations
    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(
        f"{path}: {v}" for path, vs in found.items() for v in vs
    )


def test_insights_dashboard_for_provincial_staff(live_portal, new_page):
    page = new_page(PHONE)
    sign_in(page, live_portal, "13900000001", next_path="/insights/")
    response = page.goto("/insights/")
    assert response is not None and response.status == 200, response and response.status
    assert_fits(page)
    shoot(page, "dashboard")


def test_the_axe_check_can_fail(new_page, axe_js):
    """The harness itself: a page with an unlabelled field and an image without text."""
    page = new_page(PHONE)
    page.set_content(
        '<html lang="zh-CN"><title>t</title><main><input type="text">'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></html>'
    )
    violations = " ".join(axe_violations(page, axe_js))
    assert "label" in violations and "image-alt" in violations, violations
