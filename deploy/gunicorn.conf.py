"""gunicorn settings for 职工之家·河北, sized for a small machine (2 cores) and overridable.

    gunicorn portal.wsgi -c deploy/gunicorn.conf.py

Why these numbers (measured in docs/benchmarks.md, "Province scale"):
- Pages are CPU-bound in Python (template rendering) with short database waits, so the
  processes, not threads, carry the throughput: 2 workers per core. Two threads per worker
  cover the database and Redis waits without more memory (each worker is ~150 MB).
- With ``CONN_MAX_AGE`` each thread keeps one PostgreSQL connection: workers × threads
  connections per node (8 here); mind ``max_connections`` when adding nodes.
- ``max_requests`` with jitter recycles a worker now and then, so a slow leak never grows.
  50,000 (±10 %): a worker serving ~700 requests/s is renewed about once a minute. At the
  earlier 5,000 it was renewed every 7 s under load, and each renewal's first requests (a
  cold process: no kept URL matches, templates or guesses) were the p99 stalls of 130-160 ms
  on trivial pages in docs/benchmarks.md (issue 19; 40-50 ms at 50,000).
- ``preload_app`` imports Django once and forks, so workers start fast and share memory.
- ``reuse_port``: each worker listens on its own ``SO_REUSEPORT`` socket and the kernel
  spreads new connections over them. With one shared socket, whichever worker wakes first
  takes a burst of new connections, and kept-alive connections (nginx's upstream pool, a
  load generator's) stay with it: one process, one core under the GIL. Measured for issue 19
  (``bench/request_path.py`` prints connections per worker): 46 of 50 connections in one
  worker, the page served at about half the machine. Set ``net.ipv4.tcp_migrate_req=1``
  (``deploy/compose.yaml`` does) so connections still queued at a worker that is being
  renewed move to another worker instead of being reset.

Environment: ``GUNICORN_BIND`` (127.0.0.1:8000), ``GUNICORN_WORKERS`` (2 × cores),
``GUNICORN_THREADS`` (2), ``GUNICORN_TIMEOUT`` (30 s), ``GUNICORN_MAX_REQUESTS`` (50,000),
``GUNICORN_REUSE_PORT`` (true; false for one shared socket).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 50_000))
max_requests_jitter = max_requests // 10
preload_app = True
reuse_port = os.environ.get("GUNICORN_REUSE_PORT", "true").lower() not in ("0", "false", "no")
# Behind a load balancer or proxy that sets X-Forwarded-Proto (settings trust it when
# DEBUG is off); list the proxies' addresses in FORWARDED_ALLOW_IPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Request lines are logged by the portal's own JSON middleware; gunicorn logs errors only.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
