"""How many times a job waits for PostgreSQL: on cores busy extracting, each wait is a wait
for the backend to be scheduled, so the worker sends what it can together (psycopg pipelines).

The worker's pool connects through a proxy that holds every answer of the server back for
`LAG` seconds, so a job's run lasts about one `LAG` per round trip it waits for, far above
what its own work takes: the count is read off the clock without depending on its noise.
"""

from __future__ import annotations

import heapq
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import suppress
from typing import Any
from uuid import UUID

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from copydesk import db, queries
from copydesk.models import JobKind, NewJob
from copydesk.settings import Settings
from services.worker import pipeline
from services.worker.warmup import warm_extractors
from tests.faultkit import pump
from tests.support import PageServer

pytestmark = pytest.mark.integration

# Seconds each answer of the server is held back.
LAG = 0.6
# Lags a job's own work (extraction, MinHash, the proxy's threads) may add on a loaded
# machine; the code before the pipelines waited 10 times for a text job and 16 for a URL.
SLACK = 1


class LaggedProxy:
    """Forwards a local port to PostgreSQL, delivering each answer `LAG` seconds late.

    Answers are delayed from the moment they arrive, not one after the other, so several
    answers to one pipelined request cost one lag, as they cost one wait without the proxy.
    """

    def __init__(self, host: str, port: int) -> None:
        self._target = (host, port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._open: list[socket.socket] = [self._listener]
        self.port: int = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with suppress(OSError):
            while True:
                client, _ = self._listener.accept()
                upstream = socket.create_connection(self._target)
                self._open += (client, upstream)
                threading.Thread(target=pump, args=(client, upstream), daemon=True).start()
                threading.Thread(target=_lagged, args=(upstream, client), daemon=True).start()

    def close(self) -> None:
        for sock in self._open:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


def _lagged(src: socket.socket, dst: socket.socket) -> None:
    """Like faultkit.pump, each chunk sent LAG seconds after it arrived (order kept)."""
    due: list[tuple[float, int, bytes]] = []
    ready = threading.Condition()

    def send() -> None:
        with suppress(OSError):
            while True:
                with ready:
                    while not due or due[0][0] > time.monotonic():
                        ready.wait(max(due[0][0] - time.monotonic(), 0) if due else None)
                    _, _, data = heapq.heappop(due)
                if not data:
                    dst.shutdown(socket.SHUT_WR)
                    return
                dst.sendall(data)

    threading.Thread(target=send, daemon=True).start()
    count = 0
    with suppress(OSError):
        while data := src.recv(65536):
            with ready:
                count += 1
                heapq.heappush(due, (time.monotonic() + LAG, count, data))
                ready.notify()
    with ready:
        heapq.heappush(due, (time.monotonic() + LAG, count + 1, b""))
        ready.notify()


@pytest.fixture
def lagged(settings: Settings) -> Iterator[tuple[Settings, db.Pool]]:
    """Settings and a pool as the worker opens them, connected through a LaggedProxy."""
    url = settings.require_database_url()
    parts = conninfo_to_dict(url)
    proxy = LaggedProxy(str(parts.get("host") or "127.0.0.1"), int(parts.get("port") or 5432))
    proxied = settings.model_copy(
        update={"database_url": make_conninfo(url, host="127.0.0.1", port=proxy.port)}
    )
    # As services/worker/context.py opens it: a connection used lately is not checked.
    pool = db.create_pool(proxied, synchronous_commit=False, recheck_after=60.0)
    # Models loaded (seconds the first time) before any clock runs.
    warm_extractors()
    try:
        with pool.connection() as conn:  # opened, checked and given back before counting
            conn.execute("SELECT 1")
        yield proxied, pool
    finally:
        pool.close()
        proxy.close()


def _job(conn: psycopg.Connection[Any], job: NewJob) -> UUID:
    (job_id,) = queries.insert_jobs(conn, [job])
    conn.commit()
    return job_id


def _warm_up(pool: db.Pool, settings: Settings, conn: psycopg.Connection[Any], job: NewJob) -> None:
    """One job of the kind, uncounted: the pool opens the connections a job uses (a
    connection being given back is not free at once), the host's robots.txt is cached."""
    assert pipeline.run_job(pool, settings, _job(conn, job)).outcome is pipeline.Outcome.DONE


def _run_counting_waits(
    pool: db.Pool, settings: Settings, job_id: UUID
) -> tuple[pipeline.JobResult, int]:
    """run_job, and the number of round trips it waited for."""
    began = time.monotonic()
    result = pipeline.run_job(pool, settings, job_id)
    return result, int((time.monotonic() - began) / LAG)


def _page(pages: PageServer) -> str:
    paragraphs = "".join(f"<p>{line}</p>" for line in _text().split("\n\n"))
    return pages.add(
        f"/turns/{secrets.token_hex(4)}.html",
        f"<html><head><title>Turns</title></head><body><article>{paragraphs}</article>"
        "</body></html>",
    )


def _text() -> str:
    marker = secrets.token_hex(6)
    return (
        f"Counting round trips {marker}.\n\nThe council met on Tuesday to discuss the "
        f"harbour wall, case {marker}, and agreed to pay for its repair by spring."
    )


def test_a_text_job_waits_for_postgresql_six_times(
    lagged: tuple[Settings, db.Pool], conn: psycopg.Connection[Any]
) -> None:
    """Claim 1; store 5: the locks with the page and body look-up, earlier versions, near
    duplicates, the insert, and the job marked done with the commit (was 10 in all)."""
    settings, pool = lagged
    _warm_up(pool, settings, conn, NewJob(JobKind.TEXT, body=_text()))
    job_id = _job(conn, NewJob(JobKind.TEXT, body=_text()))
    result, waits = _run_counting_waits(pool, settings, job_id)
    assert result.outcome is pipeline.Outcome.DONE
    assert waits <= 6 + SLACK
    row = conn.execute("SELECT status FROM ingest_jobs WHERE id = %(id)s", {"id": job_id})
    assert row.fetchone() == ("done",)


def test_a_url_job_logs_its_fetch_with_its_store(
    lagged: tuple[Settings, db.Pool],
    conn: psycopg.Connection[Any],
    page_server: PageServer,
) -> None:
    """Claim and the URL's known state 2, store 5, the fetch's log row and the URL's new
    state going with the store's commit (was 16 in all, then 8 with the log apart)."""
    settings, pool = lagged
    urls = [_page(page_server) for _ in range(2)]
    _warm_up(pool, settings, conn, NewJob(JobKind.URL, url=urls[0]))
    job_id = _job(conn, NewJob(JobKind.URL, url=urls[1]))
    result, waits = _run_counting_waits(pool, settings, job_id)
    assert result.outcome is pipeline.Outcome.DONE
    assert waits <= 7 + SLACK
    row = conn.execute("SELECT document_id FROM ingest_jobs WHERE id = %(id)s", {"id": job_id})
    assert row.fetchone() == (result.document_id,)
    logged = conn.execute("SELECT count(*) FROM fetch_log WHERE job_id = %(id)s", {"id": job_id})
    assert logged.fetchone() == (1,)
