"""A batch is one broker message; a worker fans it out into one message per job."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import redis

from copydesk.settings import Settings
from copydesk.task_names import TASK_ENQUEUE_JOBS, TASK_PROCESS, TASK_PROCESS_CHUNK
from services.worker.enqueue_tasks import send_job_messages
from tests.support import api_process, delete_queue

pytestmark = pytest.mark.integration


def test_a_batch_is_sent_as_one_message_and_a_single_item_as_its_job(
    settings: Settings, tmp_path: Path
) -> None:
    idle = settings.model_copy(update={"queue": f"{settings.queue}-fanout"})
    assert idle.redis_url is not None
    client = redis.Redis.from_url(idle.redis_url)
    try:
        with (
            api_process(idle, tmp_path / "api.log") as api,
            httpx.Client(base_url=api.base_url) as http,
        ):
            items = [{"text": f"Item {i}.\n\nSecond paragraph."} for i in range(3)]
            batch = http.post("/v1/documents:batch", json={"items": items}).json()
            single = http.post("/v1/documents", json={"text": "Alone.\n\nReally."}).json()
        messages = [json.loads(raw) for raw in reversed(client.lrange(idle.queue, 0, -1))]
        sent = [(m["headers"]["task"], m["headers"]["argsrepr"]) for m in messages]
        batch_ids = [job["job_id"] for job in batch["jobs"]]
        assert sent == [
            (TASK_ENQUEUE_JOBS, repr([batch_ids])),
            (TASK_PROCESS, repr([single["job_id"]])),
        ]
    finally:
        delete_queue(idle)
        client.close()


def test_the_fan_out_sends_each_jobs_message_in_the_batchs_order(settings: Settings) -> None:
    """One LPUSH of hand-built messages (not a send_task per job), oldest popped first."""
    scratch = settings.model_copy(update={"queue": f"{settings.queue}-fanout-worker"})
    assert scratch.redis_url is not None
    client = redis.Redis.from_url(scratch.redis_url)
    try:
        job_ids = ["job-a", "job-b", "job-c"]
        send_job_messages(client, scratch.queue, job_ids)
        # The worker pops from the right: reversed, the list is the delivery order.
        messages = [json.loads(raw) for raw in reversed(client.lrange(scratch.queue, 0, -1))]
        assert [(m["headers"]["task"], m["headers"]["argsrepr"]) for m in messages] == [
            (TASK_PROCESS, repr([job_id])) for job_id in job_ids
        ]
        assert len({m["headers"]["id"] for m in messages}) == 3
    finally:
        delete_queue(scratch)
        client.close()


def test_the_fan_out_carries_a_few_jobs_per_message(settings: Settings) -> None:
    """Chunks of `job_chunk_size` in the batch's order; a job left alone gets process_job."""
    scratch = settings.model_copy(update={"queue": f"{settings.queue}-fanout-chunks"})
    assert scratch.redis_url is not None
    client = redis.Redis.from_url(scratch.redis_url)
    try:
        send_job_messages(client, scratch.queue, ["a", "b", "c", "d", "e"], chunk_size=2)
        messages = [json.loads(raw) for raw in reversed(client.lrange(scratch.queue, 0, -1))]
        assert [(m["headers"]["task"], m["headers"]["argsrepr"]) for m in messages] == [
            (TASK_PROCESS_CHUNK, repr([["a", "b"]])),
            (TASK_PROCESS_CHUNK, repr([["c", "d"]])),
            (TASK_PROCESS, repr(["e"])),
        ]
    finally:
        delete_queue(scratch)
        client.close()
