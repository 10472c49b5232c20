"""The engine alone: taxonomy, hard certificates, location order, explanations, speed path
agreeing with the per-pair path, and the evaluation command on a hand-written fixture."""

import dataclasses
import json

import numpy as np
import pytest
from django.core.management import call_command

from jobs.matching import (
    JobDoc,
    JobIndex,
    ResumeDoc,
    ResumeIndex,
    certificates_held,
    default_mapper,
    education_code,
    education_fit,
    ndcg_at,
    resume_missing_fields,
    score_pair_naive,
)

DRIVER = ResumeDoc(
    id="r1",
    city="廊坊市",
    county="三河市",
    desired_titles=("货车司机",),
    desired_cities=("廊坊市",),
    expected_pay=8000,
    experience_years=6,
    education="高中",
    certificates=("A2驾驶证",),
    skills=("安全驾驶", "装卸货"),
    employment_types=("全职",),
)


def job(**kw):
    base = {
        "id": "j",
        "title": "货运司机",
        "city": "廊坊市",
        "county": "三河市",
        "pay_min": 7000,
        "pay_max": 9000,
        "experience_years": 2,
        "education": "初中",
        "employment_type": "全职",
        "certificates": ("B2驾驶证",),
        "skills": ("安全驾驶",),
    }
    base.update(kw)
    return JobDoc(**base)


def code(title):
    mapped = default_mapper().map(title)
    return mapped[0][0] if mapped else None


def test_titles_map_onto_the_national_classification():
    # exact alias (the noise around a title does not count), then similarity
    assert code("急招叉车工") == code("叉车司机") == "6-30-05-01"
    assert code("货运司机（夜班）") == "4-02-02-02"
    assert code("电焊工") == "6-18-02-04"  # 焊工, by character n-grams
    assert code("阿巴阿巴") is None


def test_a_mention_in_the_description_does_not_make_a_security_job():
    post = job(
        id="x",
        title="仓库理货员",
        description="负责出入库。另招保安若干名，待遇面议。",
        certificates=(),
    )
    seeker = ResumeDoc(
        id="s", city="廊坊市", desired_titles=("保安员",), desired_cities=("廊坊市",)
    )
    assert code(post.title) != code("保安员")
    index = JobIndex([post, job(id="guard", title="保安", certificates=())])
    ranked = index.rank(seeker, top=5)
    assert [m.job_id for m in ranked] == ["guard"]


def test_missing_certificate_sinks_a_post_and_says_so():
    no_licence = ResumeDoc(**{**DRIVER.__dict__, "certificates": ()})
    match = score_pair_naive(no_licence, job())
    assert "缺少B2驾驶证" in match.gaps
    assert match.score < score_pair_naive(DRIVER, job()).score * 0.1


def test_higher_licence_covers_lower():
    assert "B2驾驶证" in certificates_held(["A2驾照"])
    assert "持有B2驾驶证" in score_pair_naive(DRIVER, job()).reasons


def test_location_county_before_city_before_province():
    county = score_pair_naive(DRIVER, job(county="三河市")).score
    city = score_pair_naive(DRIVER, job(county="固安县")).score
    province = score_pair_naive(DRIVER, job(city="石家庄市", county="长安区")).score
    assert county > city > province
    assert "同在三河市" in score_pair_naive(DRIVER, job()).reasons
    assert "同在廊坊市" in score_pair_naive(DRIVER, job(county="固安县")).reasons


def test_a_county_of_the_same_name_in_another_city_is_not_home():
    # 新华区 is a district of 石家庄市 and of 沧州市: the per-pair scorer (which writes the
    # explanation) compares the county within its city, as the index does.
    seeker = ResumeDoc(id="r", city="沧州市", county="新华区", desired_titles=("货车司机",))
    far = job(city="石家庄市", county="新华区", certificates=())
    match = score_pair_naive(seeker, far)
    assert "同在新华区" not in match.reasons
    assert any("不在期望城市" in g for g in match.gaps)
    index = JobIndex([far])
    [(_rows, scores, _t)] = index.rank_rows([seeker], top=1)
    assert scores[0] == pytest.approx(match.score)


def test_pay_experience_education_type_each_lower_the_score_and_explain():
    good = score_pair_naive(DRIVER, job())
    assert "薪资符合期望" in good.reasons
    for worse in (
        job(pay_max=6500),
        job(experience_years=9),
        job(education="本科"),
        job(employment_type="兼职"),
    ):
        match = score_pair_naive(DRIVER, worse)
        assert match.score < good.score and match.gaps


def test_a_vocational_requirement_orders_an_equal_general_school_leaver_after():
    """高中 and 中专 are one level (the national classification): a 高中 seeker meets a
    中专 post's level, so it stays far above a post a level out of reach, but below the
    same post asking for 高中; a 中专 seeker meets both, and a higher level any track."""
    general = score_pair_naive(DRIVER, job(id="g", education="高中"))
    vocational = score_pair_naive(DRIVER, job(id="v", education="中专"))
    higher = score_pair_naive(DRIVER, job(id="h", education="大专"))
    assert higher.score < vocational.score < general.score
    assert any("职业教育" in g for g in vocational.gaps)
    assert any("学历满足" in r for r in general.reasons)
    for seeker_education in ("中专", "大专"):
        seeker = dataclasses.replace(DRIVER, education=seeker_education)
        assert score_pair_naive(seeker, job(education="中专")).score == pytest.approx(
            score_pair_naive(seeker, job(education="高中")).score
        )
    assert education_fit(education_code("技校"), education_code("中专及以上")) == 1.0
    posts = [job(id="g", education="高中"), job(id="v", education="中专")]
    index = JobIndex(posts)
    [(rows, scores, _t)] = index.rank_rows([DRIVER], top=2)
    assert [posts[r].id for r in rows] == ["g", "v"]
    text = float(index.text_scores(DRIVER)[1])
    assert scores[1] == pytest.approx(score_pair_naive(DRIVER, posts[1], text=text).score, abs=1e-3)
    _pos, by_post, _t = ResumeIndex([DRIVER]).rank_post(index, index.row("v"), top=1)
    assert by_post[0] == scores[1]


def test_vectorised_ranking_agrees_with_the_per_pair_scorer():
    posts = [
        job(id="a"),
        job(id="b", county="固安县"),
        job(id="c", title="叉车司机", certificates=("叉车证",)),
        job(id="d", title="快递员", certificates=()),
        job(id="e", pay_max=6000),
        job(id="f", title="园林绿化工", certificates=()),
    ]
    index = JobIndex(posts)
    ranked = index.rank(DRIVER, top=10)
    text = dict(zip([p.id for p in posts], index.text_scores(DRIVER), strict=True))
    for match in ranked:
        naive = score_pair_naive(DRIVER, index.job(match.job_id), text=float(text[match.job_id]))
        assert match.score == pytest.approx(naive.score, abs=1e-3)
    assert ranked[0].job_id == "a"
    assert [m.job_id for m in ranked] == [m.job_id for m in sorted(ranked, key=lambda m: -m.score)]


def test_deterministic():
    posts = [job(id=str(i), county=["三河市", "固安县"][i % 2]) for i in range(20)]
    first = [m.job_id for m in JobIndex(posts).rank(DRIVER, top=10)]
    assert first == [m.job_id for m in JobIndex(posts).rank(DRIVER, top=10)]


def test_empty_resume_says_what_is_missing():
    assert resume_missing_fields(ResumeDoc(id="e")) == ["期望职位或工作经历", "期望城市或所在城市"]


def test_ndcg():
    assert ndcg_at(["a", "b"], {"a": 3, "b": 1}) == pytest.approx(1.0)
    assert ndcg_at(["b", "a"], {"a": 3, "b": 1}) < 1.0


def test_evaluate_matching_command(tmp_path, capsys):
    jobs = [
        {
            "id": "J1",
            "title": "货运司机",
            "city": "廊坊市",
            "county": "三河市",
            "salary_min": 7000,
            "salary_max": 9000,
            "experience_years": 1,
            "education": "初中",
            "certificates_required": ["B2驾驶证"],
            "skills": ["安全驾驶"],
            "description": "干线运输",
            "employment_type": "全职",
        },
        {
            "id": "J2",
            "title": "重卡司机",
            "city": "保定市",
            "county": "莲池区",
            "salary_min": 6000,
            "salary_max": 7000,
            "experience_years": 1,
            "education": "初中",
            "certificates_required": [],
            "skills": [],
            "description": "",
            "employment_type": "兼职",
        },
        {
            "id": "J3",
            "title": "仓管员",
            "city": "廊坊市",
            "county": "三河市",
            "salary_min": 5000,
            "salary_max": 6000,
            "experience_years": 0,
            "education": "不限",
            "certificates_required": [],
            "skills": [],
            "description": "另招货车司机若干名",
            "employment_type": "全职",
        },
    ]
    resumes = [
        {
            "id": "R1",
            "city": "廊坊市",
            "county": "三河市",
            "desired_titles": ["货运司机"],
            "desired_cities": ["廊坊市"],
            "expected_salary": 8000,
            "experience_years": 5,
            "education": "高中",
            "certificates": ["B2驾驶证"],
            "skills": ["安全驾驶"],
            "employment_types": ["全职"],
            "work_history": [{"title": "货车司机", "years": 5}],
            "summary": "",
        }
    ]
    (tmp_path / "jobs.jsonl").write_text(
        "\n".join(json.dumps(j, ensure_ascii=False) for j in jobs), encoding="utf-8"
    )
    (tmp_path / "resumes.jsonl").write_text(
        json.dumps(resumes[0], ensure_ascii=False), encoding="utf-8"
    )
    (tmp_path / "qrels.tsv").write_text("R1\tJ1\t3\nR1\tJ2\t1\n", encoding="utf-8")
    run = tmp_path / "run.tsv"
    call_command("evaluate_matching", str(tmp_path), "--run-out", str(run))
    out = capsys.readouterr().out
    lines = run.read_text().splitlines()
    assert lines[0].split("\t")[:2] == ["R1", "J1"]
    assert "nDCG@10\t1.0000" in out
    assert "P@5" in out


def _random_docs(n_posts: int, n_resumes: int, seed: int = 3):
    """Varied posts and résumés (shared titles, so the batch path groups them)."""
    import random

    rnd = random.Random(seed)
    titles = ["货车司机", "货运司机", "叉车工", "仓管员", "快递员", "电焊工", "园林绿化工", "保安"]
    places = {"廊坊市": ["三河市", "固安县", "广阳区"], "石家庄市": ["长安区", "桥西区"]}
    certs = ["B2驾驶证", "A2驾驶证", "叉车证", "焊工证", "健康证"]
    skills = ["安全驾驶", "装卸货", "叉车操作", "派件", "氩弧焊", "吃苦耐劳", "仓储物流"]
    posts = []
    for i in range(n_posts):
        city = rnd.choice(list(places))
        posts.append(
            JobDoc(
                id=f"p{i}",
                title=rnd.choice(titles),
                city=city,
                county=rnd.choice(places[city]),
                description="、".join(rnd.sample(skills, 2)),
                skills=tuple(rnd.sample(skills, 2)),
                certificates=tuple(rnd.sample(certs, rnd.choice([0, 0, 1]))),
                pay_min=(low := rnd.randrange(3000, 9000, 500)),
                pay_max=low + rnd.randrange(0, 4000, 500),
                experience_years=rnd.choice([0, 1, 3]),
                education=rnd.choice(["不限", "初中", "高中", "中专", "大专"]),
                employment_type=rnd.choice(["全职", "兼职", "灵活用工"]),
            )
        )
    resumes = []
    for i in range(n_resumes):
        city = rnd.choice(list(places))
        resumes.append(
            ResumeDoc(
                id=f"r{i}",
                city=city,
                county=rnd.choice(places[city]),
                desired_titles=tuple(rnd.sample(titles, rnd.choice([1, 1, 2]))),
                desired_cities=(city,),
                expected_pay=rnd.choice([None, 5000, 8000, 11000]),
                experience_years=rnd.randint(0, 5),
                education=rnd.choice(["初中", "高中", "中专", "大专"]),
                certificates=tuple(rnd.sample(certs, rnd.choice([0, 1, 2]))),
                skills=tuple(rnd.sample(skills, 2)),
                employment_types=tuple(
                    rnd.sample(["全职", "兼职", "灵活用工"], rnd.choice([0, 1]))
                ),
            )
        )
    return posts, resumes


def test_batch_ranking_equals_the_single_resume_path_and_the_pair_scorer():
    posts, resumes = _random_docs(600, 150)
    index = JobIndex(posts)
    batch = index.rank_rows(resumes, top=20, block=16)  # several blocks per title group
    assert len({r.seeker_titles() for r in resumes}) < len(resumes)  # groups were shared
    for resume, (rows, scores, texts) in zip(resumes, batch, strict=True):
        single = index.rank(resume, top=20)
        assert [index.ids[r] for r in rows] == [m.job_id for m in single]
        assert list(scores) == [m.score for m in single]
        for row, score, text in zip(rows, scores, texts, strict=True):
            naive = score_pair_naive(resume, posts[row], text=float(text))
            assert score == pytest.approx(naive.score, abs=1e-3)
        # the kept scores are the best of all pairs scored one by one
        text_all = index.text_scores(resume)
        exhaustive = sorted(
            (
                score_pair_naive(resume, p, text=float(text_all[i])).score
                for i, p in enumerate(posts)
            ),
            reverse=True,
        )
        best = [s for s in exhaustive if s > 0][:20]
        assert list(scores) == pytest.approx(best, abs=1e-3)


def _odd_docs():
    """Cases the random set rarely makes: titles outside the taxonomy on either side, no
    county, history titles only, neighbouring occupations, a certificate nobody holds."""
    posts = [
        job(id="gardener", title="园林绿化工", certificates=()),
        job(id="garden-2", title="绿化养护工", county="", certificates=("园林证",)),
        job(id="permit", title="货运司机", certificates=("道路运输从业资格证", "B2驾驶证")),
        job(id="forklift", title="叉车工", certificates=("叉车证",), employment_type="兼职"),
        job(id="warehouse", title="仓储管理员", certificates=(), education="大专", pay_max=4000),
    ]
    resumes = [
        ResumeDoc(id="gardener", city="廊坊市", desired_titles=("园林绿化工",)),
        # 理货员 and 仓储管理员: one minor group (4-02-06) of the classification
        ResumeDoc(id="history", city="保定市", history_titles=("叉车司机", "理货员")),
        ResumeDoc(
            id="both",
            city="廊坊市",
            county="三河市",
            desired_titles=("货车司机", "绿化工"),
            certificates=("A2驾照", "道路运输从业资格证"),
            expected_pay=12000,
        ),
        ResumeDoc(id="no-county", city="廊坊市", desired_titles=("仓管员",), education="初中"),
    ]
    return posts, resumes


def _pairs_by_batch(index, resumes):
    """(post row, résumé position) → (score, text) as the nightly refresh ranks them."""
    pairs = {}
    for i, (rows, scores, texts) in enumerate(index.rank_rows(resumes, top=len(index))):
        for row, score, text in zip(rows, scores, texts, strict=True):
            pairs[int(row), i] = (score, text)
    return pairs


def test_post_direction_scores_equal_the_batch_ones():
    posts, resumes = _random_docs(300, 400, seed=11)
    odd_posts, odd_resumes = _odd_docs()
    posts, resumes = posts + odd_posts, resumes + odd_resumes
    index, by_post = JobIndex(posts), ResumeIndex(resumes)
    batch = _pairs_by_batch(index, resumes)
    ranked = {}
    for row in range(len(posts)):
        positions, scores, texts = by_post.rank_post(index, row)
        # best first, ties by position
        order = list(zip(-scores, positions, strict=True))
        assert order == sorted(order)
        for pos, score, text in zip(positions, scores, texts, strict=True):
            ranked[row, int(pos)] = (score, text)
    assert ranked.keys() == batch.keys()  # the same pairs score above 0 …
    assert ranked == batch  # … with bit-identical scores and text similarity
    for (row, pos), (score, text) in list(ranked.items())[::25]:
        naive = score_pair_naive(resumes[pos], posts[row], text=float(text))
        assert score == pytest.approx(naive.score, abs=1e-3)
    # the odd cases took part: title similarity both ways, a neighbouring occupation
    gardener = index.row("gardener")
    assert {resumes[p].id for p in by_post.rank_post(index, gardener)[0]} >= {"gardener", "both"}
    assert by_post.position("history") in by_post.rank_post(index, index.row("warehouse"))[0]


def test_post_direction_top_k_is_the_head_of_the_full_ranking():
    posts, resumes = _random_docs(50, 300, seed=5)
    index, by_post = JobIndex(posts), ResumeIndex(resumes)
    for row in range(0, 50, 7):
        full = by_post.rank_post(index, row)
        assert len(full[0]) > 10
        head = by_post.rank_post(index, row, top=10)
        for whole, part in zip(full, head, strict=True):
            assert list(part) == list(whole[:10])
        floor = float(full[1][len(full[1]) // 2])
        above = by_post.rank_post(index, row, min_score=floor)
        assert list(above[1]) == [s for s in full[1] if s > floor]


def test_resume_index_brought_up_to_date_equals_a_fresh_build():
    posts, resumes = _random_docs(200, 120, seed=7)
    index = JobIndex(posts)
    older = ResumeIndex(resumes)
    older.rank_post(index, 0)  # memoises the weighting of the old rows
    changed = [
        ResumeDoc(
            **{**resumes[3].__dict__, "desired_titles": ("园林绿化工",), "skills": ("修剪",)}
        ),
        ResumeDoc(id="new", city="石家庄市", desired_titles=("叉车工",), skills=("新词汇",)),
    ]
    newer = older.replace(changed, remove=[resumes[5].id, "not-there"])
    kept = [r for r in resumes if r.id not in {resumes[3].id, resumes[5].id}] + changed
    fresh = ResumeIndex(kept)
    assert newer.ids == fresh.ids and len(newer) == len(resumes)
    for row in range(len(posts)):
        assert all(
            np.array_equal(a, b)
            for a, b in zip(newer.rank_post(index, row), fresh.rank_post(index, row), strict=True)
        )
    # the older index is untouched and still ranks its own résumés
    assert older.position(resumes[5].id) is not None and older.position("new") is None
    assert len(older.rank_post(index, 0)[0]) == len(ResumeIndex(resumes).rank_post(index, 0)[0])
