"""Fixtures of the region tests: editors with a region scope, articles made through the
services, uploads kept in a temporary media folder."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from accounts.models import Role
from accounts.services.roles import role_assign
from publishing.services.articles import article_create, article_publish
from regions.models import Region
from tests.accounts.factories import StaffUserFactory, UserFactory

LIU_HONG_CASE = (
    "<p>石家庄市职工刘鸿是一名普通技术人员，公司要求跟他签订竞业限制协议。他向12351热线咨询，"
    "工作人员解答后帮他预约了第二天的法律咨询服务。</p>"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def make_editor(code: str, role: str = Role.REGION_EDITOR):
    user = StaffUserFactory()
    role_assign(user=user, role=role, region=region(code))
    return user


@pytest.fixture
def province_admin(regions):
    return make_editor("130000", Role.PROVINCE_ADMIN)


@pytest.fixture
def langfang_editor(regions):
    return make_editor("131000")


@pytest.fixture
def sjz_editor(regions):
    return make_editor("130100")


@pytest.fixture
def sanhe_editor(regions):
    return make_editor("131082")


@pytest.fixture
def member(regions):
    return UserFactory()


def publish(actor, code: str, title: str, *, kind: str = "news", body: str = "<p>正文</p>", **kw):
    article = article_create(
        actor=actor, region=region(code), kind=kind, title=title, body=body, **kw
    )
    return article_publish(actor=actor, article=article)


def image_file(name: str = "cover.jpg", *, size=(1600, 900), fmt: str = "JPEG"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 40)).save(buffer, fmt)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif"}[fmt]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


@pytest.fixture
def superuser(regions):
    """National entries (the root, 全国) are kept by the portal's superusers only."""
    return UserFactory(is_staff=True, is_superuser=True)
