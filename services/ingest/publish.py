"""Sending tasks to the workers without Celery: one LPUSH of ready-made messages.

The messages are built by copydesk/task_messages.py (why: see there) and sent with asyncio's
redis client, so the event loop never blocks.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from redis.asyncio import Redis
from redis.backoff import ExponentialBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from copydesk.task_messages import task_message
from copydesk.task_names import TASK_ENQUEUE_JOBS, TASK_PROCESS

logger = logging.getLogger(__name__)

# A broker hiccup must not hold the request for long: the row is committed already, and the
# beat sweeper re-enqueues any job still queued after `stale_job_seconds`.
_RETRY = Retry(ExponentialBackoff(cap=0.5, base=0.1), retries=2)
_TIMEOUT_SECONDS = 2.0


def job_task(job_ids: Sequence[str]) -> tuple[str, list[Any]]:
    """The one message that enqueues a submission's jobs: the job itself, or for a batch
    its fan-out (a worker sends the jobs' own: services/worker/enqueue_tasks.py)."""
    if len(job_ids) == 1:
        return TASK_PROCESS, [job_ids[0]]
    return TASK_ENQUEUE_JOBS, [list(job_ids)]


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
