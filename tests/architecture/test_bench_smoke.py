"""Benchmarks that cannot rot: every script of bench/ runs in CI in its --smoke mode."""

from __future__ import annotations

from pathlib import Path

from bench.smoke import NOT_SCRIPTS, RUNS

ROOT = Path(__file__).resolve().parents[2]


def test_every_script_of_bench_has_a_smoke_run_or_a_reason():
    scripts = {path.name for path in (ROOT / "bench").glob("*.py") if path.name != "__init__.py"}
    listed = {run.script for run in RUNS} | set(NOT_SCRIPTS)
    assert scripts - listed == set(), "add them to bench/smoke.py RUNS (or NOT_SCRIPTS)"
    assert listed - scripts == set(), "bench/smoke.py names scripts that are gone"


def test_every_smoke_run_asks_for_a_mode_the_script_has():
    for run in RUNS:
        source = (ROOT / "bench" / run.script).read_text(encoding="utf-8")
        for flag in run.argv:
            assert flag in source, f"bench/{run.script} has no {flag}"


def test_ci_runs_the_smoke_runner():
    assert "bench/smoke.py" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
