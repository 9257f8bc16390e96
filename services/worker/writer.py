"""Storing a job's document behind the next job: one writer thread per worker process.

Why. A prefork child does one task at a time, and a job's store is mostly waiting: for
PostgreSQL's answers, and for the durable commit's flush to disk (the document must
survive a crash before a change-feed reader sees it). After the task returns, the child
waits again, for Celery's main process to hand it the next message. On a machine with as
many cores as children, each of these waits leaves a core idle. Handed to a thread, the
store runs while the child waits for its next message and then claims, fetches and
extracts the next job: the waits overlap work instead of adding to it.

What it keeps. At most one store is pending per process: handing over the next one first
waits for the previous one, so a slow database slows the worker down instead of piling up
documents in memory. A process that stops (warm shutdown, a child recycled) stores what is
pending first (`drain`, from the worker_process_shutdown signal).

What it changes. The task returns, and Celery acknowledges its message, once the document
is handed to the writer, not once it is committed. A child killed in those few
milliseconds leaves its job `running` with no message: the sweeper re-runs it after
COPYDESK_STALE_JOB_SECONDS instead of the broker's redelivery taking it over at once.
Nothing is lost: the job row is in PostgreSQL from the moment the API answered, and it
is marked done in the same transaction that stores the document.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class Writer:
    """Runs callables on one thread of this process, at most one pending at a time."""

    _executor: ThreadPoolExecutor | None = field(default=None, init=False)
    _pid: int = field(default=0, init=False)
    _pending: Future[None] | None = field(default=None, init=False)

    def submit(self, store: Callable[[], None]) -> None:
        """Run `store` on the writer thread, after the previous one has finished.

        `store` handles its own errors (they are the job's, recorded on its row); one that
        escapes is logged here, so that it cannot stop the next job's store.
        """
        self.drain()
        if self._executor is None or self._pid != os.getpid():
            # An executor inherited through fork has no thread in this process.
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="writer")
            self._pid = os.getpid()
        self._pending = self._executor.submit(store)

    def drain(self) -> None:
        """Wait until the pending store (if any) has finished."""
        pending, self._pending = self._pending, None
        if pending is None or self._pid != os.getpid():
            return
        exc = pending.exception()
        if exc is not None:
            logger.error("store_behind_failed", exc_info=exc)
