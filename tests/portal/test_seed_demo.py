from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from regions.models import Region

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_prints_credentials(regions):
    first = StringIO()
    call_command("seed_demo", stdout=first)
    users, regions_count = User.objects.count(), Region.objects.count()
    assert users >= 6 and regions_count == 180
    assert "13800000001 / Hebei-12351-demo" in first.getvalue()

    second = StringIO()
    call_command("seed_demo", stdout=second)
    assert (User.objects.count(), Region.objects.count()) == (users, regions_count)
    assert "0 created, 0 updated" in second.getvalue()
    assert User.objects.filter(is_superuser=True).exists()
    assert User.objects.get(phone="13800000001").display_name == "王伟"


def test_load_regions_command_reports_counts(regions):
    out = StringIO()
    call_command("load_regions", stdout=out)
    assert "0 created, 0 updated, 180 unchanged" in out.getvalue()
