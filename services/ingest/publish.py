"""Sending tasks to the workers without Celery: one LPUSH of ready-made messages.

Celery's `send_task` costs the API about a millisecond of Python and blocking Redis round
trips per message (kombu looks the queue's binding up in Redis before each publish). The
worker's kombu only needs its list in Redis (named after the queue; priority 0 uses the bare
name) to receive the JSON envelope of Celery's task protocol 2, which is built here as
`send_task` writes it (tests/integration/test_publish.py compares the two), and sent with
asyncio's redis client so the event loop never blocks.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import socket
from collections.abc import Sequence
from typing import Any
from uuid import uuid4

from redis.asyncio import Redis
from redis.backoff import ExponentialBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from copydesk.task_names import TASK_ENQUEUE_JOBS, TASK_PROCESS

logger = logging.getLogger(__name__)

# A broker hiccup must not hold the request for long: the row is committed already, and the
# beat sweeper re-enqueues any job still queued after `stale_job_seconds`.
_RETRY = Retry(ExponentialBackoff(cap=0.5, base=0.1), retries=2)
_TIMEOUT_SECONDS = 2.0
_ORIGIN = f"gen{os.getpid()}@{socket.gethostname()}"
_NO_CALLBACKS = {"callbacks": None, "errbacks": None, "chain": None, "chord": None}


def job_task(job_ids: Sequence[str]) -> tuple[str, list[Any]]:
    """The one message that enqueues a submission's jobs: the job itself, or for a batch
    its fan-out (a worker sends the jobs' own: services/worker/enqueue_tasks.py)."""
    if len(job_ids) == 1:
        return TASK_PROCESS, [job_ids[0]]
    return TASK_ENQUEUE_JOBS, [list(job_ids)]


def task_message(task: str, args: list[Any], queue: str) -> bytes:
    """The message kombu's Redis transport stores for `send_task(task, args, queue=queue)`."""
    task_id = str(uuid4())
    body = json.dumps([args, {}, _NO_CALLBACKS]).encode()
    headers: dict[str, Any] = {
        "lang": "py",
        "task": task,
        "id": task_id,
        "shadow": None,
        "eta": None,
        "expires": None,
        "group": None,
        "group_index": None,
        "retries": 0,
        "timelimit": [None, None],
        "root_id": task_id,
        "parent_id": None,
        "argsrepr": repr(args),
        "kwargsrepr": "{}",
        "origin": _ORIGIN,
        "ignore_result": None,
        "replaced_task_nesting": 0,
        "stamped_headers": None,
        "stamps": {},
    }
    properties = {
        "correlation_id": task_id,
        "reply_to": str(uuid4()),
        "delivery_mode": 2,
        "delivery_info": {"exchange": "", "routing_key": queue},
        "priority": 0,
        "body_encoding": "base64",
        "delivery_tag": str(uuid4()),
    }
    envelope = {
        "body": base64.b64encode(body).decode(),
        "content-encoding": "utf-8",
        "content-type": "application/json",
        "headers": headers,
        "properties": properties,
    }
    return json.dumps(envelope).encode()


class TaskPublisher:
    """Sends tasks to one queue; open one per process, in the running loop."""

    def __init__(self, redis_url: str, queue: str) -> None:
        self.queue = queue
        self._redis = Redis.from_url(
            redis_url,
            retry=_RETRY,
            socket_timeout=_TIMEOUT_SECONDS,
            socket_connect_timeout=_TIMEOUT_SECONDS,
        )

    async def send(self, tasks: Sequence[tuple[str, list[Any]]]) -> bool:
        """Send (task, args) messages in one round trip; False (and logged) if the broker
        cannot be reached."""
        messages = [task_message(task, args, self.queue) for task, args in tasks]
        try:
            await self._redis.lpush(self.queue, *messages)
        except (RedisError, OSError) as exc:  # the jobs stay queued and the sweeper retries
            # Every task's args: one LPUSH carries a whole group's submissions. ("args"
            # would clash with the LogRecord attribute of that name.)
            task_args = [args for _, args in tasks]
            extra = {"tasks": len(tasks), "task_args": task_args, "error": repr(exc)}
            logger.error("enqueue_failed", extra=extra)
            return False
        return True

    async def close(self) -> None:
        await self._redis.aclose()
