"""core.middleware: message storage made only when used, the request id (issue 19)."""

from __future__ import annotations

import pytest
from django.contrib import messages
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path
from django.utils.functional import SimpleLazyObject, empty

from portal import urls as portal_urls

pytestmark = pytest.mark.django_db
seen: dict = {}


def _quiet(request):
    seen["storage"] = request._messages
    seen["user"] = request.user
    return HttpResponse(b"ok")


def _adds(request):
    messages.success(request, "报名成功")
    return HttpResponse(b"ok")


def _shows(request):
    return HttpResponse(" ".join(str(m) for m in messages.get_messages(request)))


urlpatterns = [
    path("quiet/", _quiet),
    path("adds/", _adds),
    path("shows/", _shows),
    *portal_urls.urlpatterns,
]


@override_settings(ROOT_URLCONF=__name__)
def test_a_request_that_neither_adds_nor_reads_messages_never_builds_the_storage():
    client = Client()
    response = client.get("/quiet/")
    assert response.status_code == 200
    assert isinstance(seen["storage"], SimpleLazyObject) and seen["storage"]._wrapped is empty
    assert "messages" not in response.cookies
    # the user is resolved once, not a lazy proxy; the response still varies on the cookie
    assert not isinstance(seen["user"], SimpleLazyObject)
    assert not seen["user"].is_authenticated
    assert "Cookie" in response["Vary"]


@override_settings(ROOT_URLCONF=__name__)
def test_a_message_added_is_stored_and_shown_once_on_the_next_page():
    client = Client()
    client.get("/adds/")
    assert "报名成功" in client.get("/shows/").content.decode()
    assert "报名成功" not in client.get("/shows/").content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_messages_left_unread_survive_a_request_that_does_not_read_them():
    client = Client()
    client.get("/adds/")
    client.get("/quiet/")
    assert "报名成功" in client.get("/shows/").content.decode()


def test_a_request_id_from_the_proxy_is_echoed_and_a_forged_one_replaced(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="x" * 65)["X-Request-ID"]
    assert len(replaced) == 32 and replaced != "x" * 65
