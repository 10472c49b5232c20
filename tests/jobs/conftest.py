import pytest

from portal.celery import app


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Run tasks in-process (the worker test opts out to use a real worker on Redis)."""
    if request.node.get_closest_marker("redis"):
        yield
        return
    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before
