"""The API's own task messages and group commit, against real PostgreSQL and Redis.

services/ingest/publish.py writes Celery's message by hand (one LPUSH instead of kombu's
publish); it must stay what `send_task` writes, or the worker would not run it. The group
committer must give every concurrent request its own committed jobs and message, and one
request whose rows PostgreSQL refuses must fail alone.
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
from typing import Any

import psycopg
import pytest
import redis
from celery import Celery

from copydesk.models import JobKind, NewJob
from copydesk.settings import Settings
from copydesk.task_names import TASK_ENQUEUE_JOBS, TASK_PROCESS
from services.ingest.committer import GroupCommitter
from services.ingest.publish import TaskPublisher
from tests.support import delete_queue

pytestmark = pytest.mark.integration

# What differs between two messages for the same task: fresh ids, and who sent it.
_PER_MESSAGE = {"id", "root_id", "origin", "correlation_id", "reply_to", "delivery_tag"}


def _scratch(settings: Settings) -> Settings:
    return settings.model_copy(update={"queue": f"{settings.queue}-publish-{secrets.token_hex(3)}"})


def _messages(settings: Settings) -> list[dict[str, Any]]:
    client = redis.Redis.from_url(settings.redis_client_url())
    # LPUSH puts the newest first; the worker takes from the right (oldest first).
    raw = client.lrange(settings.queue, 0, -1)[::-1]
    client.close()
    return [json.loads(m) for m in raw]


def _comparable(message: dict[str, Any]) -> dict[str, Any]:
    return {
        "top": {k: v for k, v in message.items() if k not in ("headers", "properties", "body")},
        "body": json.loads(base64.b64decode(message["body"])),
        "headers": {k: v for k, v in message["headers"].items() if k not in _PER_MESSAGE},
        "properties": {k: v for k, v in message["properties"].items() if k not in _PER_MESSAGE},
    }


def test_the_hand_built_message_is_what_celery_sends(settings: Settings) -> None:
    scratch = _scratch(settings)
    celery = Celery("probe", broker=scratch.require_redis_url(), set_as_current=False)
    celery.conf.update(task_default_queue=scratch.queue, task_ignore_result=True)
    args: list[Any] = [["a-job-id", "another"]]
    try:
        celery.send_task(TASK_ENQUEUE_JOBS, args=args, queue=scratch.queue)

        async def send() -> bool:
            publisher = TaskPublisher(scratch.redis_client_url(), scratch.queue)
            try:
                return await publisher.send([(TASK_ENQUEUE_JOBS, args)])
            finally:
                await publisher.close()

        assert asyncio.run(send())
        theirs, ours = _messages(scratch)
        assert _comparable(ours) == _comparable(theirs)
        assert set(ours["headers"]) == set(theirs["headers"])
        assert set(ours["properties"]) == set(theirs["properties"])
        assert ours["headers"]["id"] == ours["properties"]["correlation_id"]
    finally:
        celery.close()
        delete_queue(scratch)


def _transactions(conn: psycopg.Connection[Any], marker: str) -> tuple[int, int]:
    """How many rows carry the marker, and how many transactions wrote them."""
    row = conn.execute(
        "SELECT count(*), count(DISTINCT xmin::text) FROM ingest_jobs WHERE input_body LIKE %s",
        (f"{marker}%",),
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def test_concurrent_submissions_share_commits_and_a_bad_one_fails_alone(
    settings: Settings, conn: psycopg.Connection[Any]
) -> None:
    scratch = _scratch(settings)
    together, apart = secrets.token_hex(6), secrets.token_hex(6)
    requests = 40
    # Validation refuses NUL before a request gets here; this one stands for any row
    # PostgreSQL refuses.
    refused = NewJob(JobKind.TEXT, body=f"{apart} \x00")

    def text(marker: str, i: int) -> NewJob:
        return NewJob(JobKind.TEXT, body=f"{marker} {i}")

    async def run() -> tuple[list[Any], list[Any]]:
        publisher = TaskPublisher(scratch.redis_client_url(), scratch.queue)
        committer = GroupCommitter(scratch, publisher)
        committer.start()
        try:
            first = [committer.submit([text(together, i)], None) for i in range(requests)]
            first.append(committer.submit([text(together, 100), text(together, 101)], None))
            grouped = await asyncio.gather(*first)
            second = [committer.submit([text(apart, i)], None) for i in range(3)]
            second.append(committer.submit([refused], None))
            return grouped, await asyncio.gather(*second, return_exceptions=True)
        finally:
            await committer.close()
            await publisher.close()

    try:
        grouped, mixed = asyncio.run(run())
        *singles, pair = grouped
        assert all(r.enqueued and len(r.job_ids) == 1 for r in singles)
        assert pair.enqueued and len(pair.job_ids) == 2
        rows, transactions = _transactions(conn, together)
        assert rows == requests + 2 and transactions <= 2
        *good, bad = mixed
        assert isinstance(bad, psycopg.DataError)
        assert all(r.enqueued for r in good)
        assert _transactions(conn, apart)[0] == 3
        tasks = [m["headers"]["task"] for m in _messages(scratch)]
        assert tasks.count(TASK_PROCESS) == requests + 3
        assert tasks.count(TASK_ENQUEUE_JOBS) == 1
    finally:
        delete_queue(scratch)


def test_an_unreachable_broker_logs_every_submission_it_could_not_enqueue(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A group's one LPUSH carries many requests' messages: when it fails, the log line must
    name every job, or `grep <job_id>` loses the jobs the sweeper will re-send later."""
    from tests.support import free_port

    tasks: list[tuple[str, list[Any]]] = [
        (TASK_PROCESS, ["first-job"]),
        (TASK_PROCESS, ["second-job"]),
        (TASK_ENQUEUE_JOBS, [["batch-job-a", "batch-job-b"]]),
    ]

    async def send() -> bool:
        publisher = TaskPublisher(f"redis://127.0.0.1:{free_port()}/0", "nowhere")
        try:
            return await publisher.send(tasks)
        finally:
            await publisher.close()

    with caplog.at_level("ERROR", logger="services.ingest.publish"):
        assert not asyncio.run(send())
    (record,) = [r for r in caplog.records if r.getMessage() == "enqueue_failed"]
    logged = json.dumps(record.__dict__, default=str)
    for job_id in ("first-job", "second-job", "batch-job-a", "batch-job-b"):
        assert job_id in logged
