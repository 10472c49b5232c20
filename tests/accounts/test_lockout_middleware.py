"""accounts.middleware.AxesLockoutMiddleware and its check (issue 19): axes' middleware with
whether the chain is async decided once; the check of axes (axes.W002) answered by name."""

from __future__ import annotations

import asyncio

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from accounts.checks import check_lockout_middleware
from accounts.middleware import AxesLockoutMiddleware

pytestmark = pytest.mark.django_db

OURS = "accounts.middleware.AxesLockoutMiddleware"


def test_the_portal_installs_it_last_and_its_check_is_quiet():
    from django.conf import settings

    assert settings.MIDDLEWARE[-1] == OURS
    assert check_lockout_middleware() == []


@pytest.mark.parametrize(
    "chain,code",
    [
        (["django.contrib.sessions.middleware.SessionMiddleware"], "accounts.W001"),
        ([OURS, "django.contrib.sessions.middleware.SessionMiddleware"], "accounts.W002"),
        (["django.contrib.sessions.middleware.SessionMiddleware", OURS], None),
        (["axes.middleware.AxesMiddleware"], None),
    ],
    ids=["missing", "not-last", "ours-last", "axes-own"],
)
def test_the_check_says_when_no_lockout_layer_is_last(chain, code):
    with override_settings(MIDDLEWARE=chain):
        found = [message.id for message in check_lockout_middleware()]
    assert found == ([code] if code else [])


def test_a_locked_out_request_gets_axes_lockout_page_and_others_pass_through():
    layer = AxesLockoutMiddleware(lambda request: HttpResponse("the view"))
    request = RequestFactory().post("/accounts/login/")
    assert layer(request).content == b"the view"
    request = RequestFactory().post("/accounts/login/")
    request.axes_locked_out = True
    request.axes_credentials = {"username": "13800000002"}
    response = layer(request)
    assert response.status_code == 429
    assert "登录已暂时锁定" in response.content.decode()
    with override_settings(AXES_ENABLED=False):
        assert layer(request).content == b"the view"


def test_an_async_chain_is_answered_asynchronously():
    async def view(request):
        return HttpResponse("async view")

    layer = AxesLockoutMiddleware(view)
    result = layer(RequestFactory().get("/"))
    assert asyncio.iscoroutine(result)
    assert asyncio.run(result).content == b"async view"
