import pytest

from portal.celery import app


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Run outbox tasks (a decision's text to the member) in-process even when ``REDIS_URL``
    points at a broker no worker here reads; a test marked ``redis`` keeps the real broker."""
    if request.node.get_closest_marker("redis"):
        yield
        return
    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before
