"""The living portal: with the demo data loaded, every main page, every link on the member's
pages and every admin list answers without a server error, for each kind of user."""

import re
from io import StringIO

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User

PAGES = [
    "/", "/hebei/", "/hebei/langfang/", "/hebei/langfang/sanhe/", "/regions/choose/",
    "/regions/entry/", "/learning/", "/learning/competitions/", "/hotline/", "/jobs/",
    "/activities/", "/me/", "/me/card/", "/me/wallet/", "/me/membership/",
    "/me/membership/apply/", "/me/membership/transfer/", "/me/identity/", "/me/notices/",
    "/me/privacy/", "/sitemap.xml", "/api/docs/", "/auth/code/", "/auth/login/", "/privacy/",
    "/api/me/", "/api/articles/", "/api/hotline/requests/",
]  # fmt: skip
MEMBERS = ["13800000001", "13800000002", "13800000003", "13800000004"]
STAFF = ["13900000001", "13900000002", "13900000003", "13900000004"]


@pytest.fixture
def demo(regions, settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False  # the TOTP gate has its own tests
    call_command("seed_demo", stdout=StringIO())


def _client(phone=None) -> Client:
    client = Client(raise_request_exception=False)
    if phone:
        client.force_login(User.objects.get(phone=phone), backend="accounts.backends.ModelBackend")
    return client


def _is_error(path: str, status: int, signed_in: bool) -> bool:
    if status < 400 or status == 405:
        return False
    # The API asks an anonymous caller to sign in.
    return not (not signed_in and path.startswith("/api/") and status in (401, 403))


@pytest.mark.django_db
def test_every_page_and_link_answers_for_each_member(demo):
    failures = []
    for phone in [None, *MEMBERS]:
        client = _client(phone)
        for path in PAGES:
            response = client.get(path)
            if _is_error(path, response.status_code, phone is not None):
                failures.append((phone, path, response.status_code))
            if phone != MEMBERS[0] or "html" not in response.get("Content-Type", ""):
                continue
            for link in set(re.findall(r'href="(/[^"#]*)"', response.content.decode())):
                if link.startswith(("/static/", "/media/", "/admin/", "/auth/logout")):
                    continue
                status = client.get(link).status_code
                if _is_error(link, status, True):
                    failures.append((phone, f"{path} → {link}", status))
    assert failures == []


@pytest.mark.django_db
def test_every_admin_list_answers_for_each_staff_role(demo):
    failures = []
    for phone in STAFF:
        client = _client(phone)
        for model in admin.site._registry:
            opts = model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            response = client.get(url)
            superuser = phone == STAFF[0]
            if response.status_code >= 500 or (superuser and response.status_code != 200):
                failures.append((phone, url, response.status_code))
            if not superuser or response.status_code != 200:
                continue
            change = re.search(r'href="(/admin/\w+/\w+/\d+/change/)', response.content.decode())
            if change and client.get(change.group(1)).status_code != 200:
                failures.append((phone, change.group(1), "change"))
            add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
            if add.status_code >= 500:
                failures.append((phone, url, "add"))
    assert failures == []
