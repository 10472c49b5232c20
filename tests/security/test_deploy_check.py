"""``manage.py check --deploy`` with production settings reports nothing."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: The environment of a production start (see the README's configuration table), minus the
#: test-only defaults tests/env.py adds.
TEST_ONLY = {
    "SECRET_KEY",
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "IDENTITY_DEV_KEYS",
    "STATIC_MANIFEST",
}


def _production_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="zgzj.hebeigh.example.cn",
        CSRF_TRUSTED_ORIGINS="https://zgzj.hebeigh.example.cn",
        LOG_LEVEL="ERROR",
    )
    return env


def _check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _check(_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_notices_a_weakened_setting():
    """The check is live: turning HSTS off in the environment makes it fail."""
    env = _production_env()
    env["SECURE_HSTS_SECONDS"] = "0"
    result = _check(env)
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr
