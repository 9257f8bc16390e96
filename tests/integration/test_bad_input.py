"""Bad submissions get a 4xx problem+json answer, and nothing is stored or queued.

These tests use their own API server on a queue no worker reads, so "nothing queued"
is checked on the Redis list itself; one valid post shows the check would catch a leak.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest
import redis

from copydesk.settings import Settings
from tests.support import Service, api_process, delete_queue

pytestmark = pytest.mark.integration

BODY_LIMIT = 50_000
TEXT_LIMIT = 20_000
BATCH_LIMIT = 5


@pytest.fixture(scope="module")
def idle_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "queue": settings.queue + "-idle",
            "max_body_bytes": BODY_LIMIT,
            "max_text_chars": TEXT_LIMIT,
            "max_batch_items": BATCH_LIMIT,
        }
    )


@pytest.fixture(scope="module")
def idle_api(
    idle_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    log = tmp_path_factory.mktemp("idle-api") / "api.log"
    with api_process(idle_settings, log) as service:
        yield service
    delete_queue(idle_settings)


@pytest.fixture
def http(idle_api: Service) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=idle_api.base_url, timeout=10) as client:
        yield client


def _counts(conn: psycopg.Connection[Any], settings: Settings) -> tuple[int, int]:
    (rows,) = conn.execute("SELECT count(*) FROM ingest_jobs").fetchone() or (0,)
    assert settings.redis_url is not None
    queue = redis.Redis.from_url(settings.redis_url)
    queued = int(queue.llen(settings.queue))  # type: ignore[arg-type]  # sync client
    queue.close()
    return rows, queued


JSON = {"content-type": "application/json"}
CASES: list[tuple[str, str, bytes, int, str]] = [
    ("invalid-json", "/v1/documents", b'{"text": ', 422, "not valid JSON"),
    ("not-an-object", "/v1/documents", b'["text"]', 422, "body"),
    ("no-field", "/v1/documents", b"{}", 422, "one of text, html or url"),
    (
        "text-and-url",
        "/v1/documents",
        b'{"text": "a", "url": "https://x.example/"}',
        422,
        "exactly one",
    ),
    ("text-and-html", "/v1/documents", b'{"text": "a", "html": "<p>a</p>"}', 422, "exactly one"),
    ("unknown-field", "/v1/documents", b'{"txt": "a"}', 422, "txt"),
    ("empty-text", "/v1/documents", b'{"text": "  \\n "}', 422, "text is empty"),
    ("empty-html", "/v1/documents", b'{"html": ""}', 422, "html is empty"),
    ("ftp-url", "/v1/documents", b'{"url": "ftp://x.example/a"}', 422, "http or https"),
    ("relative-url", "/v1/documents", b'{"url": "/a/b"}', 422, "http or https"),
    ("javascript-url", "/v1/documents", b'{"url": "javascript:alert(1)"}', 422, "http or https"),
    ("no-host", "/v1/documents", b'{"url": "http://"}', 422, "no host"),
    (
        "bad-html-url",
        "/v1/documents",
        b'{"html": "<p>a</p>", "url": "file:///etc/passwd"}',
        422,
        "http",
    ),
    (
        "text-too-long",
        "/v1/documents",
        json.dumps({"text": "x" * (TEXT_LIMIT + 1)}).encode(),
        413,
        "longer than",
    ),
    (
        "body-too-large",
        "/v1/documents",
        json.dumps({"text": "x " * BODY_LIMIT}).encode(),
        413,
        "larger than",
    ),
    ("batch-empty", "/v1/documents:batch", b'{"items": []}', 422, "empty"),
    ("batch-not-list", "/v1/documents:batch", b'{"items": {"text": "a"}}', 422, "items"),
    (
        "batch-too-many",
        "/v1/documents:batch",
        json.dumps({"items": [{"text": "a"}] * (BATCH_LIMIT + 1)}).encode(),
        422,
        f"at most {BATCH_LIMIT}",
    ),
    (
        "batch-one-bad-item",
        "/v1/documents:batch",
        json.dumps({"items": [{"text": "fine"}, {"url": "ftp://x.example/"}]}).encode(),
        422,
        "items[1]",
    ),
]


@pytest.mark.parametrize(
    ("path", "body", "status", "detail"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_is_rejected_and_nothing_queued(
    path: str,
    body: bytes,
    status: int,
    detail: str,
    http: httpx.Client,
    conn: psycopg.Connection[Any],
    idle_settings: Settings,
) -> None:
    before = _counts(conn, idle_settings)
    response = http.post(path, content=body, headers=JSON)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert set(problem) == {"type", "title", "status", "detail"}
    assert problem["status"] == status and detail in problem["detail"]
    assert _counts(conn, idle_settings) == before


def test_body_over_limit_without_content_length_is_refused(
    http: httpx.Client, conn: psycopg.Connection[Any], idle_settings: Settings
) -> None:
    before = _counts(conn, idle_settings)

    def chunks() -> Iterator[bytes]:  # a streamed body carries no content-length
        yield b'{"text": "'
        for _ in range(BODY_LIMIT // 1000 + 1):
            yield b"y" * 1000
        yield b'"}'

    response = http.post("/v1/documents", content=chunks(), headers=JSON)
    assert response.status_code == 413
    assert _counts(conn, idle_settings) == before


def test_valid_post_is_stored_and_queued(
    http: httpx.Client, conn: psycopg.Connection[Any], idle_settings: Settings
) -> None:
    """The control: the same checks do see a row and a message when input is good."""
    rows, queued = _counts(conn, idle_settings)
    response = http.post("/v1/documents", json={"text": "A perfectly good paragraph."})
    assert response.status_code == 202
    assert _counts(conn, idle_settings) == (rows + 1, queued + 1)
    job = http.get(response.json()["status_url"]).json()
    assert job["status"] == "queued" and job["attempts"] == 0
