"""The crawl tables in schema.sql agree with the enums the code uses, and are commented."""

from __future__ import annotations

import re

from copydesk import db
from copydesk.crawl.discover import SourceKind
from copydesk.crawl.records import RunStatus

_TABLE = re.compile(r"CREATE TABLE IF NOT EXISTS (\w+) \((.*?)\n\);", re.DOTALL)
_IN_LIST = re.compile(r"(\w+)\s+IN\s*\(([^)]*)\)", re.IGNORECASE)


def _checks(table: str) -> dict[str, set[str]]:
    body = dict(_TABLE.findall(db.read_schema()))[table]
    return {
        column: {v.strip().strip("'") for v in values.split(",")}
        for column, values in _IN_LIST.findall(body)
    }


def test_source_kinds_match_the_check_constraint() -> None:
    assert _checks("sources")["kind"] == {k.value for k in SourceKind}


def test_run_statuses_match_the_check_constraint() -> None:
    assert _checks("crawl_runs")["status"] == {s.value for s in RunStatus}


def test_reader_facing_crawl_tables_are_commented() -> None:
    schema = db.read_schema()
    for table in ("sources", "crawl_runs", "url_state", "fetch_log"):
        assert f"COMMENT ON TABLE {table} IS" in schema
