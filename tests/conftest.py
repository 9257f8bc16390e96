"""Shared fixtures: a scratch database, settings, real API and worker processes, a page server.

Integration tests run against the machine's PostgreSQL and Redis. Each test run gets its
own database (created from `COPYDESK_TEST_DATABASE_URL`, dropped at the end) and its own
Celery queue name, so several people can run the suite on one machine at once.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import psycopg
import pytest

from copydesk.settings import Settings
from tests.support import (
    DEFAULT_TEST_REDIS_URL,
    PageServer,
    Service,
    api_process,
    delete_queue,
    scratch_database,
    settings_env,
    start_service,
    stop_process,
    wait_for_job,
)


@pytest.fixture(scope="session")
def run_id() -> str:
    """Unique per test run: names the scratch database and the Celery queues."""
    return f"{os.getpid()}_{secrets.token_hex(4)}"


@pytest.fixture(scope="session")
def database_url(run_id: str) -> Iterator[str]:
    """A fresh database with schema.sql applied, dropped after the run."""
    with scratch_database(f"copydesk_test_{run_id}") as url:
        yield url


@pytest.fixture(scope="session")
def redis_url() -> str:
    return os.environ.get("COPYDESK_TEST_REDIS_URL", DEFAULT_TEST_REDIS_URL)


@pytest.fixture(scope="session")
def settings(
    database_url: str, redis_url: str, run_id: str, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    """Settings of the test system: real servers, a private queue, local pages allowed."""
    return Settings(
        database_url=database_url,
        redis_url=redis_url,
        queue=f"copydesk-test-{run_id}",
        data_dir=tmp_path_factory.mktemp("data"),
        allow_private_networks=True,
        job_max_attempts=2,
        retry_base_delay=0.2,
        fetch_connect_timeout=5.0,
        fetch_read_timeout=5.0,
        # All test pages share one host; keep the per-host politeness and retry waits short.
        politeness_delay=0.05,
        fetch_retry_base_delay=0.05,
        # Test runs share the machine: no worker binds the default metrics port
        # (tests/integration/test_metrics.py starts one on a free port).
        worker_metrics_port=0,
    )


@pytest.fixture(scope="session")
def api_server(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """`copydesk api` on a free port, against the test database and queue."""
    with api_process(settings, tmp_path_factory.mktemp("api") / "api.log") as service:
        yield service


@pytest.fixture(scope="session")
def worker(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """`copydesk worker` (a real Celery worker process) on the test queue."""
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    service = start_service(["worker", "--concurrency", "2"], settings_env(settings), log)
    try:
        yield service
    finally:
        stop_process(service.proc)
        delete_queue(settings)


@pytest.fixture(scope="session")
def client(api_server: Service, worker: Service) -> Iterator[httpx.Client]:
    """An HTTP client of a running system: API plus worker."""
    with httpx.Client(base_url=api_server.base_url, timeout=10) as http:
        yield http


@pytest.fixture
def wait_job(worker: Service) -> Callable[[httpx.Client, str], dict[str, Any]]:
    """A function that polls a job until it is done or failed and returns its JSON."""

    def describe() -> str:
        state = "exited" if worker.proc.poll() is not None else "running"
        return f"worker {state}:\n{worker.log.read_text()[-4000:]}"

    def wait(http: httpx.Client, job_id: str) -> dict[str, Any]:
        return wait_for_job(http, job_id, describe)

    return wait


@pytest.fixture
def conn(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    """A connection to the test database, for reading back what the system stored."""
    with psycopg.connect(database_url, autocommit=True) as connection:
        yield connection


@pytest.fixture(scope="session")
def page_server() -> Iterator[PageServer]:
    """A local HTTP server in a thread; tests register pages with `add`."""
    pages: dict[str, tuple[int, str, bytes]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, ctype, body = pages.get(self.path, (404, "text/plain", b"not found"))
            self.send_response(status)
            if status in (301, 302, 303, 307, 308):
                self.send_header("location", body.decode())
                body = b""
            self.send_header("content-type", ctype)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output quiet

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield PageServer(base_url=f"http://127.0.0.1:{server.server_address[1]}", pages=pages)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
