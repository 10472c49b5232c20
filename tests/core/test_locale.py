"""core.middleware.PathlessLocaleMiddleware: the language from the cookie or Accept-Language,
never from the path, with the headers Django's LocaleMiddleware sets."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


def test_chinese_by_default_and_the_response_says_so(regions):
    response = Client().get("/hebei/")
    assert response["Content-Language"] == "zh-hans"
    assert "Accept-Language" in response["Vary"]


def test_a_browser_asking_for_english_gets_english(regions):
    response = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get("/hebei/")
    assert response["Content-Language"] == "en"


def test_the_language_cookie_wins_over_the_browser(regions):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert client.get("/hebei/")["Content-Language"] == "zh-hans"


def test_a_path_that_looks_like_a_language_is_not_one(regions):
    assert Client().get("/en/")["Content-Language"] == "zh-hans"


def test_the_same_browser_asking_again_is_answered_alike_and_a_new_one_freshly(regions):
    from core.middleware import _LANGUAGE_OF

    _LANGUAGE_OF.clear()
    english = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    assert [english.get("/hebei/")["Content-Language"] for _ in range(2)] == ["en", "en"]
    assert _LANGUAGE_OF == {("", "en-GB,en;q=0.8"): "en"}
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert english.get("/hebei/")["Content-Language"] == "zh-hans"


def test_a_change_of_languages_is_not_answered_from_memory(regions, settings):
    Client(HTTP_ACCEPT_LANGUAGE="en").get("/hebei/")
    settings.LANGUAGES = [("zh-hans", "简体中文")]
    assert Client(HTTP_ACCEPT_LANGUAGE="en").get("/hebei/")["Content-Language"] == "zh-hans"


def test_a_made_up_accept_language_is_not_kept(regions):
    from core.middleware import _LANGUAGE_OF

    _LANGUAGE_OF.clear()
    long_header = "en;q=0.9," + ",".join(f"x{i}" for i in range(400))
    # Django ignores an Accept-Language this long: the default language, and nothing kept
    assert Client(HTTP_ACCEPT_LANGUAGE=long_header).get("/hebei/")["Content-Language"] == "zh-hans"
    assert _LANGUAGE_OF == {}
