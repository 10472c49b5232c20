from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from datahub.services.imports import roster_import_create, roster_import_run, roster_import_start
from tests.datahub.factories import import_staff


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff(union_tree):
    return import_staff(region_code="131000")


@pytest.fixture
def run_import():
    """Upload ``content`` as ``staff`` and run it at once (row_path forces the ORM path)."""

    def run(content: bytes, *, user, name="roster.csv", row_path=None, mapping=None):
        draft = roster_import_create(user=user, upload=SimpleUploadedFile(name, content), name=name)
        roster_import_start(
            roster_import=draft, user=user, mapping=mapping or draft.mapping, run_async=False
        )
        return roster_import_run(import_id=draft.pk, row_path=row_path)

    return run


@pytest.fixture
def upload():
    def make(content: bytes, name: str = "roster.csv"):
        return SimpleUploadedFile(name, content)

    return make
