"""Tasks run in-process in this package (tests/celery_eager.py); uploads go to a temp dir."""

import pytest

from tests.celery_eager import eager_celery  # noqa: F401 - autouse


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def aid_world(union_tree):
    """The 石家庄 factory union's member, its officer, the 长安区 (county) and 石家庄 (city)
    editors, 廊坊's city editor, and a 2026 hospital plan."""
    from tests.aid import factories as f

    return f.make_world(union_tree)
