"""Rank every job for every résumé of an evaluation set with the site's engine and score it."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jobs.matching import (
    JobIndex,
    job_from_dict,
    learn_titles,
    mapper_with,
    ndcg_at,
    precision_at,
    resume_from_dict,
)


def _read_jsonl(path: Path) -> list[dict]:
    try:
        with path.open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]
    except FileNotFoundError as exc:
        raise CommandError(_("找不到文件：%(path)s") % {"path": path}) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CommandError(
            _("%(path)s 不是有效的 JSON Lines：%(error)s") % {"path": path, "error": exc}
        ) from exc


class Command(BaseCommand):
    help = "用站点的匹配引擎为评测集中的每份简历排序全部岗位，输出运行文件并计算 nDCG@10、P@5"

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--run-out", type=Path, required=True)
        parser.add_argument("--depth", type=int, default=100, help="每份简历写出的岗位数")

    def handle(self, *args, directory: Path, run_out: Path, depth: int, **options):
        try:
            jobs = [job_from_dict(row) for row in _read_jsonl(directory / "jobs.jsonl")]
            resumes = [resume_from_dict(row) for row in _read_jsonl(directory / "resumes.jsonl")]
        except (KeyError, TypeError, ValueError) as exc:
            raise CommandError(_("评测数据缺少字段或格式错误：%(error)s") % {"error": exc}) from exc
        # The vocabulary is learned from the set's own posts, as the nightly task learns it
        # from the site's: the evaluation sees what a site holding these posts would.
        learned = learn_titles((j.title, j.skills, j.certificates) for j in jobs)
        index = JobIndex(jobs, mapper=mapper_with(learned))
        runs: dict[str, list[str]] = {}
        with run_out.open("w", encoding="utf-8") as out:
            for resume in resumes:
                matches = index.rank(resume, top=depth)
                runs[resume.id] = [m.job_id for m in matches]
                for match in matches:
                    out.write(f"{resume.id}\t{match.job_id}\t{match.score:.4f}\n")
        self.stdout.write(f"ranked {len(jobs)} jobs for {len(resumes)} resumes → {run_out}")
        qrels_path = directory / "qrels.tsv"
        if not qrels_path.exists():
            return
        qrels: dict[str, dict[str, int]] = defaultdict(dict)
        for line in qrels_path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 3 and parts[2].strip().lstrip("-").isdigit():
                qrels[parts[0]][parts[1]] = int(parts[2])
        ids = [r.id for r in resumes]
        ndcg = sum(ndcg_at(runs[i], qrels.get(i, {}), 10) for i in ids) / max(1, len(ids))
        p5 = sum(precision_at(runs[i], qrels.get(i, {}), 5, 2) for i in ids) / max(1, len(ids))
        self.stdout.write(f"nDCG@10\t{ndcg:.4f}\t(gain 2^grade-1)")
        self.stdout.write(f"P@5\t{p5:.4f}\t(relevant: grade >= 2)")
