"""Log lines are one JSON object with a stable event key and the extras on top."""

from __future__ import annotations

import json
import logging

from copydesk.logs import JsonFormatter


def test_one_json_line_per_event() -> None:
    record = logging.LogRecord("copydesk.x", logging.INFO, __file__, 1, "job_enqueued", None, None)
    record.job_id = "abc"
    record.color_message = "\x1b[1mjob_enqueued\x1b[0m"
    line = JsonFormatter(component="ingest").format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["event"] == "job_enqueued" and entry["job_id"] == "abc"
    assert entry["component"] == "ingest" and entry["level"] == "info"
    assert "color_message" not in entry
