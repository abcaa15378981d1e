from __future__ import annotations

import json
import logging
import sys

from lib.logs import JsonFormatter


def record(message: str, *args, exc_info=None, **extra) -> logging.LogRecord:
    made = logging.getLogger("tracker.test").makeRecord(
        "tracker.test", logging.WARNING, __file__, 1, message, args, exc_info, extra=extra
    )
    return made


def test_a_record_is_one_json_line_with_its_extras():
    line = JsonFormatter().format(record("Broker unreachable, %d task(s) not queued", 3, run=7))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "tracker.test"
    assert entry["message"] == "Broker unreachable, 3 task(s) not queued"
    assert entry["run"] == 7
    assert entry["time"].endswith("+00:00")


def test_a_traceback_and_an_odd_extra_are_kept_as_text():
    try:
        raise ValueError("bad row")
    except ValueError:
        made = record("failed", exc_info=sys.exc_info(), request=object())
    entry = json.loads(JsonFormatter().format(made))
    assert "ValueError: bad row" in entry["exception"]
    assert entry["request"].startswith("<object object")
