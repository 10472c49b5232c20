"""The API fuzzed against its own OpenAPI schema (schemathesis + hypothesis).

Every operation of ``/api/schema/`` gets a bounded number of generated requests — valid ones
and deliberately invalid ones — as a signed-in member and as a province administrator, through
the real WSGI application and middleware (CSRF included) on the seeded demo data. No response
may be a server error, and every documented response must match its schema.

``API_FUZZ_EXAMPLES`` (default 5) sets the examples per operation, mode and user; the whole
run stays well under two minutes on the CI machine.
"""

from __future__ import annotations

import os
from io import StringIO

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from accounts.models import User

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "5"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
# Generated requests must not sign the caller out or hit external platforms.
SKIP = {("POST", "/api/cards/verify/")}  # fuzzed separately by its own tests (tokens)


def _session(phone: str) -> dict[str, str]:
    client = Client()
    client.force_login(User.objects.get(phone=phone), backend="accounts.backends.ModelBackend")
    token = _get_new_csrf_string()
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": token}


@pytest.fixture
def wsgi_app():
    """The real WSGI handler, minus closing the database connection after each request
    (it would close the test's transaction; Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def demo(regions, settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False
    # The fuzzer sends hundreds of requests per user; the limits have their own tests.
    settings.PORTAL_RATE_LIMITS = dict.fromkeys(settings.PORTAL_RATE_LIMITS, (10**6, 60))
    call_command("seed_demo", stdout=StringIO())


def _fuzz(strategy, cookies: dict[str, str]) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case):
        case.call_and_validate(
            cookies=cookies, headers={"X-CSRFToken": cookies["csrftoken"]}, checks=CHECKS
        )

    run()


@pytest.mark.django_db
def test_api_operations_survive_generated_requests(demo, wsgi_app):
    raw = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(raw)
    app = wsgi_app
    sessions = {"member": _session("13800000001"), "staff": _session("13900000001")}
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIP:
            continue
        operations += 1
        operation.app = app
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            try:
                strategy = operation.as_strategy(generation_mode=mode)
            except Exception as exc:
                if mode is schemathesis.GenerationMode.NEGATIVE:
                    continue
                raise AssertionError(f"{operation.label}: {exc}") from exc
            for who, cookies in sessions.items():
                try:
                    _fuzz(strategy, cookies)
                except Unsatisfiable:
                    continue  # no invalid request exists for this operation (no inputs)
                except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collect all
                    failures.append(f"{who} {mode.value} {operation.label}: {exc}"[:1500])
    assert operations > 30
    assert failures == [], "\n\n".join(failures)
