"""Tasks run in-process in this package (tests/celery_eager.py)."""

from tests.celery_eager import eager_celery  # noqa: F401 - autouse
