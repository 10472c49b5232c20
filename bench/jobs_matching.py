"""Benchmarks for jobs.matching (synthetic data, no database).

    .venv/bin/python bench/jobs_matching.py --posts 100000 --resumes 200000

1. Ranking one résumé against N active posts (the site's path when a member saves): median
   over 50 résumés, beside the naive per-pair Python scorer (score_pair_naive over every post)
   measured in the same run.
2. The full refresh, run for real: two worker processes (spawned), each building its own
   index and ranking every other chunk of the résumés (ordered by occupation and chunked as
   ``matching_refresh_plan`` does), top 50 each (``JobIndex.rank_rows``: matrix products
   per occupation group, scores only). Wall time and peak
   RSS of each worker; beside it, on a sample in the same run, the per-résumé path with
   explanations (what the refresh did before) and the naive per-pair scorer, extrapolated.
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

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jobs.matching import (
    OCCUPATIONS,
    JobDoc,
    JobIndex,
    ResumeDoc,
    occupation_key,
    score_pair_naive,
)

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
                desired_titles=tuple(rnd.sample(TITLES, 1 if rnd.random() < 0.7 else 2)),
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


def _refresh_worker(args) -> dict:
    """One worker of the full refresh. Like ``matching_refresh_plan``, the résumés are
    ordered by occupation and cut into chunks; worker ``k`` takes every other chunk (two
    workers sharing a queue), ranks each (top 50) with ``rank_rows`` and keeps the results
    as compact arrays (post row, score)."""
    posts_n, resumes_n, chunk, k = args
    t_start, cpu_start = time.perf_counter(), time.process_time()
    posts = make_posts(posts_n)
    t0 = time.perf_counter()
    index = JobIndex(posts)
    build = time.perf_counter() - t0
    del posts
    t0 = time.perf_counter()
    resumes = []
    for start in range(0, resumes_n, 10_000):
        resumes.extend(make_resumes(min(10_000, resumes_n - start), seed=1000 + start))
    resumes.sort(key=occupation_key)
    mine = [resumes[i : i + chunk] for i in range(0, resumes_n, chunk)][k::2]
    del resumes
    generate = time.perf_counter() - t0
    n = sum(len(part) for part in mine)
    top_ids = np.full((n, 50), -1, dtype=np.int32)
    top_scores = np.zeros((n, 50), dtype=np.float32)
    t0, cpu0 = time.perf_counter(), time.process_time()
    i = 0
    for part in mine:
        for rows, scores, _text in index.rank_rows(part, top=50):
            top_ids[i, : len(rows)] = rows
            top_scores[i, : len(rows)] = scores
            i += 1
    rank, rank_cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return {
        "resumes": n,
        "chunks": len(mine),
        "build": build,
        "rank": rank,
        "rank_cpu": rank_cpu,
        "generate": generate,
        "wall": time.perf_counter() - t_start,
        "cpu": time.process_time() - cpu_start,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "results": int((top_ids >= 0).sum()),
        "full": int((top_ids[:, 49] >= 0).sum()),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--resumes", type=int, default=200_000)
    parser.add_argument("--chunk", type=int, default=500, help="résumés per refresh chunk")
    parser.add_argument("--sample", type=int, default=200, help="résumés for the per-résumé path")
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
    naive_times, naive_cpu = [], []
    for r in resumes[: args.naive]:
        t0, c0 = time.perf_counter(), time.process_time()
        scored = [score_pair_naive(r, p) for p in posts]
        scored.sort(key=lambda m: -m.score)
        naive_times.append((time.perf_counter() - t0) * 1000)
        naive_cpu.append((time.process_time() - c0) * 1000)
    naive = statistics.median(naive_times)
    naive_c = statistics.median(naive_cpu)
    p90 = sorted(times)[int(len(times) * 0.9)]
    print(
        f"rank 1 résumé vs {len(posts)} posts: median {fast:.1f} ms (p90 {p90:.1f} ms); "
        f"naive per-pair {naive:.0f} ms; ratio {naive / fast:.0f}x"
    )
    # The per-résumé path with explanations (the refresh before batching), on a sample.
    sample = make_resumes(args.sample, seed=99)
    t0, c0 = time.perf_counter(), time.process_time()
    for r in sample:
        index.rank(r, top=50)
    per_resume = (time.perf_counter() - t0) / len(sample)
    per_resume_c = (time.process_time() - c0) / len(sample)
    del index, posts

    jobs = [(args.posts, args.resumes, args.chunk, k) for k in range(2)]
    with mp.get_context("spawn").Pool(2) as pool:
        t0 = time.perf_counter()
        results = pool.map(_refresh_worker, jobs)
        wall = time.perf_counter() - t0
    for k, res in enumerate(results, start=1):
        print(
            f"  worker {k}: {res['resumes']} résumés in {res['chunks']} chunks, "
            f"index {res['build']:.1f} s, ranking {res['rank']:.1f} s "
            f"({res['rank_cpu']:.1f} s CPU; +{res['generate']:.1f} s making synthetic résumés), "
            f"{res['wall']:.1f} s in all ({res['cpu']:.1f} s CPU), "
            f"peak RSS {res['rss_mb']:.0f} MB, "
            f"{res['results']} results ({res['full']} résumés with a full top 50)"
        )
    work = max(r["build"] + r["rank"] for r in results)
    naive_total = naive / 1000 * args.resumes / 2
    old_total = max(r["build"] for r in results) + per_resume * args.resumes / 2
    print(
        f"full refresh {args.resumes} × {args.posts} (top 50), 2 workers: {wall / 60:.2f} min "
        f"wall ({work / 60:.2f} min index + ranking in the slower worker); "
        f"per-résumé path {per_resume * 1000:.1f} ms/résumé → est. {old_total / 60:.1f} min "
        f"(ratio {old_total / work:.1f}x); naive per-pair est. {naive_total / 3600:.1f} h "
        f"(ratio {naive_total / work:.0f}x); ratios against index + ranking"
    )
    # CPU seconds, which a crowded machine does not inflate: what two free cores would take.
    batch_c = max(r["rank_cpu"] for r in results) / max(r["resumes"] for r in results)
    print(
        f"CPU per résumé (top 50): batch {batch_c * 1000:.2f} ms; per-résumé path "
        f"{per_resume_c * 1000:.1f} ms (ratio {per_resume_c / batch_c:.0f}x); naive per-pair "
        f"{naive_c:.0f} ms (ratio {naive_c / 1000 / batch_c:.0f}x); refresh on two free cores "
        f"≈ {max(r['cpu'] for r in results) / 60:.1f} min (slower worker's CPU time, "
        "synthetic résumé generation included)"
    )


if __name__ == "__main__":
    main()
