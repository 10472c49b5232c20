"""Serial server time of each load-test page: one request at a time, in-process, best of 4,
with its queries (the slowest three shown). Uses the sessions of var/bench/plan.json, which
bench/load_run.py writes.

    .venv/bin/python bench/load_env.py .venv/bin/python bench/load_profile.py [page ...]
    .venv/bin/python bench/load_profile.py --smoke   # after load_run.py --smoke (CI)

``PROFILE_PEOPLE=20`` also times the page for the first 20 people of the plan (each
member's own data: a member with many requests or sign-ups is where a tail hides) and prints
the median and the slowest of them.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


def main() -> None:
    smoke = "--smoke" in sys.argv[1:]
    if smoke:
        # The environment load_run.py served with (its keys decrypt the data set).
        sys.path.insert(0, str(ROOT / "bench"))
        from load_env import bench_env

        os.environ.update(bench_env())
        os.environ["BENCH_CEILING"] = "1"  # the plan's ceiling page, as load_run serves it
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    plan = json.loads((ROOT / "var" / "bench" / "plan.json").read_text())
    only = [name for name in sys.argv[1:] if name != "--smoke"]
    broken = []
    for name, spec in plan["pages"].items():
        if only and name not in only:
            continue
        person = (plan["sessions"][spec["who"]] or [{}])[0]
        url = spec["url"].format(**person)
        client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
        if person.get("sessionid"):
            client.cookies["sessionid"] = person["sessionid"]
        times = []
        for _ in range(4):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, secure=True)
            times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200 and plan["sessions"][spec["who"]]:
            broken.append(f"{name}: {response.status_code}")
        sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        print(
            f"{name:24} {response.status_code} best {min(times):7.1f} ms  "
            f"queries {len(queries)}  sql {sql_ms:.0f} ms"
        )
        for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]:
            print(f"    {float(query['time']) * 1000:7.1f} {query['sql'][:200]}")
        people = plan["sessions"][spec["who"]][: int(os.environ.get("PROFILE_PEOPLE", "0"))]
        if len(people) > 1:
            each = []
            for other in people:
                other_client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
                if other.get("sessionid"):
                    other_client.cookies["sessionid"] = other["sessionid"]
                best = float("inf")
                for _ in range(2):
                    started = time.perf_counter()
                    other_client.get(spec["url"].format(**other), secure=True)
                    best = min(best, (time.perf_counter() - started) * 1000)
                each.append(best)
            each.sort()
            print(
                f"    {len(each)} people: median {each[len(each) // 2]:.1f} ms, "
                f"slowest {each[-1]:.1f} ms"
            )

    if smoke and broken:
        raise SystemExit("pages not answering 200: " + ", ".join(broken))


if __name__ == "__main__":
    main()
