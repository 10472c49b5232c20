from __future__ import annotations

import contextlib

import pytest

from tests.faults.servers import PrivatePostgres, PrivateRedis


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    server.start()
    yield server
    server.close()


@pytest.fixture
def private_postgres():
    server = PrivatePostgres()
    server.start()
    yield server
    server.close()


@contextlib.contextmanager
def celery_broker(url: str):
    """Point the project's Celery app at ``url`` (not eager) for the duration."""
    from portal.celery import app

    before = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url = url
    app.conf.task_always_eager = False
    app._after_fork()  # drop pooled connections to the previous broker
    try:
        yield app
    finally:
        app.conf.broker_url, app.conf.task_always_eager = before
        app._after_fork()
