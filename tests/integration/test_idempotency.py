"""Idempotency-Key on POST /v1/documents and /v1/documents:batch, on the running system."""

from __future__ import annotations

import json
import secrets
import threading
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import sql

from copydesk import queries
from tests.support import Service

pytestmark = pytest.mark.integration

CONCURRENT = 8


def _text() -> str:
    return f"Idempotency test {secrets.token_hex(8)}.\n\nA second paragraph of the article."


def _jobs_with_body(conn: psycopg.Connection[Any], body: str) -> int:
    row = conn.execute("SELECT count(*) FROM ingest_jobs WHERE input_body = %s", (body,)).fetchone()
    assert row is not None
    return int(row[0])


def _enqueued(api_server: Service, job_id: str) -> int:
    """How many times the API sent this job to the broker (its log: one JSON line per single
    job or per batch)."""
    lines = api_server.log.read_text().splitlines()
    events = ('"job_enqueued"', '"batch_enqueued"')
    return sum(1 for line in lines if any(e in line for e in events) and job_id in line)


def _post(client: httpx.Client, path: str, body: Any, key: str) -> httpx.Response:
    return client.post(path, json=body, headers={"Idempotency-Key": key})


def test_same_key_and_body_returns_the_same_job_and_queues_nothing(
    client: httpx.Client, api_server: Service, conn: psycopg.Connection[Any]
) -> None:
    key, text = secrets.token_hex(8), _text()
    first = _post(client, "/v1/documents", {"text": text}, key)
    assert first.status_code == 202 and "idempotent-replayed" not in first.headers
    # The same request again, with other JSON spacing and key order, is the same request.
    raw = json.dumps({"text": text}, indent=2)
    again = client.post(
        "/v1/documents",
        content=raw,
        headers={"Idempotency-Key": key, "content-type": "application/json"},
    )
    assert again.status_code == 202
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert _jobs_with_body(conn, text) == 1
    assert _enqueued(api_server, first.json()["job_id"]) == 1


def test_same_key_with_another_body_is_a_409_problem(client: httpx.Client) -> None:
    key = secrets.token_hex(8)
    assert _post(client, "/v1/documents", {"text": _text()}, key).status_code == 202
    conflict = _post(client, "/v1/documents", {"text": _text()}, key)
    assert conflict.status_code == 409
    assert conflict.headers["content-type"] == "application/problem+json"
    problem = conflict.json()
    assert problem["status"] == 409 and "different body" in problem["detail"]

    other_endpoint = _post(client, "/v1/documents:batch", {"items": [{"text": _text()}]}, key)
    assert other_endpoint.status_code == 409
    assert "POST /v1/documents" in other_endpoint.json()["detail"]


def test_batch_replay_returns_the_same_batch_and_jobs(
    client: httpx.Client, api_server: Service, conn: psycopg.Connection[Any]
) -> None:
    key, texts = secrets.token_hex(8), [_text(), _text()]
    body = {"items": [{"text": t} for t in texts]}
    first = _post(client, "/v1/documents:batch", body, key)
    again = _post(client, "/v1/documents:batch", body, key)
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json()
    assert [_jobs_with_body(conn, t) for t in texts] == [1, 1]
    assert all(_enqueued(api_server, j["job_id"]) == 1 for j in first.json()["jobs"])
    swapped = _post(client, "/v1/documents:batch", {"items": body["items"][::-1]}, key)
    assert swapped.status_code == 409


def test_concurrent_identical_requests_make_one_job(
    client: httpx.Client, api_server: Service, conn: psycopg.Connection[Any]
) -> None:
    key, text = secrets.token_hex(8), _text()
    barrier = threading.Barrier(CONCURRENT)
    answers: list[httpx.Response] = []

    def post() -> None:
        with httpx.Client(base_url=api_server.base_url, timeout=30) as own:
            barrier.wait()
            answers.append(_post(own, "/v1/documents", {"text": text}, key))

    threads = [threading.Thread(target=post) for _ in range(CONCURRENT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [202] * CONCURRENT
    assert len({a.json()["job_id"] for a in answers}) == 1
    assert _jobs_with_body(conn, text) == 1
    assert _enqueued(api_server, answers[0].json()["job_id"]) == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "has space", "naïve"])
def test_malformed_keys_are_rejected(client: httpx.Client, key: str) -> None:
    response = client.post(
        "/v1/documents",
        json={"text": _text()},
        headers=[("Idempotency-Key", key.encode("utf-8"))],
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_without_a_key_every_post_is_a_new_job(client: httpx.Client) -> None:
    text = _text()
    ids = {client.post("/v1/documents", json={"text": text}).json()["job_id"] for _ in range(2)}
    assert len(ids) == 2


def test_a_key_past_its_ttl_is_taken_over(conn: psycopg.Connection[Any]) -> None:
    key, sha_a, sha_b = secrets.token_hex(8), "a" * 64, "b" * 64
    claim = queries.claim_idempotency_key
    assert claim(conn, "", key, "POST /v1/documents", sha_a, None, 3600) is None
    earlier = claim(conn, "", key, "POST /v1/documents", sha_b, None, 3600)
    assert earlier is not None and earlier.request_sha256 == sha_a
    conn.execute(
        "UPDATE idempotency_keys SET created_at = now() - interval '2 hours' WHERE key = %s",
        (key,),
    )
    assert claim(conn, "", key, "POST /v1/documents", sha_b, None, 3600) is None
    again = claim(conn, "", key, "POST /v1/documents", sha_a, None, 3600)
    assert again is not None and again.request_sha256 == sha_b


def test_readers_cannot_see_keys(database_url: str) -> None:
    for table in ("idempotency_keys", "api_keys"):
        with psycopg.connect(database_url) as reader:
            reader.execute("SET ROLE copydesk_reader")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                reader.execute(sql.SQL("SELECT 1 FROM {}").format(sql.Identifier(table)))
