"""What request handlers share: settings, the DB pools and the task senders."""

from __future__ import annotations

from dataclasses import dataclass

from celery import Celery
from fastapi import Request

from copydesk.db import Pool
from copydesk.settings import Settings
from services.ingest.committer import GroupCommitter
from services.ingest.publish import TaskPublisher


@dataclass(frozen=True, slots=True)
class Resources:
    """Opened once per process in the app's lifespan."""

    settings: Settings
    # The sync pool serves the routes that run in the thread pool (reads, sources, keys).
    pool: Pool
    # Submissions: stored by the group committer, enqueued by the publisher, on the loop.
    committer: GroupCommitter
    publisher: TaskPublisher
    # Celery, for the rare tasks sent outside submissions (dispatching crawl sources).
    sender: Celery
    # Whether requests need an API key (False in local mode).
    keys_required: bool = False


def create_sender(settings: Settings) -> Celery:
    """A Celery app used only to send tasks by name; it loads no task code."""
    sender = Celery("copydesk-ingest", broker=settings.require_redis_url(), set_as_current=False)
    sender.conf.update(
        task_default_queue=settings.queue,
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
    )
    return sender


async def get_resources(request: Request) -> Resources:
    """FastAPI dependency: the process's resources (async: no thread-pool hop)."""
    resources: Resources = request.app.state.resources
    return resources
