"""A pytest plugin (``-p tests.security.logscan`` in pyproject): every log record of the test
session, at INFO and above, is written to ``var/test-logs/suite-<pid>.log`` through the same filters
and formatter as the production stdout handler (settings.LOGGING), and the file is scanned at
the end. An unmasked mobile number or resident ID number in it fails the session.

So a log call that prints a phone or an ID number — anywhere in the suite's code paths: request
logs, SMS console backend, services, tasks, error reports — is caught, and so is a change to
LOGGING that drops the masking filter.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from pathlib import Path

import pytest

#: Under pytest-xdist the workers log into the folder of the run that started them (inherited
#: through the environment) and the controller scans every worker's file at the end; a worker's
#: own end of session is not reported back, so the scan must not happen there.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if not WORKER:
    os.environ["PII_SCAN_RUN_DIR"] = f"var/test-logs/run-{os.getpid()}"
RUN_DIR = Path(os.environ.get("PII_SCAN_RUN_DIR", f"var/test-logs/run-{os.getpid()}"))
#: One file per process (several sessions may run in one working tree at once); kept only
#: when it holds a leak, or when PII_SCAN_LOG names it (a run without workers).
LOG_PATH = Path(os.environ.get("PII_SCAN_LOG") or RUN_DIR / f"suite-{os.getpid()}.log")
# Not after a decimal point: the fraction of a float (Celery's task run time, say) is no phone.
MOBILE = re.compile(r"(?<![\d.])(?:\+?86)?1[3-9]\d{9}(?!\d)")
ID_NUMBER = re.compile(r"(?<![\d.])\d{6}(?:18|19|20)\d{2}[01]\d[0-3]\d\d{3}[\dXx](?!\d)")

_state: dict = {}


def _production_handler() -> logging.Handler | None:
    for handler in logging.getLogger().handlers:
        if getattr(handler, "name", None) == "stdout":
            return handler
    return None


def pytest_sessionstart(session: pytest.Session) -> None:
    try:
        from django.conf import settings

        settings.LOGGING  # noqa: B018 - is Django configured at all?
    except Exception:  # noqa: BLE001 - not a Django session: nothing to scan
        return
    production = _production_handler()
    if production is None:
        return
    LOG_PATH.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(LOG_PATH, mode="w", encoding="utf-8")
    handler.setLevel(logging.INFO)
    handler.setFormatter(production.formatter)
    for log_filter in production.filters:
        handler.addFilter(log_filter)
    root = logging.getLogger()
    # Record INFO (request logs, SMS console sends) for the scan, yet keep the console as quiet
    # as LOG_LEVEL asks.
    _state.update(handler=handler, root_level=root.level, stdout_level=production.level)
    production.setLevel(max(production.level, root.level))
    root.setLevel(min(root.level, logging.INFO))
    root.addHandler(handler)


def scan(text: str) -> list[str]:
    """The unmasked personal numbers in ``text`` (one entry per line that has any)."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        hits = MOBILE.findall(line) + ID_NUMBER.findall(line)
        if hits:
            found.append(f"line {number}: {len(hits)} number(s) in {line[:160]}")
    return found


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    handler = _state.pop("handler", None)
    if handler is not None:
        root = logging.getLogger()
        root.removeHandler(handler)
        root.setLevel(_state["root_level"])
        production = _production_handler()
        if production is not None:
            production.setLevel(_state["stdout_level"])
        handler.close()
    if WORKER or (handler is None and not RUN_DIR.is_dir()):
        return
    files = sorted({LOG_PATH, *RUN_DIR.glob("suite-*.log")})
    leaks = [
        f"{path.name} {leak}"
        for path in files
        if path.exists()
        for leak in scan(path.read_text(encoding="utf-8"))
    ]
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if leaks:
        if reporter is not None:
            reporter.write("\n")
            reporter.write_sep("=", "personal numbers in the suite's logs", red=True)
            for leak in leaks[:20]:
                reporter.write_line(leak)
            reporter.write_line(f"{len(leaks)} line(s) in {RUN_DIR} / {LOG_PATH}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    else:
        size = sum(path.stat().st_size for path in files if path.exists())
        if "PII_SCAN_LOG" not in os.environ:
            for path in files:
                path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                RUN_DIR.rmdir()
        if reporter is not None:
            reporter.write("\n")
            reporter.write_line(
                f"log scan: {size} B of logs from {len(files)} file(s), "
                "no unmasked phone or ID number"
            )
