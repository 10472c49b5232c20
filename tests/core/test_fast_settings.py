"""core.fast_settings: settings read by C attribute look-up behave as Django's LazySettings."""

from __future__ import annotations

import sys

import pytest
from django.conf import LazySettings, settings
from django.test import override_settings
from django.utils.functional import LazyObject

from core import fast_settings


def _python_calls(read) -> list[str]:
    calls: list[str] = []

    def profile(frame, event, arg):
        if event == "call" and frame.f_code is not read.__code__:
            calls.append(frame.f_code.co_qualname)

    sys.setprofile(profile)
    try:
        read()
    finally:
        sys.setprofile(None)
    return calls


def test_the_patch_is_in_place_and_written_against_this_django():
    assert LazySettings.__dict__["__getattribute__"] is object.__getattribute__
    assert fast_settings._written_against() == fast_settings.EXPECTED
    fast_settings.apply()  # idempotent
    assert LazySettings.__dict__["__getattribute__"] is object.__getattribute__


def test_a_setting_read_before_runs_no_python():
    settings.TIME_ZONE  # noqa: B018 - kept in LazySettings.__dict__ from here on
    assert _python_calls(lambda: settings.TIME_ZONE) == []


def test_without_the_patch_a_read_runs_djangos_getattribute(monkeypatch):
    # The test above can fail: Django's own behaviour runs Python on every read.
    monkeypatch.setattr(LazySettings, "__getattribute__", LazyObject.__getattribute__)
    settings.TIME_ZONE  # noqa: B018
    assert "LazyObject.__getattribute__" in _python_calls(lambda: settings.TIME_ZONE)


def test_a_changed_django_is_refused_and_left_unpatched(monkeypatch):
    monkeypatch.setattr(LazySettings, "__getattribute__", LazyObject.__getattribute__)
    monkeypatch.setitem(fast_settings.EXPECTED, "LazySettings", "0" * 32)
    with pytest.raises(RuntimeError, match="LazySettings"):
        fast_settings.apply()
    assert LazySettings.__dict__["__getattribute__"] is LazyObject.__getattribute__


def test_every_setting_reads_as_the_wrapped_settings_hold_it():
    wrapped = settings._wrapped
    names = [name for name in dir(wrapped) if name.isupper()]
    assert len(names) > 100
    for name in names:
        expected = getattr(wrapped, name)
        if name in ("MEDIA_URL", "STATIC_URL") and expected is not None:
            expected = LazySettings._add_script_prefix(expected)
        assert getattr(settings, name) == expected, name


def test_override_settings_is_seen_and_undone():
    assert not hasattr(settings, "PAGE_SIZE_FOR_TEST")
    language = settings.LANGUAGE_CODE
    with override_settings(LANGUAGE_CODE="en", PAGE_SIZE_FOR_TEST=7):
        assert settings.LANGUAGE_CODE == "en"
        assert settings.PAGE_SIZE_FOR_TEST == 7
        with override_settings(LANGUAGE_CODE="zh-hant"):
            assert settings.LANGUAGE_CODE == "zh-hant"
        assert settings.LANGUAGE_CODE == "en"
    assert language == settings.LANGUAGE_CODE
    assert not hasattr(settings, "PAGE_SIZE_FOR_TEST")


def test_set_delete_missing_and_the_lazy_objects_own_names():
    settings.PORTAL_FAST_SETTINGS_PROBE = 1
    try:
        assert settings.PORTAL_FAST_SETTINGS_PROBE == 1
        settings.PORTAL_FAST_SETTINGS_PROBE = 2
        assert settings.PORTAL_FAST_SETTINGS_PROBE == 2
    finally:
        del settings.PORTAL_FAST_SETTINGS_PROBE
    assert not hasattr(settings, "PORTAL_FAST_SETTINGS_PROBE")
    assert getattr(settings, "NO_SUCH_SETTING", "fallback") == "fallback"
    with pytest.raises(AttributeError):
        settings.NO_SUCH_SETTING  # noqa: B018
    assert settings.configured is True
    assert repr(settings).startswith("<LazySettings ")
    assert isinstance(settings, LazySettings)
