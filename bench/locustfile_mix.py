"""Mixed province load: members and staff using the portal at once, each thinking between
pages, the way 50 concurrent users really arrive. Driven by bench/load_run.py ``--mix``.

    LOCUST_PLAN=var/bench/plan.json LOCUST_WAIT=5 \\
      .venv-bench/bin/locust -f bench/locustfile_mix.py --headless -u 50 -r 5 -t 130s \\
      --reset-stats --host http://127.0.0.1:8000

Eight users in ten are members (each with their own session and data, from the plan) moving
between their pages; two in ten are hotline agents and province staff on the admin lists.
Statistics are per page name, the same names as the one-page passes.
"""

from __future__ import annotations

import itertools
import json
import os

from locust import FastHttpUser, between, task

with open(os.environ.get("LOCUST_PLAN", "var/bench/plan.json")) as _plan:
    PLAN = json.load(_plan)
PAGES = PLAN["pages"]
WAIT = float(os.environ.get("LOCUST_WAIT", "5"))
_members = itertools.cycle(PLAN["sessions"]["member"])
_admins = itertools.cycle(PLAN["sessions"]["admin"])
_agents = itertools.cycle(PLAN["sessions"]["agent"] or PLAN["sessions"]["admin"])


class _Visitor(FastHttpUser):
    abstract = True
    wait_time = between(WAIT / 2, WAIT * 1.5)

    def _get(self, name: str, person: dict) -> None:
        headers = {"X-Forwarded-Proto": "https"}
        if person.get("sessionid"):
            headers["Cookie"] = f"sessionid={person['sessionid']}"
        url = PAGES[name]["url"].format(**person)
        with self.client.get(
            url, headers=headers, name=name, catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")


class Member(_Visitor):
    weight = 8

    def on_start(self) -> None:
        self.person = next(_members)

    @task(3)
    def home(self) -> None:
        self._get("member_home", self.person)

    @task(3)
    def lesson(self) -> None:
        self._get("lesson", self.person)

    @task(2)
    def practice(self) -> None:
        self._get("practice", self.person)

    @task(2)
    def job_search(self) -> None:
        self._get("job_search", self.person)

    @task(2)
    def recommendations(self) -> None:
        self._get("job_recommendations", self.person)

    @task(2)
    def my_requests(self) -> None:
        self._get("my_hotline_requests", self.person)

    @task(1)
    def catalogue(self) -> None:
        self._get("catalogue", self.person)

    @task(1)
    def city(self) -> None:
        self._get("city_page", self.person)


class Staff(_Visitor):
    weight = 2

    def on_start(self) -> None:
        self.admin = next(_admins)
        self.agent = next(_agents)

    @task(3)
    def agent_requests(self) -> None:
        self._get("admin_hotline_agent", self.agent)

    @task(2)
    def all_requests(self) -> None:
        self._get("admin_hotline_requests", self.admin)

    @task(1)
    def members(self) -> None:
        self._get("admin_members", self.admin)

    @task(1)
    def job_posts(self) -> None:
        self._get("admin_job_posts", self.admin)
