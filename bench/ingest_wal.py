"""WAL written per accepted batch: what the ingest API's inserts cost PostgreSQL's disk.

    PYTHONPATH=. python bench/ingest_wal.py [--batches 400] [--group 4] [--preload 200000]
        [--texts bench|devset|urls]

Under load the API's text batches wrote ~60 MB/s of WAL, which filled max_wal_size every
~9 s; the checkpoints that followed stalled commits for 0.1-1 s and set the p99. Timings on
this shared machine are noisy, the WAL a fixed number of batches writes is not: this counts
it, on a scratch database (COPYDESK_TEST_DATABASE_URL's server, as the tests use), with the
statement the API's group committer sends, `--group` batches per statement as concurrent
requests are grouped. `--preload` rows are stored first, so the indexes are as large as
after a while of load, and a CHECKPOINT (when the role may run one) starts the measured
window: the first change to each page after a checkpoint writes the whole page (a full-page
image), so this is the expensive part of the cycle. With pg_walinspect (a superuser on a
private server) the bytes are split by kind of record, full-page images apart.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psutil
import psycopg
from psycopg.conninfo import make_conninfo

from copydesk import db, queries
from copydesk.models import JobKind, NewJob
from tests.support import DEFAULT_TEST_DATABASE_URL

DEVSET_TEXT = Path("/work/shared/devset/text")


def _jobs(texts: str, count: int) -> list[NewJob]:
    if texts == "urls":
        url = "https://news.example.org/2026/11/story-{}.html"
        return [NewJob(JobKind.URL, url=url.format(i)) for i in range(count)]
    if texts == "bench":
        from bench.ingest_api import TEXT

        return [NewJob(JobKind.TEXT, body=TEXT)] * count
    bodies = [p.read_text(encoding="utf-8") for p in sorted(DEVSET_TEXT.glob("*.txt"))]
    return [NewJob(JobKind.TEXT, body=bodies[i % len(bodies)]) for i in range(count)]


async def _insert(url: str, jobs: list[NewJob], batches: int, size: int, group: int) -> float:
    """`batches` batches of `size`, `group` of them per statement, as the committer sends;
    the CPU seconds its PostgreSQL backend spent."""
    conn = await psycopg.AsyncConnection.connect(url, autocommit=True)
    async with conn:
        backend = psutil.Process(conn.info.backend_pid)
        before = backend.cpu_times()
        for first in range(0, batches, group):
            ids: list[str] = []
            rows: list[NewJob] = []
            batch_ids: list[str | None] = []
            for n in range(first, min(first + group, batches)):
                batch_id = queries.new_job_ids(1)[0]
                chunk = [jobs[(n * size + i) % len(jobs)] for i in range(size)]
                ids += queries.new_job_ids(size)
                rows += chunk
                batch_ids += [batch_id] * size
            await queries.insert_jobs_async(conn, ids, rows, batch_ids)
        after = backend.cpu_times()
    return float(after.user + after.system - before.user - before.system)


def _lsn(conn: psycopg.Connection[Any]) -> str:
    row = conn.execute("SELECT pg_current_wal_insert_lsn()::text").fetchone()
    assert row is not None
    return str(row[0])


def _wal_bytes(conn: psycopg.Connection[Any], start: str, end: str) -> int:
    row = conn.execute("SELECT %s::pg_lsn - %s::pg_lsn", (end, start)).fetchone()
    assert row is not None
    return int(row[0])


def _by_kind(conn: psycopg.Connection[Any], start: str, end: str) -> dict[str, Any] | None:
    """Bytes by resource manager (Heap, Btree, ...), records and full-page images apart."""
    try:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect")
        rows = conn.execute(
            'SELECT "resource_manager/record_type", count, record_size, fpi_size '
            "FROM pg_get_wal_stats(%s, %s) WHERE count > 0",
            (start, end),
        ).fetchall()
    except psycopg.Error:
        conn.rollback()
        return None
    return {name: {"records": n, "bytes": rec, "fpi_bytes": fpi} for name, n, rec, fpi in rows}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batches", type=int, default=400)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--group", type=int, default=4)
    parser.add_argument("--preload", type=int, default=200_000)
    parser.add_argument("--texts", choices=("bench", "devset", "urls"), default="bench")
    args = parser.parse_args(argv)

    admin_url = os.environ.get("COPYDESK_TEST_DATABASE_URL", DEFAULT_TEST_DATABASE_URL)
    name = f"copydesk_wal_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        queries.create_database(conn, name)
    url = make_conninfo(admin_url, dbname=name)
    try:
        db.apply_schema(url)
        jobs = _jobs(args.texts, 1000)
        preload_batches = args.preload // args.batch
        asyncio.run(_insert(url, jobs, preload_batches, args.batch, 50))
        with psycopg.connect(url, autocommit=True) as conn:
            try:
                conn.execute("CHECKPOINT")
                checkpointed = True
            except psycopg.Error:
                checkpointed = False
            start = _lsn(conn)
            cpu = asyncio.run(_insert(url, jobs, args.batches, args.batch, args.group))
            end = _lsn(conn)
            total = _wal_bytes(conn, start, end)
            kinds = _by_kind(conn, start, end)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            queries.drop_database(conn, name)
    result: dict[str, Any] = {
        "texts": args.texts,
        "batches": args.batches,
        "batch": args.batch,
        "group": args.group,
        "preload_rows": preload_batches * args.batch,
        "after_checkpoint": checkpointed,
        "wal_bytes": total,
        "wal_bytes_per_batch": round(total / args.batches),
        "wal_bytes_per_row": round(total / (args.batches * args.batch)),
        # Varies with the machine's load, unlike the bytes.
        "postgres_cpu_ms_per_batch": round(1000 * cpu / args.batches, 3),
    }
    if kinds is not None:
        result["by_kind"] = kinds
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
