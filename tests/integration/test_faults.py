"""Nothing lost under faults: killed workers, a poison page, Redis and PostgreSQL going away.

Each test runs real processes (API, `copydesk worker`, `copydesk beat`) on a queue of its
own, with a sweeper that acts after a few seconds instead of ten minutes, and breaks
something on purpose: only processes and servers the test started itself.
"""

from __future__ import annotations

import os
import secrets
import signal
import threading
from collections.abc import Iterator
from contextlib import suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import psycopg
import pytest

from copydesk.settings import Settings
from tests.faultkit import (
    RECOVERY_TIMEOUT,
    Processes,
    fault_settings,
    kill_worker,
    pool_processes,
    private_api,
    processes,
    wait_until,
)

pytestmark = pytest.mark.integration

Conn = psycopg.Connection[Any]


def _statuses(conn: Conn, job_ids: list[str]) -> dict[str, int]:
    rows = conn.execute(
        "SELECT status, count(*) FROM ingest_jobs WHERE id = ANY(%(ids)s) GROUP BY status",
        {"ids": [UUID(j) for j in job_ids]},
    ).fetchall()
    return dict(rows)


def _all_done(conn: Conn, job_ids: list[str]) -> bool:
    return _statuses(conn, job_ids) == {"done": len(job_ids)}


def _texts(marker: str, count: int) -> list[dict[str, str]]:
    return [
        {"text": f"Fault drill {marker}, dispatch {i}.\n\nThe council met on Tuesday on item {i}."}
        for i in range(count)
    ]


def _submit(api: str, items: list[dict[str, str]]) -> list[str]:
    response = httpx.post(f"{api}/v1/documents:batch", json={"items": items}, timeout=30)
    assert response.status_code == 202, response.text
    return [job["job_id"] for job in response.json()["jobs"]]


def _assert_stored_once(conn: Conn, job_ids: list[str], marker: str) -> None:
    """Every job done, each with its own document, and no document stored twice."""
    rows = conn.execute(
        "SELECT status, document_id FROM ingest_jobs WHERE id = ANY(%(ids)s)",
        {"ids": [UUID(j) for j in job_ids]},
    ).fetchall()
    assert {status for status, _ in rows} == {"done"}
    assert len({doc for _, doc in rows}) == len(job_ids)
    (stored,) = conn.execute(
        "SELECT count(*) FROM documents WHERE text LIKE %(like)s", {"like": f"%{marker}%"}
    ).fetchone() or (0,)
    assert stored == len(job_ids)


# ---------------------------------------------------------------------------------------------
# A poison page: fetching it kills the worker process every time.


class _PoisonServer:
    """Serves one page whose handler SIGKILLs the worker's pool process that asked for it."""

    def __init__(self, victim: list[Processes]) -> None:
        self.hits = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.hits += 1
                for service in victim[0].started[:1]:  # the worker, started first
                    for pid in pool_processes(service):
                        with suppress(ProcessLookupError):
                            os.kill(pid, signal.SIGKILL)
                self.send_response(200)
                self.send_header("content-type", "text/html")
                self.end_headers()
                self.wfile.write(b"<html><body><p>never read</p></body></html>")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/poison.html"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def poison_system(settings: Settings, tmp_path: Path) -> Iterator[tuple[Processes, _PoisonServer]]:
    fault = fault_settings(settings, "poison", tmp_path / "data")
    holder: list[Processes] = []
    server = _PoisonServer(holder)
    try:
        with processes(fault, tmp_path) as procs:
            holder.append(procs)
            procs.worker(concurrency=1)
            procs.beat()
            yield procs, server
    finally:
        server.close()


def test_a_page_that_kills_its_worker_fails_after_max_attempts(
    poison_system: tuple[Processes, _PoisonServer], conn: Conn, tmp_path: Path
) -> None:
    procs, server = poison_system
    settings = procs.settings
    with private_api(settings, tmp_path / "api") as api:
        poison = _submit(api.base_url, [{"url": server.url}])
        good = _submit(api.base_url, _texts(secrets.token_hex(4), 1))

        def finished() -> bool:
            return _statuses(conn, poison) == {"failed": 1} and _all_done(conn, good)

        wait_until(finished, RECOVERY_TIMEOUT, procs.logs)
        job = httpx.get(f"{api.base_url}/v1/jobs/{poison[0]}").json()
    assert job["attempts"] == settings.job_max_attempts
    assert f"gave up after {settings.job_max_attempts} attempts" in job["error"]
    assert "worker" in job["error"]
    # It was tried exactly that often, then left alone; the worker itself survived.
    assert server.hits == settings.job_max_attempts
    assert procs.started[0].proc.poll() is None


# ---------------------------------------------------------------------------------------------
# kill -9 of the whole worker in the middle of a batch.

BATCH = 200


def test_worker_killed_mid_batch_loses_nothing_and_stores_each_document_once(
    settings: Settings, conn: Conn, tmp_path: Path
) -> None:
    fault = fault_settings(settings, "kill", tmp_path / "data")
    marker = secrets.token_hex(6)
    with processes(fault, tmp_path) as procs, private_api(fault, tmp_path / "api") as api:
        first = procs.worker(concurrency=2)
        procs.beat()
        job_ids = _submit(api.base_url, _texts(marker, BATCH))

        def some_done() -> bool:
            return _statuses(conn, job_ids).get("done", 0) >= BATCH // 10

        wait_until(some_done, RECOVERY_TIMEOUT, procs.logs)
        kill_worker(first)
        at_kill = _statuses(conn, job_ids)
        assert at_kill.get("done", 0) < BATCH, "the batch finished before the kill"
        procs.worker(concurrency=2)
        wait_until(lambda: _all_done(conn, job_ids), RECOVERY_TIMEOUT, procs.logs)
    _assert_stored_once(conn, job_ids, marker)
