"""The installable app's files (manifest, service worker, offline page, icons) and the
member's push opt-in endpoints."""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from core.models import PushSubscription
from tests.accounts.factories import UserFactory
from tests.core.push_server import Browser

pytestmark = pytest.mark.django_db

STATIC = Path(settings.BASE_DIR) / "static"
FCM = "https://fcm.googleapis.com/fcm/send/"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG header (signature, then the IHDR chunk)."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", path
    return struct.unpack(">II", head[16:24])


def test_manifest_has_what_an_install_needs(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    assert manifest["name"] == "职工之家·河北" and manifest["short_name"] == "职工之家"
    assert manifest["start_url"] == "/?source=pwa" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone" and manifest["lang"] == "zh-CN"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    css = (STATIC / "css" / "portal.css").read_text()
    assert f"--red: {manifest['theme_color']}" in css
    assert f"--bg: {manifest['background_color']}" in css
    seen = set()
    for icon in manifest["icons"]:
        assert icon["src"].startswith(settings.STATIC_URL), "served by the site, no CDN"
        path = STATIC / icon["src"].removeprefix(settings.STATIC_URL)
        width, height = png_size(path)
        assert icon["sizes"] == f"{width}x{height}" and icon["type"] == "image/png"
        seen.add((width, icon["purpose"]))
    assert {(192, "any"), (512, "any"), (512, "maskable")} <= seen


def test_apple_touch_icon_is_180_px():
    assert png_size(STATIC / "img" / "pwa" / "apple-touch-icon-180.png") == (180, 180)


def test_every_page_links_the_manifest_and_the_worker_script(client):
    html = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'name="theme-color" content="#c8161d"' in html
    assert 'data-sw="/sw.js"' in html
    assert "apple-touch-icon-180.png" in html


def test_service_worker_is_served_from_the_root_for_the_whole_site(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    body = response.content.decode()
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", body).group(1))
    assert "/offline/" in precache and "/static/css/portal.css" in precache
    assert re.search(r'const VERSION = "[0-9a-f]{16}";', body)
    for prefix in ("/api/", "/admin/", "/auth/"):
        assert prefix in body  # passed through, never answered from a cache
    assert "{{" not in body and "{%" not in body


def test_the_worker_version_changes_with_a_shell_file(client, settings, tmp_path):
    before = re.search(r'VERSION = "(\w+)"', client.get("/sw.js").content.decode()).group(1)
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "portal.css").write_text("body { color: red; }")
    settings.STATICFILES_DIRS = [static, *settings.STATICFILES_DIRS]
    after = re.search(r'VERSION = "(\w+)"', client.get("/sw.js").content.decode()).group(1)
    assert before != after


def test_offline_page_is_chinese_and_carries_nobodys_data(client):
    user = UserFactory(display_name="王伟隐私甲")
    client.force_login(user)
    response = client.get("/offline/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "网络未连接" in html and "12351" in html
    assert "王伟隐私甲" not in html and "csrfmiddlewaretoken" not in html
    assert "http://" not in html and "https://" not in html  # nothing from elsewhere


# --- the push opt-in ------------------------------------------------------------------------


def subscription(name: str = "a") -> dict:
    browser = Browser()
    return {"endpoint": FCM + name, "keys": {"p256dh": browser.p256dh, "auth": browser.auth}}


def post(client: Client, name: str, payload) -> tuple[int, dict]:
    body = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
    response = client.post(reverse(name), body, content_type="application/json")
    try:
        return response.status_code, json.loads(response.content)
    except ValueError:
        return response.status_code, {}


def test_notices_page_shows_the_push_control_with_the_public_key(client):
    client.force_login(UserFactory())
    html = client.get(reverse("accounts:notices")).content.decode()
    assert "开启手机推送" in html and "关闭推送" in html
    assert re.search(r'data-public-key="[A-Za-z0-9_-]{87}"', html)


def test_without_push_configured_the_control_is_not_shown(client, settings):
    settings.WEB_PUSH_VAPID_PRIVATE_KEY = ""
    settings.IDENTITY_DEV_KEYS = False
    client.force_login(UserFactory())
    assert "开启手机推送" not in client.get(reverse("accounts:notices")).content.decode()
    status, data = post(client, "accounts:push_subscribe", subscription())
    assert status == 400 and "暂未开通" in data["error"]


def test_anonymous_cannot_subscribe(client):
    response = client.post(
        reverse("accounts:push_subscribe"), json.dumps(subscription()), "application/json"
    )
    assert response.status_code == 302 and "/auth/login/" in response["Location"]
    assert not PushSubscription.objects.exists()


def test_member_subscribes_and_unsubscribes(client):
    user = UserFactory()
    client.force_login(user)
    sub = subscription()
    status, data = post(client, "accounts:push_subscribe", sub)
    assert status == 201 and data["subscribed"] is True
    saved = PushSubscription.objects.get()
    assert saved.user == user and saved.p256dh == sub["keys"]["p256dh"]
    status, data = post(client, "accounts:push_unsubscribe", {"endpoint": sub["endpoint"]})
    assert status == 200 and data == {"subscribed": False, "deleted": True}
    assert not PushSubscription.objects.exists()


def test_signing_out_ends_the_push_turned_on_in_that_session(client):
    user = UserFactory()
    client.force_login(user)
    sub = subscription()
    post(client, "accounts:push_subscribe", sub)
    elsewhere = Client()
    elsewhere.force_login(user)
    other_sub = subscription("b")
    post(elsewhere, "accounts:push_subscribe", other_sub)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    # Only the phone that signed out stops; the member's other browser keeps its push.
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [
        other_sub["endpoint"]
    ]


def test_the_quiet_check_on_load_never_subscribes_anyone(client):
    """A browser still subscribed from the member before it (timed out on a shared phone):
    the next member's page load must not take the subscription over."""
    before, after = UserFactory(), UserFactory()
    client.force_login(before)
    sub = subscription()
    post(client, "accounts:push_subscribe", sub)
    client.force_login(after)
    status, data = post(client, "accounts:push_subscribe", {**sub, "refresh": True})
    assert status == 200 and data == {"subscribed": False}
    assert not PushSubscription.objects.exists()
    # Nobody's subscription at all: still nothing saved without the click.
    status, data = post(client, "accounts:push_subscribe", {**sub, "refresh": True})
    assert data == {"subscribed": False} and not PushSubscription.objects.exists()


def test_the_quiet_check_renews_the_members_own_keys(client):
    user = UserFactory()
    client.force_login(user)
    sub = subscription()
    post(client, "accounts:push_subscribe", sub)
    renewed = {**subscription(), "endpoint": sub["endpoint"], "refresh": True}
    status, data = post(client, "accounts:push_subscribe", renewed)
    assert status == 200 and data == {"subscribed": True}
    assert PushSubscription.objects.get().p256dh == renewed["keys"]["p256dh"]


def test_another_member_cannot_unsubscribe_someone_else(client):
    owner = UserFactory()
    client.force_login(owner)
    sub = subscription()
    post(client, "accounts:push_subscribe", sub)
    other = Client()
    other.force_login(UserFactory())
    status, data = post(other, "accounts:push_unsubscribe", {"endpoint": sub["endpoint"]})
    assert status == 200 and data["deleted"] is False
    assert PushSubscription.objects.get().user == owner


@pytest.mark.parametrize(
    "payload,message",
    [
        (b"{not json", "请求格式无效"),
        ("[1, 2]", "请求格式无效"),
        ({"endpoint": "http://fcm.googleapis.com/x", "keys": {}}, "https"),
        ({"endpoint": "https://10.0.0.5/x", "keys": subscription()["keys"]}, "推送地址"),
        ({"endpoint": FCM + "x", "keys": "nope"}, "公钥"),
        ({"endpoint": FCM + "x" * 5000}, "请求格式无效"),
    ],
)
def test_bad_input_is_a_chinese_400(client, payload, message):
    client.force_login(UserFactory())
    status, data = post(client, "accounts:push_subscribe", payload)
    assert status == 400 and message in data["error"]
    assert not PushSubscription.objects.exists()


def test_unsubscribe_needs_an_endpoint(client):
    client.force_login(UserFactory())
    status, data = post(client, "accounts:push_unsubscribe", {})
    assert status == 400 and "请求格式无效" in data["error"]


def test_subscribing_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    status, _ = post(client, "accounts:push_subscribe", subscription())
    assert status == 403
    assert not PushSubscription.objects.exists()
