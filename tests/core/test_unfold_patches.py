"""The change-list header fix (portal/unfold_patches.py): one header build per page, the
same HTML as unfold renders without it."""

from __future__ import annotations

import pytest
from unfold.templatetags import unfold_list

from core import unfold_patches
from tests.accounts.factories import UserFactory
from tests.hotline.factories import make_request

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/hotline/hotlinerequest/"


@pytest.fixture
def superuser_client(client, settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def twelve_requests(regions):
    return [make_request(title=f"拖欠工资第{n}号诉求") for n in range(12)]


def test_patch_is_applied_at_startup():
    assert getattr(unfold_list.result_headers, "portal_memoised", False)
    assert unfold_patches.apply() is True  # idempotent


def test_headers_built_once_per_page(superuser_client, twelve_requests, monkeypatch):
    original = unfold_list.result_headers.__wrapped__
    calls = []

    def counting(cl):
        calls.append(cl)
        return original(cl)

    monkeypatch.setattr(unfold_list, "result_headers", unfold_patches._memoised(counting))
    response = superuser_client.get(LIST_URL)
    assert response.status_code == 200
    assert response.content.decode().count("拖欠工资第") == 12
    # Without the fix: once for the header row and once more for each of the 12 rows.
    assert len(calls) == 1


def test_same_html_as_unpatched(superuser_client, twelve_requests, monkeypatch):
    patched = superuser_client.get(LIST_URL + "?o=-1").content
    monkeypatch.setattr(unfold_list, "result_headers", unfold_list.result_headers.__wrapped__)
    unpatched = superuser_client.get(LIST_URL + "?o=-1").content

    def strip_tokens(html: bytes) -> bytes:
        # The CSRF token and CSP nonce differ between any two responses.
        import re

        return re.sub(rb'(csrfmiddlewaretoken" value="|nonce=")[^"]+', rb"\1", html)

    assert strip_tokens(patched) == strip_tokens(unpatched)


def test_row_checkbox_renders_as_unfold_does():
    from django.contrib.admin import helpers
    from django.utils import translation
    from unfold import admin as unfold_admin

    patched = unfold_admin.checkbox
    assert getattr(patched, "portal_prerendered", False)
    original = patched.widget
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for value in ("1", "12345", 'a"<b>&', "中文"):
                expected = original.render(helpers.ACTION_CHECKBOX_NAME, value)
                assert patched.render(helpers.ACTION_CHECKBOX_NAME, value) == expected


def test_value_dependent_widget_is_rendered_each_time():
    from django import forms

    checkbox = unfold_patches.PrerenderedCheckbox(forms.CheckboxInput())  # checked if truthy
    assert "checked" in checkbox.render("x", "1")
    assert "checked" not in checkbox.render("x", "")
