"""A batch's jobs travel a few per message (process_jobs); each keeps its own life.

Retries, failures and time limits stay per job: a job retried or failed inside a chunk holds
up none of the others, and a chunk whose jobs are slow hands the rest back to the queue
instead of running past its time limit.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import psycopg
import pytest

from copydesk.settings import Settings
from tests.faultkit import RECOVERY_TIMEOUT, fault_settings, private_api, processes, wait_until
from tests.support import PageServer

pytestmark = pytest.mark.integration

WaitJob = Callable[[httpx.Client, str], dict[str, Any]]


def _batch(http: httpx.Client, items: list[dict[str, str]]) -> list[str]:
    response = http.post("/v1/documents:batch", json={"items": items})
    assert response.status_code == 202, response.text
    return [job["job_id"] for job in response.json()["jobs"]]


def test_a_job_retried_inside_a_chunk_holds_up_none_of_the_others(
    settings: Settings, client: httpx.Client, wait_job: WaitJob, page_server: PageServer
) -> None:
    assert settings.job_chunk_size >= 3  # the batch is one message
    flaky = page_server.add("/chunk-flaky.html", "oops", status=503)
    texts = [{"text": f"Chunk item {i}.\n\nThe council met on item {i}."} for i in range(2)]
    first, retried, last = _batch(client, [texts[0], {"url": flaky}, texts[1]])
    assert wait_job(client, first)["status"] == "done"
    assert wait_job(client, last)["status"] == "done"
    job = wait_job(client, retried)
    assert job["status"] == "failed"
    assert job["attempts"] == settings.job_max_attempts == 2
    assert "503" in job["error"] and "2 attempts" in job["error"]


# Each page answers after this long: one job stays well within the job limit (5.5 s), two
# take a chunk past it whatever the machine's load.
PAGE_SECONDS = 3.0


@pytest.fixture
def slow_pages() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if not self.path.startswith("/slow/"):  # robots.txt: none
                self.send_error(404)
                return
            time.sleep(PAGE_SECONDS)
            body = f"<html><body><article><p>Slow page {self.path}, its only paragraph of "
            body += "news about the harbour works and the council vote.</p></article></body></html>"
            self.send_response(200)
            self.send_header("content-type", "text/html")
            self.send_header("content-length", str(len(body.encode())))
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_chunk_of_slow_jobs_hands_the_rest_back_within_its_limit(
    settings: Settings, slow_pages: str, conn: psycopg.Connection[Any], tmp_path: Path
) -> None:
    # A job limit of 5.5 s: one fetch try of at most 4 s, no waits, 1.5 s for the rest.
    fault = fault_settings(
        settings,
        "chunk-limit",
        tmp_path / "data",
        stale_job_seconds=3600,
        job_chunk_size=4,
        fetch_retry_attempts=1,
        fetch_total_timeout=4.0,
        politeness_delay=0.0,
        politeness_max_wait=0.0,
        job_work_allowance_seconds=1.5,
    )
    assert fault.job_time_limit == 5.5
    with processes(fault, tmp_path) as procs, private_api(fault, tmp_path / "api") as api:
        procs.worker(concurrency=1)
        with httpx.Client(base_url=api.base_url, timeout=30) as http:
            job_ids = _batch(http, [{"url": f"{slow_pages}/slow/{i}.html"} for i in range(4)])

        def claims() -> list[tuple[str, str | None]]:
            rows = conn.execute(
                "SELECT status, claimed_by FROM ingest_jobs WHERE id = ANY(%(ids)s)"
                " ORDER BY array_position(%(ids)s, id)",
                {"ids": [UUID(j) for j in job_ids]},
            ).fetchall()
            return [(status, claimed_by) for status, claimed_by in rows]

        wait_until(lambda: {s for s, _ in claims()} == {"done"}, RECOVERY_TIMEOUT, procs.logs)
    messages = [claimed_by for _, claimed_by in claims()]
    # Two jobs (6 s) took the chunk past one job limit: the other two went back to the queue
    # in a message of their own.
    assert messages[0] == messages[1]
    assert messages[2] == messages[3]
    assert messages[1] != messages[2]
