"""What every journey does: sign in as a person would, check the page fits a phone, take a
screenshot for the README, run axe-core."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import DEMO_PASSWORD, PHONE, SCREENSHOTS, LivePortal

# Every visible control must lie inside the viewport horizontally, unless it sits in a box
# that scrolls sideways on purpose (the main navigation, wide tables): then it is reached by
# scrolling that box. Returns the controls that cannot be reached.
UNREACHABLE_CONTROLS_JS = """
() => {
  const width = window.innerWidth;
  const scrollsSideways = (el) => {
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (['auto', 'scroll'].includes(style.overflowX) && node.scrollWidth > node.clientWidth) {
        return true;
      }
    }
    return false;
  };
  const out = [];
  for (const el of document.querySelectorAll(
      'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]')) {
    const rect = el.getBoundingClientRect();
    // Invisible inputs under a styled control (unfold's file inputs) are reached through it.
    if (rect.width === 0 || rect.height === 0 ||
        !el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    if (el.closest('.skip-link, .visually-hidden')) continue;
    if ((rect.left < -1 || rect.right > width + 1) && !scrollsSideways(el)) {
      out.push(`${el.tagName.toLowerCase()} "${(el.innerText || el.name || el.id || '').trim()
        .slice(0, 30)}" at ${Math.round(rect.left)}..${Math.round(rect.right)}`);
    }
  }
  return out;
}
"""


def is_phone(page: Page) -> bool:
    return (page.viewport_size or {}).get("width", 0) <= PHONE["width"]


def assert_fits(page: Page) -> None:
    """On a phone nothing overflows sideways and every control can be reached."""
    if not is_phone(page):
        return
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} overflows sideways: {widths[0]} > {widths[1]} px"
    unreachable = page.evaluate(UNREACHABLE_CONTROLS_JS)
    assert not unreachable, f"{page.url}: controls outside a 375 px screen: {unreachable}"


def goto(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)
    assert_fits(page)


def shoot(page: Page, name: str) -> None:
    """A phone-size screenshot of the top of the page for the README (phone runs only)."""
    if not is_phone(page):
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path), full_page=False, animations="disabled")
    assert path.stat().st_size > 5_000, f"{path} looks empty"


def submit(page: Page, name: str | re.Pattern) -> None:
    """Press a button by its visible name and wait for the next page."""
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def _password_step(page: Page, portal: LivePortal, phone: str) -> None:
    page.get_by_label("手机号码").fill(phone)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.locator("form.auth-form").get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    if "/auth/phone/verify/" in page.url:
        # A number never confirmed before gets an SMS code first (allauth).
        page.locator("input[name=code]").fill(portal.sms_code(phone))
        page.get_by_role("button", name="确认").click()
        page.wait_for_load_state()
    if "/auth/2fa/authenticate/" in page.url:
        # Staff who set up TOTP give their authenticator's code wherever they sign in.
        page.locator("form.auth-form input[name=code]").fill(portal.totp_code(phone))
        page.locator("form.auth-form").get_by_role("button", name="登录").click()
        page.wait_for_load_state()


def sign_in(page: Page, portal: LivePortal, phone: str, *, next_path: str = "/") -> None:
    """Number and password at /auth/login/, as the demo people do."""
    goto(page, f"/auth/login/?next={quote(next_path)}")
    _password_step(page, portal, phone)
    expect(page.locator(".header-tools")).to_contain_text("退出")


def sign_in_admin(
    page: Page, portal: LivePortal, phone: str, *, next_path: str = "/admin/"
) -> None:
    """Staff: password, then the TOTP code of their authenticator, then the admin."""
    goto(page, f"/admin/login/?next={quote(next_path)}")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    _password_step(page, portal, phone)
    assert "/admin/" in page.url, page.url


def sign_out(page: Page) -> None:
    page.locator(".header-tools").get_by_role("button", name="退出").click()
    page.wait_for_load_state()


def axe_violations(page: Page, axe_js: Path) -> list[str]:
    """Serious and critical axe-core violations of the page as it is now."""
    page.add_script_tag(path=str(axe_js))
    violations = page.evaluate(
        """async () => {
          const result = await axe.run(document, {resultTypes: ['violations']});
          return result.violations
            .filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => `${v.impact} ${v.id}: ${v.help} — ` +
                      v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
        }"""
    )
    return violations


def admin_action(page: Page, *, row_text: str, action: str) -> None:
    """Tick the one changelist row showing ``row_text`` and run an admin action on it."""
    rows = page.locator("#result_list tbody tr", has_text=row_text)
    expect(rows).to_have_count(1)
    rows.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(action)
    page.locator("button[name=index]").click()
    page.wait_for_load_state()


def select_containing(select: Locator, text: str) -> str:
    """Choose the first option of a <select> whose label contains ``text``; returns it."""
    for option in select.locator("option").all():
        label = option.inner_text().strip()
        if text in label:
            select.select_option(value=option.get_attribute("value"))
            return label
    raise AssertionError(f"no option with {text!r} in {select.locator('option').all_inner_texts()}")
