"""One fixture for the test packages whose code sends Celery tasks (through the outbox):
run them in-process even when ``REDIS_URL`` points at a broker no worker here reads (CI sets
it). A test marked ``redis`` keeps the real broker (the two-worker tests).

A package opts in from its conftest: ``from tests.celery_eager import eager_celery``.
"""

import pytest

from portal.celery import app


@pytest.fixture(autouse=True)
def eager_celery(request):
    if request.node.get_closest_marker("redis"):
        yield
        return
    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before
