"""Benchmarks for jobs.matching (synthetic data, no database).

    .venv/bin/python bench/jobs_matching.py --posts 100000 --resumes 200000

1. Ranking one résumé against N active posts: median over 50 résumés, beside the naive
   per-pair Python scorer (score_pair_naive over every post) measured in the same run.
2. Full refresh estimate: two worker processes, each building its own index and ranking
   (top 50) a sample of résumés; throughput extrapolated to --resumes; peak RSS per worker.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jobs.matching import OCCUPATIONS, JobDoc, JobIndex, ResumeDoc, score_pair_naive

CITIES = {
    "石家庄市": ["长安区", "桥西区", "裕华区", "藁城区", "辛集市"],
    "廊坊市": ["广阳区", "安次区", "三河市", "固安县", "霸州市"],
    "保定市": ["莲池区", "竞秀区", "涿州市", "定州市"],
    "唐山市": ["路南区", "路北区", "遵化市", "丰润区"],
    "邯郸市": ["丛台区", "复兴区", "武安市"],
    "沧州市": ["运河区", "新华区", "任丘市", "黄骅市"],
}
CERTS = ["B2驾驶证", "A2驾驶证", "叉车证", "电工证", "焊工证", "健康证", "保安员证", "C1驾驶证"]
SKILLS = [
    "安全驾驶",
    "装卸货",
    "电气维修",
    "氩弧焊",
    "叉车操作",
    "派件",
    "沟通能力",
    "看懂图纸",
    "仓储物流",
    "吃苦耐劳",
]
EDU = ["不限", "初中", "高中", "中专", "大专"]
TYPES = ["全职", "兼职", "灵活用工"]
TITLES = [s for _code, (_n, syns) in OCCUPATIONS.items() for s in syns[:3]] + [
    "园林绿化工",
    "电梯安装工",
]


def make_posts(n: int, seed: int = 1) -> list[JobDoc]:
    rnd = random.Random(seed)
    posts = []
    for i in range(n):
        city = rnd.choice(list(CITIES))
        title = rnd.choice(TITLES)
        skills = tuple(rnd.sample(SKILLS, 3))
        posts.append(
            JobDoc(
                id=str(i),
                title=title,
                city=city,
                county=rnd.choice(CITIES[city]),
                description=f"招聘{title}，岗位职责：{'、'.join(skills)}；另招{rnd.choice(TITLES)}若干名。",
                skills=skills,
                certificates=tuple(rnd.sample(CERTS, rnd.choice([0, 0, 1]))),
                pay_min=(pmin := rnd.randrange(3000, 9000, 500)),
                pay_max=pmin + rnd.randrange(500, 5000, 500),
                experience_years=rnd.choice([0, 1, 2, 3, 5]),
                education=rnd.choice(EDU),
                employment_type=rnd.choice(TYPES),
            )
        )
    return posts


def make_resumes(n: int, seed: int = 2) -> list[ResumeDoc]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        city = rnd.choice(list(CITIES))
        out.append(
            ResumeDoc(
                id=f"r{i}",
                city=city,
                county=rnd.choice(CITIES[city]),
                desired_titles=(rnd.choice(TITLES),),
                desired_cities=(city,),
                expected_pay=rnd.randrange(4000, 12000, 500),
                experience_years=rnd.randint(0, 10),
                education=rnd.choice(EDU),
                certificates=tuple(rnd.sample(CERTS, 2)),
                skills=tuple(rnd.sample(SKILLS, 3)),
                employment_types=tuple(rnd.sample(TYPES, 2)),
            )
        )
    return out


def _worker(args) -> tuple[int, float, float, float]:
    posts_n, sample, seed = args
    posts = make_posts(posts_n)
    t0 = time.perf_counter()
    index = JobIndex(posts)
    build = time.perf_counter() - t0
    resumes = make_resumes(sample, seed)
    t0 = time.perf_counter()
    for resume in resumes:
        index.rank(resume, top=50)
    elapsed = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return sample, elapsed, build, rss_mb


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--resumes", type=int, default=200_000)
    parser.add_argument("--sample", type=int, default=400, help="résumés ranked per worker")
    parser.add_argument("--naive", type=int, default=3, help="résumés for the naive scorer")
    args = parser.parse_args()

    posts = make_posts(args.posts)
    t0 = time.perf_counter()
    index = JobIndex(posts)
    print(f"index build: {time.perf_counter() - t0:.1f} s for {len(posts)} posts")
    resumes = make_resumes(60, seed=7)
    for r in resumes[:5]:
        index.rank(r, top=10)  # warm-up
    times = []
    for r in resumes[10:60]:
        t0 = time.perf_counter()
        index.rank(r, top=10)
        times.append((time.perf_counter() - t0) * 1000)
    fast = statistics.median(times)
    naive_times = []
    for r in resumes[: args.naive]:
        t0 = time.perf_counter()
        scored = [score_pair_naive(r, p) for p in posts]
        scored.sort(key=lambda m: -m.score)
        naive_times.append((time.perf_counter() - t0) * 1000)
    naive = statistics.median(naive_times)
    p90 = sorted(times)[int(len(times) * 0.9)]
    print(
        f"rank 1 résumé vs {len(posts)} posts: median {fast:.1f} ms (p90 {p90:.1f} ms); "
        f"naive per-pair {naive:.0f} ms; ratio {naive / fast:.0f}x"
    )

    with mp.get_context("spawn").Pool(2) as pool:
        t0 = time.perf_counter()
        results = pool.map(_worker, [(args.posts, args.sample, 11), (args.posts, args.sample, 12)])
        wall = time.perf_counter() - t0
    per_resume = statistics.mean(e / s for s, e, _b, _r in results)
    build = max(b for _s, _e, b, _r in results)
    estimate = build + per_resume * args.resumes / 2
    naive_per_resume = naive / 1000
    naive_estimate = naive_per_resume * args.resumes / 2
    print(
        f"full refresh sample: 2 workers × {args.sample} résumés in {wall:.1f} s wall; "
        f"{per_resume * 1000:.1f} ms/résumé/worker (top 50); peak RSS per worker "
        + ", ".join(f"{r:.0f} MB" for *_x, r in results)
    )
    print(
        f"full refresh estimate {args.resumes} × {args.posts}: "
        f"{estimate / 60:.1f} min with 2 workers; "
        f"naive per-pair: {naive_estimate / 3600:.1f} h; ratio {naive_estimate / estimate:.0f}x"
    )


if __name__ == "__main__":
    main()
