"""Signing in with the national 职工之家 identity (issue 21), in Chromium, against panva's
oidc-provider as the national platform (started by conftest.live_portal)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE
from tests.e2e.helpers import assert_fits, goto, sign_out

pytestmark = pytest.mark.postgres

BUTTON = "使用全国总工会职工之家账号登录"


def _sign_in_at_the_national_platform(page: Page, portal, login: str | None) -> None:
    """The national platform's own pages: its sign-in form, then its consent prompt.
    ``login=None``: already signed in there, the platform sends the member straight back."""
    if login is not None:
        page.wait_for_url(re.compile("^" + re.escape(portal.national_issuer)))
        page.locator("input[name=login]").fill(login)
        page.locator("input[name=password]").fill("any password the stand-in accepts")
        page.locator("button[type=submit]").first.click()
        page.wait_for_load_state()
        if page.url.startswith(portal.national_issuer):  # the consent prompt
            page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile("^" + re.escape(portal.url)))
    page.wait_for_load_state()


def test_wang_wei_signs_in_with_the_national_identity_and_unlinks_it(live_portal, new_page):
    page = new_page(PHONE)
    goto(page, "/auth/login/?next=/me/identity/")
    page.get_by_role("button", name=BUTTON).click()

    _sign_in_at_the_national_platform(page, live_portal, "wangwei")

    # Back signed in as 王伟 of the demo: his verified number linked the accounts.
    assert page.url.endswith("/me/identity/"), page.url
    expect(page.locator(".header-tools")).to_contain_text("退出")
    expect(page.locator("main")).to_contain_text("已关联：王伟")
    assert_fits(page)

    page.get_by_role("button", name="解除关联").click()
    expect(page.locator(".messages")).to_contain_text("已解除与全国总工会职工之家账号的关联")
    expect(page.get_by_role("button", name="关联全国总工会职工之家账号")).to_be_visible()


def test_an_unverified_national_number_is_confirmed_by_sms_before_anything_is_linked(
    live_portal, new_page
):
    page = new_page(PHONE)
    goto(page, "/auth/code/")
    page.get_by_role("button", name=BUTTON).click()

    _sign_in_at_the_national_platform(page, live_portal, "courier")

    # Refused as it stands: nothing signed in, created or linked on an unverified number.
    assert "/auth/national/continue/" in page.url, page.url
    expect(page.locator("main")).to_contain_text("手机号码未经验证")
    expect(page.locator(".header-tools")).not_to_contain_text("退出")

    page.get_by_role("link", name="用短信验证码确认手机号码").click()
    page.get_by_label("手机号码").fill("13900000077")
    page.get_by_role("button", name="获取验证码").click()
    page.locator("input[name=code]").fill(live_portal.sms_code("13900000077"))
    page.get_by_label("我已阅读并同意《隐私政策》").check()
    page.locator("form.auth-form").get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/auth/national/continue/"))

    page.get_by_role("button", name="确认关联").click()
    expect(page.locator(".messages")).to_contain_text("已关联全国总工会职工之家账号")

    # From now on the national account alone signs the courier in.
    sign_out(page)
    goto(page, "/auth/login/")
    page.get_by_role("button", name=BUTTON).click()
    _sign_in_at_the_national_platform(page, live_portal, None)
    expect(page.locator(".header-tools")).to_contain_text("退出")
