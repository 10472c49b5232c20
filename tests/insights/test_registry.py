"""The indicator registry and the facts: every indicator computes, known values on
hand-built data, roll-up from counties to the province, idempotent recompute, backfill."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from insights.models import Fact, FactDay
from insights.registry import DOMAINS, LEVELS, Kind, Window, indicators
from insights.services import facts_compute_day
from regions.models import Region
from tests.insights.factories import make_scene

pytestmark = pytest.mark.django_db


def _facts(day, code, breakdown=""):
    return {
        f.region.code: f.value
        for f in Fact.objects.filter(date=day, indicator=code, breakdown=breakdown).select_related(
            "region"
        )
    }


def test_registry_has_at_least_40_described_indicators():
    items = indicators()
    assert len(items) >= 40
    assert len({i.code for i in items}) == len(items)
    assert {i.domain for i in items} == set(DOMAINS)
    for item in items:
        assert item.name and item.unit and len(item.definition) > 8, item.code
        assert set(item.levels) <= set(LEVELS) and item.levels, item.code
        assert item.kind in (Kind.COUNT, Kind.RATIO, Kind.MEAN), item.code


def test_every_indicator_computes_on_an_empty_database(regions):
    window = Window.for_day(timezone.localdate())
    for item in indicators():
        assert item.compute(window) == [], item.code
    run = facts_compute_day(day=timezone.localdate())
    assert run.rows == 0


def test_every_indicator_computes_on_a_seeded_database_with_known_values(union_tree):
    scene = make_scene(union_tree)
    window = Window.for_day(scene.day)
    for item in indicators():
        item.compute(window)  # no indicator fails on real data
    facts_compute_day(day=scene.day)

    members = _facts(scene.day, "members_total")
    assert members["130102"] == 2 and members["130100"] == 2
    assert members["131082"] == 1 and members["131000"] == 1
    assert members["130000"] == 3
    assert "130181" not in members  # 辛集市: nobody, no row

    requests = _facts(scene.day, "hotline_requests")
    assert requests == {"130102": 2, "130100": 2, "131082": 2, "131000": 2, "130000": 4}
    assert _facts(scene.day, "hotline_requests", "complaint") == {
        "130102": 1,
        "130100": 1,
        "130000": 1,
    }
    assert _facts(scene.day, "members_new")["130000"] == 3
    assert _facts(scene.day, "verified_share")["130000"] == pytest.approx(33.33)
    assert _facts(scene.day, "verified_share")["131000"] == 0
    assert _facts(scene.day, "active_members") == {
        "130102": 1,
        "130100": 1,
        "131082": 1,
        "131000": 1,
        "130000": 2,
    }
    assert _facts(scene.day, "active_rate")["130000"] == pytest.approx(66.67)
    assert _facts(scene.day, "practice_answers")["130000"] == 4
    assert _facts(scene.day, "practice_accuracy")["130100"] == pytest.approx(66.67)
    assert _facts(scene.day, "practice_members")["130000"] == 3
    ratio = Fact.objects.get(
        date=scene.day, indicator="practice_accuracy", region__code="130000", breakdown=""
    )
    assert (ratio.numerator, ratio.denominator) == (3, 4)


def test_province_is_the_sum_of_its_cities_for_additive_indicators(union_tree):
    scene = make_scene(union_tree)
    facts_compute_day(day=scene.day)
    cities = set(Region.objects.filter(level="city").values_list("pk", flat=True))
    province = Region.objects.get(code="130000")
    window = Window.for_day(scene.day)
    checked = 0
    for item in indicators():
        if not item.is_additive:
            continue
        rows = Fact.objects.filter(date=scene.day, indicator=item.code, breakdown="")
        total = sum(f.value for f in rows if f.region_id in cities)
        # what is attached to the province itself (the provincial union) adds to its cities
        own = sum(r.num for r in item.compute(window) if r.region_id == province.pk)
        top = next((f.value for f in rows if f.region_id == province.pk), 0)
        assert top == total + own, item.code
        checked += bool(top)
    assert checked >= 5


def test_recomputing_a_day_replaces_it(union_tree):
    scene = make_scene(union_tree)
    first = facts_compute_day(day=scene.day)
    before = sorted(
        Fact.objects.filter(date=scene.day).values_list(
            "indicator", "region_id", "breakdown", "value"
        )
    )
    again = facts_compute_day(day=scene.day)
    after = sorted(
        Fact.objects.filter(date=scene.day).values_list(
            "indicator", "region_id", "breakdown", "value"
        )
    )
    assert before == after and first.rows == again.rows == len(after)
    assert FactDay.objects.filter(date=scene.day).count() == 1
    # New data and a recompute: the day now says so, nothing doubled.
    from tests.hotline.factories import make_request

    make_request(member=scene.sanhe_members[0], region_code="131082")
    facts_compute_day(day=scene.day)
    assert _facts(scene.day, "hotline_requests")["130000"] == 5


def test_future_days_are_refused(regions):
    with pytest.raises(ValidationError):
        facts_compute_day(day=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ValidationError):
        facts_compute_day(day=timezone.localdate(), codes=["no_such_indicator"])


def test_backfill_command(union_tree):
    make_scene(union_tree)
    today = timezone.localdate()
    out = StringIO()
    start = (today - timedelta(days=2)).isoformat()
    call_command("insights_backfill", "--from", start, "--to", today.isoformat(), stdout=out)
    assert FactDay.objects.count() == 3
    assert "已计算 3 天" in out.getvalue()
    # Yesterday there was nothing yet; today there is.
    assert not Fact.objects.filter(date=today - timedelta(days=1)).exists()
    assert Fact.objects.filter(date=today, indicator="members_total").exists()
    with pytest.raises(CommandError, match="开始日期不能晚于结束日期"):
        call_command("insights_backfill", "--from", today.isoformat(), "--to", start)
    with pytest.raises(CommandError, match="日期格式"):
        call_command("insights_backfill", "--from", "2026-02-30")
