"""The installable app, checked the way Lighthouse's PWA audits do: the manifest is linked
and valid (name, start URL, scope, standalone display, 192 and 512 px icons that load), a
service worker controls the whole site, and with the network off a page never opened before
shows the Chinese offline page instead of the browser's error."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE
from tests.e2e.helpers import goto, sign_in

pytestmark = pytest.mark.postgres

FETCH_JSON = """async (url) => {
  const r = await fetch(url);
  return [r.status, r.headers.get("content-type"), await r.json()];
}"""
ICON_SIZE = """async (url) => {
  const r = await fetch(url);
  const blob = await r.blob();
  const bitmap = await createImageBitmap(blob);
  return [r.status, blob.type, bitmap.width, bitmap.height];
}"""


def test_manifest_is_linked_and_valid(live_portal, new_page):
    page = new_page(PHONE)
    goto(page, "/")
    href = page.locator("link[rel=manifest]").get_attribute("href")
    assert href == "/manifest.webmanifest"
    status, content_type, manifest = page.evaluate(FETCH_JSON, href)
    assert status == 200 and content_type.startswith("application/manifest+json")
    assert manifest["name"] == "职工之家·河北" and manifest["short_name"]
    assert manifest["start_url"].startswith("/") and manifest["scope"] == "/"
    assert manifest["display"] in ("standalone", "fullscreen", "minimal-ui")
    assert manifest["lang"] == "zh-CN"
    assert (
        page.locator("meta[name=theme-color]").get_attribute("content") == manifest["theme_color"]
    )
    sizes = {}
    for icon in manifest["icons"]:
        assert icon["src"].startswith("/static/"), "icons come from this site, not a CDN"
        status, kind, width, height = page.evaluate(ICON_SIZE, icon["src"])
        assert (status, kind) == (200, "image/png"), icon
        assert icon["sizes"] == f"{width}x{height}", icon
        sizes.setdefault(icon.get("purpose", "any"), set()).add(width)
    assert {192, 512} <= sizes["any"] and 512 in sizes["maskable"]


def test_service_worker_controls_the_site_and_serves_the_offline_page(live_portal, new_page):
    page = new_page(PHONE)
    goto(page, "/")
    scope = page.evaluate("() => navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope == live_portal.url + "/"
    # The next navigation goes through the worker (clients.claim() took this page over).
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    goto(page, "/jobs/")
    assert page.evaluate("() => navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")

    page.context.set_offline(True)
    try:
        # Never opened in this browser, and pages are never kept: only the offline page.
        response = page.goto("/hotline/")
        assert response is not None and response.status == 200
        expect(page.get_by_role("heading", level=1)).to_have_text("网络未连接")
        expect(page.locator("main")).to_contain_text("没有联网")
        expect(page.locator("main")).to_contain_text("12351")
        assert page.url.endswith("/hotline/")
        # Its stylesheet came from the worker's cache too: the page is styled.
        colour = page.evaluate(
            "() => getComputedStyle(document.querySelector('.site-header')).backgroundColor"
        )
        assert colour == "rgb(200, 22, 29)"
    finally:
        page.context.set_offline(False)
    goto(page, "/hotline/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("网络未连接")


def test_member_sees_the_push_control_on_notices(live_portal, new_page):
    page = new_page(PHONE)
    sign_in(page, live_portal, "13800000001", next_path="/me/notices/")
    control = page.locator(".push-control")
    expect(control).to_be_visible()
    expect(control.get_by_role("button", name="开启手机推送")).to_be_visible()
    key = control.get_attribute("data-public-key")
    assert key and len(key) == 87  # base64url of a 65-byte P-256 point
