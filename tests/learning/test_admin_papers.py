from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role
from learning.models import Competition, CompetitionRound, Paper, PaperRule, Tag
from learning.services.authoring import (
    PaperItem,
    PaperRuleSpec,
    RoundSpec,
    competition_save,
    paper_save,
)
from tests.learning.factories import make_editor, make_question, region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa_gate(settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False


def _inline(prefix, rows):
    data = {
        f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": 0,
        f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000,
    }  # fmt: skip
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def _paper_post(region_code, *, title="电工安全月考", mode="rules", rules=(), questions=(), **f):
    return {
        "region": region(region_code).pk, "title": title, "mode": mode,
        "time_limit_minutes": f.get("minutes", 30), "max_attempts": f.get("attempts", 2),
        "pass_score": 60, "show_answers": "on",
        **_inline("paper_questions", list(questions)), **_inline("rules", list(rules)),
    }  # fmt: skip


def _split(prefix, moment):
    local = timezone.localtime(moment)
    return {f"{prefix}_0": local.strftime("%Y-%m-%d"), f"{prefix}_1": local.strftime("%H:%M:%S")}


def _competition_post(region_code, paper, *, opens, closes, ends, title="冀高一筹·电工技能竞赛"):
    return {
        "region": region(region_code).pk, "title": title, "organizer": "廊坊市总工会",
        **_split("registration_opens_at", opens), **_split("registration_closes_at", closes),
        **_split("ends_at", ends), "members_only": "on", "eligible_trades": "电工，焊工 电工",
        "first_prizes": 1, "second_prizes": 2, "third_prizes": 3, "award_points": 50,
        **_inline("rounds", [{"position": 1, "title": "初赛", "paper": paper.pk,
                              **_split("opens_at", opens), **_split("closes_at", ends)}]),
    }  # fmt: skip


# --- services ------------------------------------------------------------------------


def test_paper_save_fixed_and_rules(regions):
    editor = make_editor(region_code="131000", role=Role.REGION_EDITOR)
    q1, q2 = make_question(), make_question()
    paper = paper_save(
        actor=editor,
        paper=Paper(region=region("131000"), title=" 叉车安全 ", is_published=True),
        questions=[
            PaperItem(question=q2, points=Decimal(3), position=2),
            PaperItem(question=q1, points=Decimal(2), position=1),
        ],
    )
    assert paper.title == "叉车安全"
    assert [pq.question_id for pq in paper.paper_questions.order_by("position")] == [q1.pk, q2.pk]
    tag = Tag.objects.get(name="电工")
    paper.mode = Paper.Mode.RULES
    paper_save(
        actor=editor, paper=paper, rules=[PaperRuleSpec(tag=tag, count=2, points=Decimal(5))]
    )
    assert paper.paper_questions.count() == 0
    assert list(paper.rules.values_list("count", flat=True)) == [2]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"time_limit_minutes": 0}, "限时须为正整数"),
        ({"max_attempts": 0}, "可考次数须为正整数"),
    ],
)
def test_paper_save_refuses_bad_fields(regions, fields, message):
    editor = make_editor()
    with pytest.raises(ValidationError) as error:
        paper_save(actor=editor, paper=Paper(region=region("130000"), title="卷", **fields))
    assert message in str(error.value.messages)
    assert not Paper.objects.exists()


def test_paper_save_refuses_rule_beyond_bank_and_out_of_scope(regions):
    make_question(tags=("焊工",), difficulty=3)
    make_question(tags=("焊工",), difficulty=1)
    tag = Tag.objects.get(name="焊工")
    editor = make_editor(region_code="131000", role=Role.REGION_EDITOR)
    paper = Paper(region=region("131000"), title="焊工考核", mode=Paper.Mode.RULES)
    with pytest.raises(ValidationError) as error:
        paper_save(
            actor=editor,
            paper=paper,
            rules=[PaperRuleSpec(tag=tag, count=2, points=Decimal(1), difficulty=3)],
        )
    assert "只有1道，不足规则要求的2道" in error.value.messages[0]
    # Two rules may not draw the same question twice.
    with pytest.raises(ValidationError):
        paper_save(
            actor=editor,
            paper=paper,
            rules=[
                PaperRuleSpec(tag=tag, count=2, points=Decimal(1)),
                PaperRuleSpec(tag=tag, count=1, points=Decimal(1)),
            ],
        )
    with pytest.raises(ValidationError, match="没有在该地区发布试卷"):
        paper_save(actor=editor, paper=Paper(region=region("130100"), title="越权"))
    assert not Paper.objects.exists() and not PaperRule.objects.exists()


def test_competition_save_and_refusals(regions):
    editor = make_editor(region_code="131000", role=Role.REGION_EDITOR)
    paper = paper_save(
        actor=editor,
        paper=Paper(region=region("131000"), title="初赛卷"),
        questions=[PaperItem(question=make_question(), points=Decimal(1), position=1)],
    )
    now = timezone.now()
    rounds = [RoundSpec(1, "初赛", paper, now, now + timedelta(days=3))]

    def build(**fields):
        values = {
            "region": region("131000"), "title": "廊坊物流技能赛", "organizer": "廊坊市总工会",
            "registration_opens_at": now, "registration_closes_at": now + timedelta(days=2),
            "ends_at": now + timedelta(days=5), "eligible_trades": "叉车司机, 货车司机",
        }  # fmt: skip
        values.update(fields)
        return Competition(**values)

    competition = competition_save(actor=editor, competition=build(), rounds=rounds)
    assert competition.eligible_trades == "叉车司机、货车司机"
    assert competition.rounds.get().paper == paper
    with pytest.raises(ValidationError) as error:
        competition_save(
            actor=editor,
            competition=build(title="倒序", registration_closes_at=now - timedelta(days=1)),
            rounds=rounds,
        )
    assert "报名截止时间须晚于报名开始时间" in error.value.messages[0]
    late = [RoundSpec(1, "决赛", paper, now, now + timedelta(days=9))]
    with pytest.raises(ValidationError, match="不得晚于竞赛结束时间"):
        competition_save(actor=editor, competition=build(title="超时"), rounds=late)
    with pytest.raises(ValidationError, match="限定地区须在主办地区范围内"):
        competition_save(
            actor=editor,
            competition=build(title="越区", eligible_region=region("130100")),
            rounds=rounds,
        )
    other_paper = Paper.objects.create(region=region("130100"), title="石家庄内部卷")
    with pytest.raises(ValidationError, match="不在您的权限范围内"):
        competition_save(
            actor=editor,
            competition=build(title="借卷"),
            rounds=[RoundSpec(1, "初赛", other_paper, now, now + timedelta(days=3))],
        )
    assert list(Competition.objects.values_list("title", flat=True)) == ["廊坊物流技能赛"]


# --- admin ---------------------------------------------------------------------------


def test_admin_creates_rule_paper_and_refuses_rule_beyond_bank(client, regions):
    for _ in range(3):
        make_question(tags=("叉车",))
    tag = Tag.objects.get(name="叉车")
    client.force_login(make_editor(region_code="131000", role=Role.REGION_EDITOR))
    bad = client.post(
        "/admin/learning/paper/add/",
        _paper_post("131082", rules=[{"tag": tag.pk, "count": 5, "points": "2"}]),
    )
    assert bad.status_code == 200
    assert "只有3道，不足规则要求的5道" in bad.content.decode()
    assert not Paper.objects.exists()
    zero = client.post("/admin/learning/paper/add/", _paper_post("131082", minutes=0))
    assert zero.status_code == 200 and "限时须为正整数" in zero.content.decode()
    ok = client.post(
        "/admin/learning/paper/add/",
        _paper_post("131082", rules=[{"tag": tag.pk, "count": 3, "points": "2"}]),
    )
    assert ok.status_code == 302, ok.content.decode()[:800]
    paper = Paper.objects.get()
    assert paper.mode == "rules" and paper.region.code == "131082"
    assert paper.rules.get().count == 3


def test_admin_creates_fixed_paper(client, regions):
    q1, q2 = make_question(), make_question()
    client.force_login(make_editor(region_code="131000", role=Role.REGION_EDITOR))
    response = client.post(
        "/admin/learning/paper/add/",
        _paper_post(
            "131000",
            mode="fixed",
            questions=[
                {"question": q1.pk, "position": 1, "points": "2"},
                {"question": q2.pk, "position": 2, "points": "3"},
            ],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:800]
    paper = Paper.objects.get()
    assert list(paper.paper_questions.values_list("points", flat=True)) == [2, 3]
    assert client.get(f"/admin/learning/paper/{paper.pk}/change/").status_code == 200


def test_out_of_scope_editor_is_refused(client, regions):
    owner = make_editor(region_code="130100", role=Role.REGION_EDITOR)
    paper = paper_save(actor=owner, paper=Paper(region=region("130100"), title="石家庄月考"))
    outsider = make_editor(region_code="131000", role=Role.REGION_EDITOR)
    client.force_login(outsider)
    assert "石家庄月考" not in client.get("/admin/learning/paper/").content.decode()
    change = client.post(
        f"/admin/learning/paper/{paper.pk}/change/", _paper_post("130100", title="改名")
    )
    assert change.status_code in (302, 403, 404)
    paper.refresh_from_db()
    assert paper.title == "石家庄月考"
    # A region outside the scope is not offered on the add form.
    add = client.post("/admin/learning/paper/add/", _paper_post("130100", title="越权"))
    assert add.status_code == 200 and not Paper.objects.filter(title="越权").exists()
    # Someone without the publishing role does not reach the form at all.
    client.force_login(make_editor(region_code="130000", role=Role.HOTLINE_AGENT))
    assert client.get("/admin/learning/paper/add/").status_code in (302, 403)


def test_admin_creates_competition_and_refuses_reversed_window(client, regions):
    editor = make_editor(region_code="131000", role=Role.REGION_EDITOR)
    paper = paper_save(actor=editor, paper=Paper(region=region("131000"), title="初赛卷"))
    client.force_login(editor)
    now = timezone.now().replace(microsecond=0)
    bad = client.post(
        "/admin/learning/competition/add/",
        _competition_post(
            "131000", paper, opens=now, closes=now - timedelta(days=1), ends=now + timedelta(days=5)
        ),
    )
    assert bad.status_code == 200
    assert "报名截止时间须晚于报名开始时间" in bad.content.decode()
    assert not Competition.objects.exists() and not CompetitionRound.objects.exists()
    ok = client.post(
        "/admin/learning/competition/add/",
        _competition_post(
            "131000", paper, opens=now, closes=now + timedelta(days=2), ends=now + timedelta(days=5)
        ),
    )
    assert ok.status_code == 302, ok.content.decode()[:800]
    competition = Competition.objects.get()
    assert competition.eligible_trades == "电工、焊工"
    assert competition.rounds.get().paper == paper
    # Another city's editor cannot change it.
    client.force_login(make_editor(region_code="130100", role=Role.REGION_EDITOR))
    response = client.get(f"/admin/learning/competition/{competition.pk}/change/")
    assert response.status_code in (302, 403, 404)
