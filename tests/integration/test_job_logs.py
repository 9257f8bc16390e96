"""One JSON line per event: grepping a job id over the API's and the worker's logs tells
its story, each stage with the URL and its duration."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.support import PageServer, Service

pytestmark = pytest.mark.integration

PAGE = (
    "<html><head><title>Logs</title></head><body><article>"
    + "".join(
        f"<p>Paragraph {i} about the ferry timetable and harbour works.</p>" for i in range(5)
    )
    + "</article></body></html>"
)


def _events(service: Service, job_id: str) -> list[dict[str, Any]]:
    lines = service.log.read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines if line.startswith("{")]
    return [e for e in entries if e.get("job_id") == job_id]


def test_a_job_story_from_its_log_lines(
    client: httpx.Client,
    api_server: Service,
    worker: Service,
    page_server: PageServer,
    wait_job: Callable[[httpx.Client, str], dict[str, Any]],
) -> None:
    url = page_server.add("/logs/story.html", PAGE)
    job_id = client.post("/v1/documents", json={"url": url}).json()["job_id"]
    assert wait_job(client, job_id)["status"] == "done"

    (enqueued,) = _events(api_server, job_id)
    assert (enqueued["event"], enqueued["url"], enqueued["component"]) == (
        "job_enqueued",
        url,
        "ingest",
    )
    story = _events(worker, job_id)
    events = [e["event"] for e in story]
    assert events[0] == "job_started" and events[-1] == "document_stored", events
    stages = [(e["event"], e.get("stage")) for e in story if "stage" in e]
    assert stages == [
        ("job_started", "queue"),
        ("job_stage", "fetch"),
        ("page_fetched", "fetch"),
        ("job_stage", "extract"),
        ("job_stage", "store"),
    ]
    for entry in story:
        assert entry["url"] == url and entry["component"] == "worker"
        if "stage" in entry:
            assert isinstance(entry["duration_ms"], int | float) and entry["duration_ms"] >= 0
    assert set(story[-1]["stages_ms"]) == {"fetch", "extract", "store"}
    requests = [
        json.loads(line)
        for line in api_server.log.read_text(encoding="utf-8").splitlines()
        if '"http_request"' in line
    ]
    assert any(r["route"] == "/v1/jobs/{job_id}" and r["status"] == 200 for r in requests)
