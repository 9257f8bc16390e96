"""schema.sql: one source, shipped inside the package, and every statement idempotent."""

from __future__ import annotations

import re

from copydesk import db
from copydesk.models import JobKind, JobStatus
from tests.support import REPO

_STATUS_CHECK = re.compile(r"status\s+IN\s*\(([^)]*)\)", re.IGNORECASE)
_KIND_CHECK = re.compile(r"kind\s+IN\s*\(([^)]*)\)", re.IGNORECASE)
_CREATE = re.compile(r"\bCREATE\s+(?:UNIQUE\s+)?(TABLE|INDEX)\s+(?!IF NOT EXISTS)", re.IGNORECASE)


def _values(match: re.Match[str] | None) -> set[str]:
    assert match is not None
    return {v.strip().strip("'") for v in match.group(1).split(",")}


def test_root_schema_is_the_packaged_file() -> None:
    root = REPO / "schema.sql"
    assert root.is_symlink() and root.resolve() == (REPO / "copydesk" / "schema.sql").resolve()
    assert db.read_schema() == root.read_text(encoding="utf-8")


def test_every_create_is_idempotent() -> None:
    assert _CREATE.findall(db.read_schema()) == []


def test_enums_match_check_constraints() -> None:
    schema = db.read_schema()
    assert _values(_STATUS_CHECK.search(schema)) == {s.value for s in JobStatus}
    assert _values(_KIND_CHECK.search(schema)) == {k.value for k in JobKind}
