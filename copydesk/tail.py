"""`copydesk tail`: the reference consumer of the documents change feed.

It prints each new or changed document as one JSON line carrying its `cursor`; passing the
last cursor back with `--since` resumes exactly after it. With `--follow` it waits on
LISTEN copydesk_documents and also re-reads every few seconds, because a row committed by
one writer can be held back until older open transactions finish (the xmin horizon).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from typing import Any, TextIO

import psycopg

from copydesk import queries

START_CURSOR = "0:0"
# Rows fetched per feed query.
DEFAULT_BATCH = 500
# Seconds between re-reads when no notice arrives (rows held back by the horizon).
REPOLL_SECONDS = 2.0

_CURSOR = re.compile(r"^(\d+):(\d+)$")


def parse_cursor(cursor: str) -> tuple[int, int]:
    """'<xid>:<id>' -> (xid, id); raises ValueError on anything else."""
    match = _CURSOR.match(cursor)
    if match is None:
        raise ValueError(f"bad cursor {cursor!r}: expected '<xid>:<id>', e.g. {START_CURSOR!r}")
    return int(match.group(1)), int(match.group(2))


def format_cursor(xid: int, doc_id: int) -> str:
    return f"{xid}:{doc_id}"


def tail(
    database_url: str,
    since: str = START_CURSOR,
    follow: bool = False,
    limit: int | None = None,
    out: TextIO = sys.stdout,
    stop: Callable[[], bool] = lambda: False,
) -> str:
    """Print documents after `since` as JSON lines; returns the last cursor.

    Without `follow` it stops when the feed is drained (or after `limit` documents).
    """
    xid, doc_id = parse_cursor(since)
    printed = 0
    with psycopg.connect(database_url, autocommit=True) as conn:
        if follow:
            queries.listen_documents(conn)
        while True:
            want = DEFAULT_BATCH if limit is None else min(DEFAULT_BATCH, limit - printed)
            rows = queries.documents_since(conn, xid, doc_id, want) if want > 0 else []
            for row in rows:
                xid, doc_id = row["change_xid"], row["id"]
                out.write(_line(row, format_cursor(xid, doc_id)) + "\n")
            out.flush()
            printed += len(rows)
            if limit is not None and printed >= limit:
                break
            if rows:
                continue
            if not follow or stop():
                break
            for _ in conn.notifies(timeout=REPOLL_SECONDS, stop_after=1):
                pass
    return format_cursor(xid, doc_id)


def _line(row: dict[str, Any], cursor: str) -> str:
    doc = {k: v for k, v in row.items() if k != "change_xid"}
    return json.dumps({"cursor": cursor, **doc}, ensure_ascii=False, default=str)
