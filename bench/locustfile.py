"""Locust scenario of the province load test; one page per run, driven by bench/load_run.py.

    LOCUST_PAGE=member_home LOCUST_PLAN=var/bench/plan.json \
      .venv-bench/bin/locust -f bench/locustfile.py --headless -u 50 -r 50 -t 20s \
      --host http://127.0.0.1:8000

``LOCUST_PLAN`` is written by load_run.py: the pages' URLs and, for each signed-in kind of
user, session cookies made for real accounts of the ``scale`` data set. Every simulated user
takes its own session (members) and asks for its own URL (lesson of its own course), with no
wait between requests: 50 users are 50 requests in flight all the time.
"""

from __future__ import annotations

import itertools
import json
import os

from locust import FastHttpUser, between, constant, task

with open(os.environ.get("LOCUST_PLAN", "var/bench/plan.json")) as _plan:
    PLAN = json.load(_plan)
PAGE = os.environ.get("LOCUST_PAGE", "ceiling")
SPEC = PLAN["pages"][PAGE]
_people = itertools.cycle(PLAN["sessions"].get(SPEC["who"], [None]))


#: LOCUST_WAIT: a user's mean think time between two pages (seconds); 0 = back to back.
WAIT = float(os.environ.get("LOCUST_WAIT", "0"))


class PageUser(FastHttpUser):
    wait_time = between(WAIT / 2, WAIT * 1.5) if WAIT else constant(0)

    def on_start(self) -> None:
        self.person = next(_people)
        # X-Forwarded-Proto: what the TLS-terminating proxy in front of gunicorn adds.
        self.headers = {"X-Forwarded-Proto": "https"}
        if self.person and self.person.get("sessionid"):
            self.headers["Cookie"] = f"sessionid={self.person['sessionid']}"
        url = SPEC["url"]
        if self.person:
            url = url.format(**self.person)
        self.url = url

    @task
    def page(self) -> None:
        with self.client.get(
            self.url, headers=self.headers, name=PAGE, catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
