"""The 147 indicators of issue 22: each fully described, every one computed on a small
hand-built scene, known values for a sample of each domain, shared queries giving the
same rows as one query per indicator, and the query budget of a day."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from insights.models import Fact
from insights.registry import (
    DOMAINS,
    LEVELS,
    OWNERS,
    PORTAL_SOURCES,
    WORK_DATABASES,
    Window,
    compute_many,
    indicators,
)
from insights.services import facts_compute_day
from tests.insights.factories import make_wide_scene

pytestmark = pytest.mark.django_db


def test_147_indicators_each_defined_once_with_formula_source_unit_owner_and_levels():
    items = indicators()
    assert len(items) == 147
    assert len({i.code for i in items}) == 147 and len({i.name for i in items}) == 147
    assert len(WORK_DATABASES) == 28
    for item in items:
        assert item.name and item.unit and item.definition, item.code
        assert len(item.formula) >= 10, item.code
        assert item.database in WORK_DATABASES + PORTAL_SOURCES, item.code
        assert item.owner in OWNERS.values(), item.code
        assert item.levels and set(item.levels) <= set(LEVELS), item.code
    # every domain has a handful, and most figures come from one of the 28 work databases
    per_domain = {d: sum(i.domain == d for i in items) for d in DOMAINS}
    assert min(per_domain.values()) >= 5, per_domain
    assert sum(i.database in WORK_DATABASES for i in items) >= 110


@pytest.fixture
def wide(union_tree):
    scene = make_wide_scene(union_tree)
    facts_compute_day(day=scene.day)
    return scene


def _value(day, code, region, breakdown=""):
    fact = Fact.objects.filter(
        date=day, indicator=code, region__code=region, breakdown=breakdown
    ).first()
    return None if fact is None else fact.value


# (indicator, region, value): a sample of every domain, values worked out by hand from
# the scene described in make_wide_scene.
KNOWN = [
    # membership
    ("members_total", "130000", 4),
    ("new_form_share", "130000", 25.0),
    ("new_form_share", "131000", 50.0),
    ("join_within_3_days_rate", "130000", 80.0),
    ("applications_rejected", "130102", 1),
    ("transfer_hours", "130102", 10.0),
    ("join_rate", "131000", 50.0),
    # organization
    ("unions_total", "130000", 7),
    ("unions_total", "131000", 3),
    ("unions_with_members", "130000", 2),
    ("members_per_union", "130000", 2.0),
    # learning
    ("practice_answers", "130000", 4),
    ("wrong_book_questions", "130102", 1),
    # hotline
    ("hotline_requests", "130000", 5),
    ("hotline_resolved_3_days_share", "130000", 100.0),
    ("hotline_on_time_rate", "130000", 50.0),
    ("hotline_resolved_late", "131082", 1),
    # rights
    ("legal_aid_requests", "131000", 1),
    ("legal_aid_on_time_rate", "131082", 0.0),
    ("dispute_resolution_hours", "131000", 2.0),
    ("consultation_slots", "130000", 2),
    ("consultation_use_rate", "131082", 50.0),
    # jobs
    ("job_applications", "131082", 2),
    ("job_match_success_rate", "131000", 50.0),
    ("employers_verified_share", "131000", 100.0),
    ("job_pay_floor", "131082", 7000.0),
    # activities
    ("activity_capacity", "131000", 50),
    ("online_activity_share", "131000", 50.0),
    ("job_fairs_held", "130000", 1),
    # publicity
    ("articles_online", "130000", 2),
    ("article_reads", "130000", 15),
    ("cases_online", "130100", 1),
    # datahub
    ("roster_reject_rate", "131000", 20.0),
    ("roster_accepted", "130000", 6),
    # usage
    ("active_members", "130000", 3),
    ("weekly_active_members", "130000", 4),
    ("active_new_form", "131082", 1),
]


def test_known_values_in_every_domain(wide):
    checked = {code for code, _, _ in KNOWN}
    domains = {i.domain for i in indicators() if i.code in checked}
    assert domains == set(DOMAINS)
    wrong = [
        (code, region, _value(wide.day, code, region), expected)
        for code, region, expected in KNOWN
        if _value(wide.day, code, region) != pytest.approx(expected)
    ]
    assert not wrong
    assert _value(wide.day, "articles_published", "130000", "case") == 1
    assert _value(wide.day, "unions_total", "130000", "joint") == 1
    assert _value(wide.day, "legal_aid_requests", "130100") is None  # none there: no row


def test_shared_queries_give_what_one_query_per_indicator_gives(wide):
    window = Window.for_day(wide.day)
    items = indicators()
    shared = compute_many(items, window)
    for item in items:
        solo = item.compute(window)
        key = lambda r: (r.region_id, r.key)  # noqa: E731
        assert sorted(shared[item.code], key=key) == sorted(solo, key=key), item.code
    nonzero = {code for code, rows in shared.items() if any(r.num or r.den for r in rows)}
    assert len(nonzero) >= 80  # the scene gives most indicators something to count


def test_a_day_of_147_indicators_is_a_bounded_number_of_queries(wide):
    with CaptureQueriesContext(connection) as queries:
        facts_compute_day(day=wide.day)
    # one grouped query per family of indicators over the same rows, plus the region
    # tree, the delete, the inserts and the run record
    assert len(queries) <= 100, len(queries)
