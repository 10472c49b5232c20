"""core.middleware: message storage made only when used, the request id (issue 19)."""

from __future__ import annotations

import logging

import pytest
from django.contrib import messages
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path
from django.utils.functional import SimpleLazyObject, empty

from core.middleware import RequestLogMiddleware
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


def test_the_request_line_is_one_record_with_the_fields_and_this_middleware_as_its_caller(client):
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    logger = logging.getLogger("portal.request")
    keep, level = Keep(), logger.level
    logger.addHandler(keep)
    logger.setLevel(logging.INFO)
    try:
        response = client.get("/healthz?x=1", HTTP_X_REQUEST_ID="req-7")
    finally:
        logger.removeHandler(keep)
        logger.setLevel(level)
    (record,) = [r for r in records if r.getMessage() == "request"]
    assert (record.request_id, record.method, record.path) == ("req-7", "GET", "/healthz")
    assert record.status == response.status_code and record.user_id is None
    assert record.duration_ms >= 0 and record.levelno == logging.INFO
    call = RequestLogMiddleware.__call__.__code__
    assert (record.pathname, record.lineno, record.funcName) == (
        call.co_filename,
        call.co_firstlineno,
        "__call__",
    )
