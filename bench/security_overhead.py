"""What the security habits cost per request: the PII-masking log filter on the JSON request
log line, and the Content-Security-Policy header, each against a baseline measured in the
same run (the same work without it). No database is needed.

    .venv/bin/python bench/security_overhead.py [--records 20000] [--responses 20000] [--smoke]
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django

django.setup()

from django.http import HttpResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from pythonjsonlogger.json import JsonFormatter  # noqa: E402

from core.security import PiiMaskingFilter, PortalCSPMiddleware  # noqa: E402


def _logger(with_filter: bool) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    if with_filter:
        handler.addFilter(PiiMaskingFilter())
    logger = logging.getLogger(f"bench.security.{with_filter}")
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream


def _log_run(with_filter: bool, records: int) -> float:
    logger, _stream = _logger(with_filter)
    started = time.perf_counter()
    for n in range(records):
        logger.info(
            "request",
            extra={
                "request_id": f"{n:032x}",
                "method": "GET",
                "path": f"/hotline/requests/{n}/",
                "status": 200,
                "duration_ms": 12.5,
                "user_id": n,
            },
        )
    return (time.perf_counter() - started) / records * 1e6


def _csp_run(with_csp: bool, responses: int) -> float:
    request = RequestFactory().get("/hebei/langfang/")
    middleware = PortalCSPMiddleware(lambda r: HttpResponse("ok"))
    started = time.perf_counter()
    for _ in range(responses):
        response = HttpResponse("ok")
        if with_csp:
            middleware.process_request(request)
            middleware.process_response(request, response)
    return (time.perf_counter() - started) / responses * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--responses", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--smoke", action="store_true", help="500 of each, once (CI)")
    args = parser.parse_args()
    if args.smoke:
        args.records, args.responses, args.repeats = 500, 500, 1
    rows = []
    for label, run, n in (
        ("JSON request log line, no filter (baseline)", lambda: _log_run(False, args.records), 0),
        ("JSON request log line, PII-masking filter", lambda: _log_run(True, args.records), 0),
        ("response, no CSP (baseline)", lambda: _csp_run(False, args.responses), 1),
        ("response, CSP middleware", lambda: _csp_run(True, args.responses), 1),
    ):
        median = statistics.median(run() for _ in range(args.repeats))
        rows.append((label, median, n))
    baselines = {0: rows[0][1], 1: rows[2][1]}
    print(f"| what | µs each (median of {args.repeats}) | vs baseline |")
    print("|---|---|---|")
    for label, median, group in rows:
        print(f"| {label} | {median:.1f} | +{median - baselines[group]:.1f} µs |")


if __name__ == "__main__":
    main()
