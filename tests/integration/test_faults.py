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
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from copydesk.settings import Settings
from tests.faultkit import (
    RECOVERY_TIMEOUT,
    Processes,
    RedisServer,
    TcpProxy,
    fault_settings,
    kill_worker,
    pool_processes,
    private_api,
    processes,
    wait_until,
)
from tests.support import Service, delete_queue

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


@contextmanager
def _system(
    settings: Settings, name: str, folder: Path, **changes: object
) -> Iterator[tuple[Processes, Service]]:
    """An API of the test's own on its own queue; the test starts worker and beat."""
    fault = fault_settings(settings, name, folder / "data", **changes)
    with processes(fault, folder) as procs, private_api(fault, folder / "api") as api:
        yield procs, api


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
                if self.path != "/poison.html":  # robots.txt: none
                    self.send_error(404)
                    return
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
    # No beat, and the sweeper's deadline far away: each redelivery of the dead worker's
    # message takes the job over by itself, so the poison page is dealt with in seconds.
    fault = fault_settings(settings, "poison", tmp_path / "data", stale_job_seconds=3600)
    holder: list[Processes] = []
    server = _PoisonServer(holder)
    try:
        with processes(fault, tmp_path) as procs:
            holder.append(procs)
            procs.worker(concurrency=1)
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


def test_a_page_that_kills_its_worker_mid_chunk_holds_up_none_of_the_others(
    poison_system: tuple[Processes, _PoisonServer], conn: Conn, tmp_path: Path
) -> None:
    """One message carries the three jobs; each death requeues it, its redelivery takes the
    poison job over, and the jobs before and after it are each stored once."""
    procs, server = poison_system
    settings = procs.settings
    assert settings.job_chunk_size >= 3
    marker = secrets.token_hex(4)
    before, after = _texts(marker, 2)
    with private_api(settings, tmp_path / "api") as api:
        job_ids = _submit(api.base_url, [before, {"url": server.url}, after])
        good = [job_ids[0], job_ids[2]]

        def finished() -> bool:
            return _statuses(conn, job_ids[1:2]) == {"failed": 1} and _all_done(conn, good)

        wait_until(finished, RECOVERY_TIMEOUT, procs.logs)
    assert server.hits == settings.job_max_attempts
    assert procs.started[0].proc.poll() is None
    _assert_stored_once(conn, good, marker)


# ---------------------------------------------------------------------------------------------
# kill -9 of the whole worker in the middle of a batch.

BATCH = 200


def test_worker_killed_mid_batch_loses_nothing_and_stores_each_document_once(
    settings: Settings, conn: Conn, tmp_path: Path
) -> None:
    marker = secrets.token_hex(6)
    with _system(settings, "kill", tmp_path) as (procs, api):
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


# ---------------------------------------------------------------------------------------------
# Redis restarted (without persistence) while jobs wait in it, and down at submit time.


def test_redis_restart_while_jobs_are_queued_loses_none(
    settings: Settings, conn: Conn, tmp_path: Path
) -> None:
    broker = RedisServer(tmp_path)
    broker.start()
    try:
        marker = secrets.token_hex(6)
        with _system(settings, "redis", tmp_path, redis_url=broker.url) as (procs, api):
            fault = procs.settings
            queued = _submit(api.base_url, _texts(marker, 30))
            # A batch is one message; a worker fans it out into one per job.
            assert broker.client().llen(fault.queue) == 1
            broker.stop()
            # Sending fails: the rows are committed first, so the jobs are accepted all the same.
            during = _submit(api.base_url, _texts(marker + "-down", 50))
            assert _statuses(conn, during) == {"queued": len(during)}
            broker.start()
            assert broker.client().llen(fault.queue) == 0, "the restart should lose the queue"
            after = _submit(api.base_url, _texts(marker + "-up", 1))
            procs.worker()
            procs.beat()
            every = queued + during + after
            wait_until(lambda: _all_done(conn, every), RECOVERY_TIMEOUT, procs.logs)
            # Once more with the worker busy: it reconnects by itself and keeps consuming.
            busy = _submit(api.base_url, _texts(marker + "-busy", 100))
            wait_until(
                lambda: _statuses(conn, busy).get("done", 0) >= 20, RECOVERY_TIMEOUT, procs.logs
            )
            broker.stop()
            broker.start()
            later = _submit(api.base_url, _texts(marker + "-later", 10))
            every += busy + later
            wait_until(lambda: _all_done(conn, every), RECOVERY_TIMEOUT, procs.logs)
            assert all(service.proc.poll() is None for service in procs.started)
    finally:
        broker.stop()
    _assert_stored_once(conn, every, marker)


# ---------------------------------------------------------------------------------------------
# PostgreSQL drops every connection while the worker runs.


def _drop_connections(conn: Conn) -> int:
    """pg_terminate_backend on every other session of the test's own database."""
    rows = conn.execute(
        """
        SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()
        """
    ).fetchall()
    return len(rows)


def test_worker_reconnects_after_the_database_drops_its_connections(
    settings: Settings, conn: Conn, tmp_path: Path
) -> None:
    marker = secrets.token_hex(6)
    with _system(settings, "pgdrop", tmp_path) as (procs, api):
        procs.worker()
        procs.beat()
        job_ids = _submit(api.base_url, _texts(marker, 100))
        dropped = 0
        for share in (10, 40, 70):
            wait_until(
                lambda share=share: _statuses(conn, job_ids).get("done", 0) >= share,
                RECOVERY_TIMEOUT,
                procs.logs,
            )
            dropped += _drop_connections(conn)
        assert dropped >= 3
        wait_until(lambda: _all_done(conn, job_ids), RECOVERY_TIMEOUT, procs.logs)
        # The API's pool lost its connections too, and answers again.
        assert httpx.get(f"{api.base_url}/healthz").status_code == 200
    _assert_stored_once(conn, job_ids, marker)


# ---------------------------------------------------------------------------------------------
# The database unreachable: the API stays up, answers 503 with a reason, then recovers.


def test_api_answers_503_while_the_database_is_unreachable_then_recovers(
    settings: Settings, tmp_path: Path
) -> None:
    assert settings.database_url is not None
    target = conninfo_to_dict(settings.database_url)
    proxy = TcpProxy((str(target.get("host", "127.0.0.1")), int(target.get("port", 5432))))
    proxy.mend()
    through_proxy = make_conninfo(settings.database_url, host="127.0.0.1", port=proxy.port)
    fault = fault_settings(
        settings, "pgdown", tmp_path / "data", database_url=through_proxy, db_pool_timeout=2.0
    )
    try:
        with (
            private_api(fault, tmp_path / "api") as api,
            httpx.Client(base_url=api.base_url, timeout=30) as http,
        ):
            proxy.cut()
            answers = [
                http.get("/healthz"),
                http.post("/v1/documents", json={"text": "Posted while the database is down."}),
                http.get(f"/v1/jobs/{UUID(int=1)}"),
            ]
            for response in answers:
                assert response.status_code == 503, response.text
                assert response.headers["content-type"] == "application/problem+json"
                assert "database" in response.json()["detail"]
            assert api.proc.poll() is None
            proxy.mend()
            wait_until(lambda: http.get("/healthz").status_code == 200, 30.0)
            accepted = http.post("/v1/documents", json={"text": "Posted once it is back."})
            assert accepted.status_code == 202, accepted.text
    finally:
        proxy.cut()
        delete_queue(fault)
