import re

import pytest
from django.test import RequestFactory

from portal import views

pytestmark = pytest.mark.django_db


def test_large_text_toggle_is_remembered(client, regions):
    response = client.post("/prefs/large-text/", {"next": "/hebei/"})
    assert response.status_code == 302 and response["Location"] == "/hebei/"
    assert response.cookies["large_text"].value == "1"
    assert 'class="large-text"' in client.get("/hebei/").content.decode()
    response = client.post("/prefs/large-text/", {"next": "/hebei/"})
    assert response.cookies["large_text"].value == ""  # deleted
    assert 'class="large-text"' not in client.get("/hebei/").content.decode()


def test_large_text_toggle_refuses_an_offsite_next(client):
    response = client.post("/prefs/large-text/", {"next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_pages_load_no_asset_from_another_site(client, regions):
    html = client.get("/hebei/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    external = [s for s in sources if s.startswith(("http:", "https:", "//"))]
    assert external == []
    assert "/static/django_htmx/htmx-2.min.js" in html


def test_navigation_only_links_pages_that_exist(client, regions):
    html = client.get("/").content.decode()
    nav = html.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]
    links = re.findall(r'href="([^"]+)"', nav)
    assert "/" in links and "/regions/choose/" in links
    for link in links:
        response = client.get(link)
        # Member pages ask an anonymous visitor to sign in first; none may be missing.
        assert response.status_code == 200 or (
            response.status_code == 302 and "/auth/" in response["Location"]
        ), link


def test_friendly_404_in_chinese(client):
    response = client.get("/no/such/page/at/all/")
    assert response.status_code == 404
    assert "没有找到这个页面" in response.content.decode()


def test_friendly_403_and_500_in_chinese(rf: RequestFactory):
    request = rf.get("/")
    response_500 = views.error_500(request)
    assert response_500.status_code == 500
    assert "服务暂时出了点问题" in response_500.content.decode()
    assert "12351" in response_500.content.decode()


def test_csrf_failure_is_a_friendly_403(regions):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/regions/current/", {"code": "131000"})
    assert response.status_code == 403
    assert "暂时无法完成这个操作" in response.content.decode()


def test_requests_carry_a_request_id(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abc123")
    assert response["X-Request-ID"] == "abc123"
    assert len(client.get("/healthz")["X-Request-ID"]) == 32
