"""Every benchmark of ``bench/`` in its ``--smoke`` mode, one after another, so a change
that breaks a benchmark breaks CI (``.ci/run``) instead of the next person who measures.

    BENCH_PG=postgres://postgres@127.0.0.1:5432 .venv/bin/python bench/smoke.py [name ...]

Each benchmark that needs PostgreSQL gets a database of its own, cloned from one migrated
template (``bench_smoke_template``: ``CREATE DATABASE … TEMPLATE``, a second instead of a
migration per benchmark), and a Redis database of its own (``BENCH_REDIS``, dbs 8–15, the
cache in the odd ones). A benchmark that fails (exit status not 0, or over its time limit)
fails the run; every one runs and the summary names all that failed.
``tests/architecture/test_bench_smoke.py`` holds every script of ``bench/`` to a place in
``RUNS`` (or a reason in ``NOT_SCRIPTS``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = "bench_smoke_template"


@dataclass(frozen=True)
class Run:
    script: str
    argv: tuple[str, ...] = ("--smoke",)
    #: "fresh": its own database cloned from the template; "own": the script makes its own
    #: (named in ``env``); None: no database.
    database: str | None = "fresh"
    env: dict[str, str] = field(default_factory=dict)
    seconds: int = 180
    #: The script builds a Django test database (``test_<name>_bench``) from its own; cloned
    #: migrated too, so ``keepdb`` finds it ready.
    test_database: bool = False

    @property
    def name(self) -> str:
        return self.script.removesuffix(".py")


RUNS: tuple[Run, ...] = (
    # Its own database (bench_request_path, seeded with seed_demo), reused by the claims.
    Run("request_path.py", ("--smoke", "--reseed"), database="own", seconds=240),
    Run("activities_claims.py", database="bench_request_path"),
    Run("activities_points_expiry.py"),
    Run("datahub_import.py", env={"DEBUG": "1"}),
    Run("datahub_import.py", ("--smoke", "--work"), env={"DEBUG": "1"}),
    Run("hotline_admin_list.py", env={"DEBUG": "1"}),
    Run("insights_indicators.py", env={"DEBUG": "1"}),
    Run("learning_leaderboard.py", env={"DEBUG": "1"}),
    Run("faults_outbox.py", test_database=True),
    Run("jobs_matching.py", database=None),
    Run("security_overhead.py", database=None),
    Run("matching_unseen.py", database=None),
    # The locust load test on a tiny scale data set, then the serial profile of its pages.
    Run("load_run.py", seconds=300),
    Run("load_profile.py", argv=("--smoke",), database="load_run"),
)

#: Files of bench/ that are not benchmarks to run, and why.
NOT_SCRIPTS = {
    "smoke.py": "this runner",
    "load_env.py": "the production-like environment the benchmarks share",
    "pgdb.py": "creates a benchmark's database when missing",
    "locustfile.py": "locust's scenario, driven by load_run.py",
    "locustfile_mix.py": "locust's mixed scenario, driven by load_run.py --mix",
}


def _psql(base: str, sql: str) -> None:
    sys.path.insert(0, str(ROOT))
    from bench.pgdb import server_connection

    connection = server_connection(base)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def _database_name(run: Run, index: int) -> str:
    return f"bench_smoke_{index}_{run.name}"


def prepare_template(base: str) -> None:
    sys.path.insert(0, str(ROOT))
    from bench.pgdb import ensure_database

    url = f"{base}/{TEMPLATE}"
    ensure_database(url)
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "LOG_LEVEL": "WARNING"}
    env.pop("REDIS_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def clone(base: str, name: str) -> None:
    _psql(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _psql(base, f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="only these (default: every benchmark)")
    args = parser.parse_args()
    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    redis = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379").rstrip("/")
    runs = [run for run in RUNS if not args.names or run.name in args.names]
    if any(run.database == "fresh" for run in runs):
        prepare_template(base)
    failed: list[str] = []
    summary: list[str] = []
    databases: dict[str, str] = {}
    for index, run in enumerate(runs):
        env = {**os.environ, "BENCH_PG": base, "LOG_LEVEL": "WARNING", **run.env}
        # Even databases 8-14; the cache takes the next one (settings: next_redis_db).
        env["REDIS_URL"] = f"{redis}/{8 + (index % 4) * 2}"
        env.pop("REDIS_CACHE_URL", None)
        env.pop("DJANGO_SETTINGS_MODULE", None)
        if run.database == "fresh":
            name = _database_name(run, index)
            clone(base, name)
            if run.test_database:
                clone(base, f"test_{name}_bench")
            env["DATABASE_URL"] = f"{base}/{name}"
            databases[run.name] = env["DATABASE_URL"]
        elif run.database == "own":
            env.pop("DATABASE_URL", None)
        elif run.database is not None:
            env["DATABASE_URL"] = databases.get(run.database, f"{base}/{run.database}")
        else:
            env.pop("DATABASE_URL", None)
        label = " ".join([run.script, *run.argv])
        print(f"\n=== bench/{label}", flush=True)
        started = time.monotonic()
        try:
            status = subprocess.run(  # noqa: S603 - our own benchmarks
                [sys.executable, f"bench/{run.script}", *run.argv],
                cwd=ROOT,
                env=env,
                timeout=run.seconds,
            ).returncode
        except subprocess.TimeoutExpired:
            status = f"over {run.seconds} s"
        seconds = time.monotonic() - started
        summary.append(f"{label}: {'ok' if status == 0 else f'FAILED ({status})'}, {seconds:.0f} s")
        if status != 0:
            failed.append(label)
    print("\n" + "\n".join(summary))
    if failed:
        print(f"\n{len(failed)} benchmark(s) no longer run: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
