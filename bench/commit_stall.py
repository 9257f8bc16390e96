"""How long the API's insert commits stall while PostgreSQL checkpoints.

    PYTHONPATH=. python bench/commit_stall.py [--seconds 25] [--checkpoint-every 8] [--rounds 2]

A 202 waits for the commit's WAL flush. Under a stream of text batches, the checkpoints
(every few seconds at that WAL rate, or forced by any session's CHECKPOINT or DROP DATABASE)
made some of those flushes wait 0.1-0.3 s, the tail of bench/ingest_api.py's text batches.
This drives the group committer's statement (4 batches of 100 of the bench's texts per
INSERT, as 32 clients make it) back to back on one autocommit connection for `--seconds`,
runs CHECKPOINT from another connection every `--checkpoint-every` seconds (superuser, so a
private server: see docs/measurements.md), and prints the statements' latency percentiles, once with
the server's default `backend_flush_after` and once with the API's session setting
(queries.prepare_ingest_session), alternated for `--rounds`. No HTTP and no API process:
the database's side alone, at a higher rate than the API reaches on a loaded machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg

from bench.ingest_api import TEXT
from copydesk import queries
from copydesk.models import JobKind, NewJob
from tests.support import DEFAULT_TEST_DATABASE_URL, scratch_database


async def _force_checkpoints(admin_url: str, every: float) -> None:
    async with await psycopg.AsyncConnection.connect(admin_url, autocommit=True) as conn:
        while True:
            await asyncio.sleep(every)
            await conn.execute("CHECKPOINT")  # immediate, as DROP DATABASE asks for one


async def _run(admin_url: str, url: str, seconds: float, every: float, tuned: bool) -> list[float]:
    """Statement latencies (seconds) of `seconds` of back-to-back group inserts."""
    jobs = [NewJob(JobKind.TEXT, body=TEXT)] * 400
    latencies = []
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        if tuned:
            await queries.prepare_ingest_session(conn)
        forcer = asyncio.create_task(_force_checkpoints(admin_url, every)) if every else None
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ids = queries.new_job_ids(400)
            batches = queries.new_job_ids(4)
            batch_ids = [batches[i // 100] for i in range(400)]
            began = time.perf_counter()
            await queries.insert_jobs_async(conn, ids, jobs, batch_ids)
            latencies.append(time.perf_counter() - began)
        if forcer is not None:
            forcer.cancel()
            await asyncio.gather(forcer, return_exceptions=True)
    return latencies


def _figures(latencies: list[float], seconds: float) -> dict[str, Any]:
    ms = sorted(1000 * s for s in latencies)

    def at(q: float) -> float:
        return round(ms[min(len(ms) - 1, int(q * len(ms)))], 1)

    return {
        "statements": len(ms),
        "texts_per_second": round(400 * len(ms) / seconds),
        "p50_ms": at(0.5),
        "p99_ms": at(0.99),
        "p999_ms": at(0.999),
        "max_ms": round(ms[-1], 1),
        "over_100ms": sum(1 for x in ms if x > 100),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=25.0)
    parser.add_argument("--checkpoint-every", type=float, default=8.0, help="0: none forced")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    admin_url = os.environ.get("COPYDESK_TEST_DATABASE_URL", DEFAULT_TEST_DATABASE_URL)
    for _ in range(args.rounds):
        for tuned in (False, True):
            with scratch_database(f"copydesk_stall_{secrets.token_hex(4)}") as url:
                run = _run(admin_url, url, args.seconds, args.checkpoint_every, tuned)
                latencies = asyncio.run(run)
            setting = "api session" if tuned else "server default"
            print(json.dumps({"backend_flush_after": setting, **_figures(latencies, args.seconds)}))


if __name__ == "__main__":
    main()
