"""Personal numbers never leave in a log line: the masking filter on the production handler,
the JSON request log, tracebacks, and the suite-wide scan (tests/security/logscan.py)."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.conf import settings
from django.test import Client

from accounts.demo_identity import synthetic_id_number
from core.security import PiiMaskingFilter, mask_pii
from tests.security import logscan

ID_NUMBER = synthetic_id_number(county="130102", birth="19860314", sequence=371)


def test_mask_pii():
    assert mask_pii("13800000001") == "138****0001"
    assert mask_pii("电话+8613800000001。") == "电话+86138****0001。"
    assert mask_pii(f"身份证{ID_NUMBER}号") == "身份证1301**************号"
    assert mask_pii(ID_NUMBER[:-1] + "X") == "1301**************"
    # Not personal numbers: longer digit runs, short codes, the hotline, dates.
    assert mask_pii("1380000000123") == "1380000000123"
    assert mask_pii("12351 130000 2026-11-28") == "12351 130000 2026-11-28"


def _production_json_logger() -> tuple[logging.Logger, io.StringIO]:
    """A logger wired like settings.LOGGING's stdout handler, writing to a buffer."""
    stream = io.StringIO()
    config = settings.LOGGING
    handler = logging.StreamHandler(stream)
    from django.utils.module_loading import import_string

    json_formatter = dict(config["formatters"]["json"])
    formatter_class = import_string(json_formatter.pop("()"))
    handler.setFormatter(formatter_class(**json_formatter))
    for name in config["handlers"]["stdout"]["filters"]:
        spec = dict(config["filters"][name])
        handler.addFilter(import_string(spec.pop("()"))(**spec))
    logger = logging.getLogger("tests.security.pii")
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream


def test_the_production_handler_masks_message_arguments_extra_and_traceback():
    logger, stream = _production_json_logger()
    logger.info("sms to %s for %s", "13800000001", ID_NUMBER, extra={"phone": "13900000002"})
    try:
        raise ValueError(f"bad number {ID_NUMBER} / 13700000101")
    except ValueError:
        logger.exception("failed for 13800000003")
    output = stream.getvalue()
    assert "13800000001" not in output and "13900000002" not in output
    assert "13800000003" not in output and "13700000101" not in output
    assert ID_NUMBER not in output
    first, second = (json.loads(line) for line in output.splitlines() if line.startswith("{"))
    assert first["message"] == "sms to 138****0001 for 1301**************"
    assert first["phone"] == "139****0002"
    assert "1301**************" in second["exc_info"]
    assert "ValueError" in second["exc_info"]


def test_every_kind_of_extra_field_is_masked_and_nothing_else_changes():
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "request", (), None)
    extras = {
        "phone_int": 13800000001,
        "small": 12351,
        "negative": -13800000001,
        "ratio": 0.5,
        "flag": True,
        "nothing": None,
        "nested": {"to": ["13900000002", (ID_NUMBER,)]},
        "text": "回电 13700000101",
    }
    record.__dict__.update(extras)
    PiiMaskingFilter().filter(record)
    assert record.phone_int == "138****0001"
    assert record.small == 12351 and record.negative == -13800000001
    assert record.ratio == 0.5 and record.flag is True and record.nothing is None
    assert record.nested == {"to": ["139****0002", ("1301**************",)]}
    assert record.text == "回电 137****0101"
    assert record.levelname == "INFO" and record.lineno == 1  # its own fields untouched


def test_the_stdout_handler_in_settings_has_the_filter():
    assert "pii" in settings.LOGGING["handlers"]["stdout"]["filters"]
    assert settings.LOGGING["filters"]["pii"]["()"] == "core.security.PiiMaskingFilter"


class _Keep(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.mark.django_db
def test_the_request_log_masks_a_phone_in_the_request_id(regions):
    logger = logging.getLogger("portal.request")
    keep = _Keep()
    logger.addHandler(keep)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        Client().get("/verify/", HTTP_X_REQUEST_ID="13800000001")
    finally:
        logger.removeHandler(keep)
        logger.setLevel(level)
    record = next(r for r in keep.records if r.getMessage() == "request")
    PiiMaskingFilter().filter(record)
    assert record.request_id == "138****0001"


def test_the_suite_scan_finds_unmasked_numbers():
    assert logscan.scan('{"message": "sent to 138****0001"}') == []
    assert len(logscan.scan(f'{{"message": "sent to 13800000001"}}\nok\n{ID_NUMBER}')) == 2
    assert logscan.scan("request 1380000000123 took 13 ms") == []
