"""The national occupation classification: loading it, mapping titles onto it, learning
titles from posts, staff corrections, and the explanations naming the link."""

import pytest
from django.core.management import CommandError, call_command

from jobs import services
from jobs.matching import (
    JobDoc,
    JobIndex,
    ResumeDoc,
    TitleMapper,
    classification,
    learn_titles,
    mapper_with,
    parse_occupations,
    score_pair_naive,
)
from jobs.matching.occupations import OccupationFileError
from jobs.models import JobPost, Occupation, OccupationTitle
from jobs.occupation_map import site_mapper
from tests.jobs.factories import make_employer, make_moderator, make_post


def test_the_committed_file_holds_the_classification():
    csco = classification()
    assert len(csco.occupations) > 1600
    assert csco.name("4-10-08-01") == "网约配送员"
    assert csco.group_name("4-10-08") and csco.group_name("4-10")


@pytest.mark.parametrize(
    "line, message",
    [
        ("4\t4-10-08-01\t网约配送员", "4 列"),
        ("9\t4-10-08-01\t网约配送员\t", "层级"),
        ("4\t41008\t网约配送员\t", "代码"),
        ("4\t4-10-08-01\t\t", "名称"),
    ],
)
def test_a_malformed_line_is_named(line, message):
    with pytest.raises(OccupationFileError, match=message):
        parse_occupations(f"# header\n{line}\n")


@pytest.mark.django_db
def test_load_command_is_idempotent_and_a_bad_file_changes_nothing(tmp_path, capsys):
    call_command("load_occupations")
    count = Occupation.objects.count()
    assert count == len(classification().occupations)
    assert Occupation.objects.get(code="4-10-08-01").minor_group
    call_command("load_occupations")
    assert "0 created, 0 updated" in capsys.readouterr().out
    bad = tmp_path / "bad.tsv"
    bad.write_text("4\t4-99-99-99\t新职业\t\n4\tnot-a-code\t坏行\t\n", encoding="utf-8")
    with pytest.raises(CommandError, match="格式错误"):
        call_command("load_occupations", "--file", str(bad))
    assert Occupation.objects.count() == count
    assert not Occupation.objects.filter(code="4-99-99-99").exists()


def _posts(title, skills, n=3):
    return [(title, skills, ["健康证"]) for _ in range(n)]


def test_a_title_the_classification_lacks_is_learned_from_the_skills_its_posts_ask_for():
    delivery = ["电动车驾驶", "熟悉城区路线", "接单配送", "准时送达"]
    corpus = (
        _posts("网约配送员", delivery)
        + _posts("外卖小哥", delivery)
        + _posts("保洁员", ["清洁打扫", "垃圾分类"])
    )
    assert TitleMapper().map("外卖小哥") == ()  # the classification alone cannot place it
    vocabulary = learn_titles(corpus)
    mapper = mapper_with(vocabulary)
    assert mapper.map("外卖小哥")[0][0] == "4-10-08-01"
    # and a title like it inherits the learned one (character n-grams)
    assert mapper.map("外卖小哥（夜班）")[0][0] == "4-10-08-01"


def test_the_explanation_names_the_occupation_link_and_an_unmapped_title_says_so():
    seeker = ResumeDoc(id="r", city="廊坊市", desired_titles=("送餐员",))
    post = JobDoc(id="p", title="配送员", city="廊坊市", skills=("接单配送",))
    match = score_pair_naive(seeker, post)
    assert "送餐员与配送员同属 4-10-08-01 网约配送员" in match.explanation
    odd = JobDoc(id="q", title="阿巴阿巴", city="廊坊市", skills=("接单配送",))
    seeker_skills = ResumeDoc(
        id="s", city="廊坊市", desired_titles=("送餐员",), skills=("接单配送",)
    )
    index = JobIndex([odd])
    [ranked] = index.rank(seeker_skills, top=5)  # matched by text and skills alone
    assert ranked.score > 0
    assert "未能对应到国家职业分类" in ranked.explanation


@pytest.mark.django_db
def test_nightly_learning_and_a_staff_correction_are_used_next_time(regions):
    call_command("load_occupations")
    employer = make_employer()
    for _ in range(3):
        make_post(employer=employer, title="外卖小哥", skills=["接单配送", "熟悉城区路线"])
        make_post(employer=employer, title="网约配送员", skills=["接单配送", "熟悉城区路线"])
    assert services.occupation_vocabulary_learn() > 0
    learned = OccupationTitle.objects.get(title="外卖小哥")
    assert learned.source == "learned" and learned.occupation_id == "4-10-08-01"
    post = make_post(employer=employer, title="外卖小哥")
    assert post.occupation == "4-10-08-01" and 0 < post.occupation_confidence < 1

    staff = make_moderator()
    cleaner = Occupation.objects.get(code="4-09-08-01")
    changed = services.occupation_title_correct(actor=staff, title="外卖小哥", occupation=cleaner)
    assert changed >= 1
    post.refresh_from_db()
    assert post.occupation == "4-09-08-01"
    assert site_mapper().map("外卖小哥") == (("4-09-08-01", 1.0),)
    # the next learning keeps the correction
    services.occupation_vocabulary_learn()
    assert OccupationTitle.objects.get(title="外卖小哥").source == "staff"
    again = make_post(employer=employer, title="外卖小哥")
    assert JobPost.objects.get(pk=again.pk).occupation == "4-09-08-01"


@pytest.mark.django_db
def test_staff_correct_a_title_in_the_admin_and_others_may_not(client, regions, settings):
    from django.urls import reverse

    from tests.accounts.factories import UserFactory

    settings.PORTAL_STAFF_MFA_REQUIRED = False
    call_command("load_occupations")
    employer = make_employer()
    post = make_post(employer=employer, title="外卖小哥")
    url = reverse("admin:jobs_occupationtitle_add")
    client.force_login(UserFactory())
    assert client.get(url).status_code in (302, 403, 404)  # not staff: no admin
    client.force_login(make_moderator())
    assert client.get(reverse("admin:jobs_occupation_changelist")).status_code == 200
    response = client.post(url, {"title": "外卖小哥", "occupation": "4-10-08-01"})
    assert response.status_code == 302, response.content.decode()[:2000]
    correction = OccupationTitle.objects.get(title="外卖小哥")
    assert correction.source == "staff" and correction.occupation_id == "4-10-08-01"
    post.refresh_from_db()
    assert (post.occupation, post.occupation_source) == ("4-10-08-01", "auto")


def test_unseen_vocabulary_set_stays_above_its_target(tmp_path, capsys):
    """The generated set of titles the dev set never uses (bench/matching_unseen.py)."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "bench" / "data" / "matching-unseen"
    call_command("evaluate_matching", str(folder), "--run-out", str(tmp_path / "run.tsv"))
    out = capsys.readouterr().out
    ndcg = float(out.split("nDCG@10\t")[1].split("\t")[0])
    assert ndcg >= 0.95


@pytest.mark.django_db
def test_the_site_indexes_score_with_the_learned_links(regions):
    from jobs.models import OccupationLink
    from jobs.occupation_map import site_vocabulary_changed
    from jobs.services import matching

    call_command("load_occupations")
    OccupationLink.objects.create(a_id="4-10-01-05", b_id="4-14-01-02", fit=0.8)
    site_vocabulary_changed()
    assert matching.job_index().mapper.fit("4-14-01-02", "4-10-01-05") == 0.8
    index, _versions = matching.resume_index()
    assert index.mapper is matching.job_index().mapper  # both directions score alike


def _many_titles(n_posts):
    """Every post a title and skill wordings of its own: the worst case for the caps."""
    for i in range(n_posts):
        yield (f"岗位{i}号操作工", [f"技能{i}甲", f"技能{i}乙", "吃苦耐劳"], [])


def _learning_peak(n_posts):
    import tracemalloc

    tracemalloc.start()
    try:
        vocabulary = learn_titles(_many_titles(n_posts), max_titles=50, max_terms=100)
        return tracemalloc.get_traced_memory()[1], vocabulary
    finally:
        tracemalloc.stop()


def test_learning_memory_is_capped_whatever_the_number_of_distinct_titles():
    learn_titles(_many_titles(10))  # the classification's mapper is loaded once, untraced
    small_peak, _small = _learning_peak(2_000)
    large_peak, large = _learning_peak(16_000)
    assert len(large.titles) <= 50
    # 8× the titles and skills, the same bounded state: about 0.3 MB here, where without the
    # caps 2,000 titles take 80 MB and 16,000 some 5 GB (the title × title similarities)
    assert large_peak < 2 * small_peak < 4 * 1024 * 1024
