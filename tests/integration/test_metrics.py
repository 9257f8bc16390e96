"""Prometheus metrics: scrape the real API and a real prefork worker after real jobs."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import psycopg
import pytest
import redis
from celery import Celery
from prometheus_client.parser import text_string_to_metric_families

from copydesk import queries
from copydesk.models import JobKind, NewJob
from copydesk.settings import Settings
from copydesk.task_names import TASK_PROCESS
from services.worker.metrics_export import QueueDepthCollector
from tests.support import (
    JOB_TIMEOUT,
    PageServer,
    Service,
    delete_queue,
    free_port,
    settings_env,
    start_service,
    stop_process,
)

pytestmark = pytest.mark.integration

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]
ARTICLE = (
    "<html><head><title>Metrics</title></head><body><article>"
    + "".join(
        f"<p>Paragraph {i} of a plain article about harbour repairs, long enough to keep.</p>"
        for i in range(6)
    )
    + "</article></body></html>"
)
EMPTY_PAGE = "<html><body><nav><a href='/'>Home</a></nav></body></html>"


def _scrape(url: str) -> Samples:
    response = httpx.get(url, timeout=10)
    assert response.status_code == 200
    # The text exposition format every Prometheus scrapes.
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_api_counts_requests_by_route_template_and_status(api_server: Service) -> None:
    with httpx.Client(base_url=api_server.base_url) as http:
        before = _scrape(f"{api_server.base_url}/metrics")
        assert http.post("/v1/documents", json={"text": "Metrics body."}).status_code == 202
        for _ in range(2):
            assert http.get(f"/v1/jobs/{secrets.token_hex(4)}").status_code == 404
        assert http.get("/no/such/route").status_code == 404
    after = _scrape(f"{api_server.base_url}/metrics")

    def delta(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    jobs = {"method": "GET", "route": "/v1/jobs/{job_id}"}
    assert delta("copydesk_http_requests_total", status="404", **jobs) == 2
    posted = {"method": "POST", "route": "/v1/documents"}
    assert delta("copydesk_http_requests_total", status="202", **posted) == 1
    unmatched = {"method": "GET", "route": "<unmatched>", "status": "404"}
    assert delta("copydesk_http_requests_total", **unmatched) == 1
    assert delta("copydesk_http_request_duration_seconds_count", **jobs) == 2
    assert delta("copydesk_http_request_duration_seconds_bucket", le="+Inf", **jobs) == 2
    assert _value(after, "copydesk_http_request_duration_seconds_sum", **jobs) > 0


@pytest.fixture
def metrics_worker(settings: Settings, tmp_path: Path) -> Iterator[tuple[Settings, str]]:
    """A worker of its own (queue, metrics port) whose children each run one task only."""
    own = settings.model_copy(
        update={
            "queue": f"{settings.queue}-metrics",
            "worker_metrics_port": free_port(),
            "worker_max_tasks_per_child": 1,
        }
    )
    service = start_service(
        ["worker", "--concurrency", "2"], settings_env(own), tmp_path / "worker.log"
    )
    url = f"http://127.0.0.1:{own.worker_metrics_port}/metrics"
    try:
        _wait_for_exporter(url, service)
        yield own, url
    finally:
        stop_process(service.proc)
        delete_queue(own)


def _wait_for_exporter(url: str, service: Service) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert service.proc.poll() is None, service.log.read_text()[-3000:]
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail(f"no metrics exporter:\n{service.log.read_text()[-3000:]}")


def _run_jobs(settings: Settings, conn: psycopg.Connection[Any], jobs: list[NewJob]) -> None:
    ids: list[UUID] = queries.insert_jobs(conn, jobs)
    sender = Celery("metrics-test", broker=settings.redis_url, set_as_current=False)
    try:
        for job_id in ids:
            sender.send_task(TASK_PROCESS, args=[str(job_id)], queue=settings.queue)
    finally:
        sender.close()
    deadline = time.monotonic() + 2 * JOB_TIMEOUT
    while time.monotonic() < deadline:
        row = conn.execute(
            "SELECT count(*) FROM ingest_jobs"
            " WHERE id = ANY(%(ids)s) AND status IN ('done', 'failed')",
            {"ids": ids},
        ).fetchone()
        if row is not None and row[0] == len(ids):
            return
        time.sleep(0.2)
    pytest.fail("the jobs did not finish")


def test_worker_metrics_sum_every_child_process(
    metrics_worker: tuple[Settings, str],
    conn: psycopg.Connection[Any],
    page_server: PageServer,
) -> None:
    own, url = metrics_worker
    page = page_server.add("/metrics/article.html", ARTICLE)
    missing = page_server.base_url + "/metrics/missing.html"
    _run_jobs(
        own,
        conn,
        [
            NewJob(JobKind.TEXT, body="A pasted article.\n\nWith a second paragraph."),
            NewJob(JobKind.HTML, body=ARTICLE.replace("harbour", "bridge")),
            NewJob(JobKind.HTML, body=EMPTY_PAGE),
            NewJob(JobKind.URL, url=page),
            NewJob(JobKind.URL, url=missing),
        ],
    )
    samples = _scrape(url)
    # Each job ran in a fresh child (max tasks per child 1): the sums span dead processes.
    assert _value(samples, "copydesk_jobs_total", outcome="done") == 3
    assert _value(samples, "copydesk_jobs_total", outcome="failed") == 2
    assert _value(samples, "copydesk_documents_stored_total") == 3
    assert _value(samples, "copydesk_extractions_total", result="ok") == 3
    assert _value(samples, "copydesk_extractions_total", result="empty") == 1
    assert _value(samples, "copydesk_fetch_responses_total", status="200") == 1
    assert _value(samples, "copydesk_fetch_responses_total", status="404") >= 2  # robots too
    stage = "copydesk_stage_duration_seconds_count"
    assert _value(samples, stage, stage="queue") == 5
    assert _value(samples, stage, stage="fetch") == 1
    assert _value(samples, stage, stage="extract") == 3
    assert _value(samples, stage, stage="store") == 3
    assert _value(samples, "copydesk_queue_depth", queue=own.queue) == 0


def test_queue_depth_is_read_from_redis_at_scrape_time(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    queue = f"copydesk-test-depth-{secrets.token_hex(4)}"
    try:
        client.rpush(queue, "a", "b", "c")
        (family,) = QueueDepthCollector(client, queue).collect()
        assert [(s.labels, s.value) for s in family.samples] == [({"queue": queue}, 3.0)]
    finally:
        client.delete(queue)
        client.close()
