"""The Celery tasks: thin wrappers that call pipeline.py and record what happened."""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any
from uuid import UUID

from celery import Celery, Task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_process_shutdown

from copydesk.db import DATABASE_ERRORS
from copydesk.models import Delivery
from copydesk.task_names import TASK_PROCESS, TASK_PROCESS_CHUNK, TASK_SWEEP
from services.worker import metrics, pipeline
from services.worker.context import WorkerContext
from services.worker.enqueue_tasks import send_job_messages
from services.worker.pipeline import JobResult, Outcome

logger = logging.getLogger(__name__)

# Seconds between the soft time limit (the job fails) and the hard one (the child is killed).
HARD_LIMIT_GRACE_SECONDS = 15.0
# Seconds before a job interrupted by a database outage is tried again.
DATABASE_RETRY_SECONDS = 2.0


def register_tasks(app: Celery, ctx: WorkerContext) -> None:
    """Define the tasks on `app`, bound to the process's context."""

    limit = ctx.settings.job_time_limit

    queue = ctx.settings.queue

    def attempt(job_uuid: UUID, delivery: Delivery, previous: Pending | None = None) -> JobResult:
        """Run one job; any failure but the database's is recorded on its row. With
        `previous` (a chunk's job before it), the job's commit is left pending, and the
        previous one's is settled before the job stores its document."""
        try:
            if previous is None:
                return pipeline.run_job(ctx.pool(), ctx.settings, job_uuid, delivery)
            return pipeline.run_job(
                ctx.pool(),
                ctx.settings,
                job_uuid,
                delivery,
                before_store=previous.settle,
                defer_commit=True,
            )
        except SoftTimeLimitExceeded:
            metrics.count_job("timed_out")
            pipeline.fail_job(ctx.pool(), job_uuid, f"the job took longer than {limit:g} s")
        except DATABASE_ERRORS:
            raise
        except Exception as exc:  # boundary: record any failure on the row, never lose it
            logger.exception("job_crashed", extra={"job_id": str(job_uuid)})
            metrics.count_job("crashed")
            pipeline.fail_job(ctx.pool(), job_uuid, f"internal error: {exc!r}")
        return JobResult(Outcome.FAILED)

    def release(job_uuid: UUID, exc: Exception) -> None:
        # The database went away mid-job: not the job's fault, so try again later.
        logger.warning("job_database_error", extra={"job_id": str(job_uuid), "error": repr(exc)})
        pipeline.release_job(ctx.pool(), job_uuid)

    def settle_failed(job_uuid: UUID, exc: Exception) -> None:
        """A job's pending commit failed: as if its store had failed in its own attempt."""
        if isinstance(exc, (*DATABASE_ERRORS, SoftTimeLimitExceeded)):
            # Committed or not, nothing is lost: a job still running goes back in the queue.
            release(job_uuid, exc)
            app.send_task(
                TASK_PROCESS, args=[str(job_uuid)], queue=queue, countdown=DATABASE_RETRY_SECONDS
            )
            return
        logger.exception("job_crashed", extra={"job_id": str(job_uuid)})
        metrics.count_job("crashed")
        pipeline.fail_job(ctx.pool(), job_uuid, f"internal error: {exc!r}")

    @app.task(  # type: ignore[untyped-decorator]  # celery is untyped
        name=TASK_PROCESS,
        bind=True,
        max_retries=None,
        # The soft limit fails the job with a reason; the hard one kills a child stuck in C
        # code, and the sweeper then retries or fails the job like any lost worker's.
        soft_time_limit=limit,
        time_limit=limit + HARD_LIMIT_GRACE_SECONDS,
    )
    def process_job(self: Task[Any, Any], job_id: str) -> None:
        job_uuid = UUID(job_id)
        try:
            result = attempt(job_uuid, _delivery(self))
        except DATABASE_ERRORS as exc:
            release(job_uuid, exc)
            raise self.retry(countdown=DATABASE_RETRY_SECONDS) from exc
        if result.outcome is Outcome.RETRY:
            raise self.retry(countdown=result.retry_in)

    @app.task(  # type: ignore[untyped-decorator]  # celery is untyped
        name=TASK_PROCESS_CHUNK,
        bind=True,
        max_retries=None,
        # Each job has its own soft limit (job_deadline); this kills a child stuck in C code.
        time_limit=ctx.settings.chunk_time_limit + HARD_LIMIT_GRACE_SECONDS,
    )
    def process_jobs(self: Task[Any, Any], job_ids: list[str]) -> None:
        """The jobs one after the other, each as process_job would run it, without a broker
        hand-over between them. Every job is claimed with this message's id, so the message's
        redelivery (its worker died) takes over the job that was running."""
        delivery = _delivery(self)
        began = time.monotonic()
        # The deferred commit holds a pooled connection while the next job claims its own:
        # with a pool of one, each commit is settled before the next job starts instead.
        overlap = ctx.settings.db_pool_max_size >= 2
        # The job before this one, whose commit is still on its way (see Pending).
        previous = Pending(settle_failed)
        try:
            for index, job_id in enumerate(job_ids):
                if index and time.monotonic() - began > limit:
                    # Slow jobs (politeness waits, retried fetches): the rest go back in the
                    # queue, so that the message stays within its time limit.
                    send_job_messages(ctx.redis_client(), queue, job_ids[index:], len(job_ids))
                    return
                job_uuid = UUID(job_id)
                if not overlap:
                    previous.settle()
                try:
                    with job_deadline(limit):
                        result = attempt(job_uuid, delivery, previous)
                except DATABASE_ERRORS as exc:
                    previous.settle()
                    release(job_uuid, exc)
                    countdown = DATABASE_RETRY_SECONDS
                    raise self.retry(args=[job_ids[index:]], countdown=countdown) from exc
                previous.settle()  # the job ended before its store (failed, retried, ...)
                previous.hold(job_uuid, result.settle)
                if result.outcome is Outcome.RETRY:
                    # This job alone waits for its turn; the others go on.
                    countdown = result.retry_in
                    app.send_task(TASK_PROCESS, args=[job_id], queue=queue, countdown=countdown)
        finally:
            # Before the message is acknowledged: each job done is known committed.
            previous.settle()

    @app.task(name=TASK_SWEEP)  # type: ignore[untyped-decorator]  # celery is untyped
    def sweep_stale_jobs() -> None:
        requeue, failed = pipeline.sweep_stale_jobs(ctx.pool(), ctx.settings)
        for job_id in requeue:
            app.send_task(TASK_PROCESS, args=[str(job_id)], queue=ctx.settings.queue)
        if requeue or failed:
            logger.warning(
                "stale_jobs_swept", extra={"requeued": len(requeue), "failed": len(failed)}
            )
        purged = pipeline.purge_idempotency_keys(ctx.pool(), ctx.settings)
        if purged:
            logger.info("idempotency_keys_purged", extra={"deleted": purged})
        pipeline.summarize_job_ranges(ctx.pool())

    def _close_pool(**_: object) -> None:
        ctx.close()

    worker_process_shutdown.connect(_close_pool, weak=False)


def _delivery(task: Task[Any, Any]) -> Delivery:
    info = task.request.delivery_info or {}
    return Delivery(task.request.id, redelivered=bool(info.get("redelivered")))


@contextmanager
def job_deadline(seconds: float) -> Iterator[None]:
    """Raise SoftTimeLimitExceeded in this block after `seconds`, as Celery's soft limit does
    for a whole task: a chunk of jobs gives each job its own limit.

    Only the main thread receives signals; elsewhere (a test calling a task in a thread) the
    block runs unlimited.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise SoftTimeLimitExceeded(f"the job took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Pending:
    """A chunk's job whose document's COMMIT is sent but not yet confirmed.

    The next job settles it just before its own store (run_job's `before_store`), so the
    commit's wait for the disk overlaps the next job's claim, fetch and extraction. A failed
    commit goes to `on_failure` as if the job's own attempt had failed; a soft time limit
    hitting the settle belongs to the job that was running, so it is raised on after that.
    """

    def __init__(self, on_failure: Callable[[UUID, Exception], None]) -> None:
        self._on_failure = on_failure
        self._job: UUID | None = None
        self._settle: Callable[[], None] | None = None

    def hold(self, job_id: UUID, settle: Callable[[], None] | None) -> None:
        self._job, self._settle = job_id, settle

    def settle(self) -> None:
        """Wait for the pending commit, if any; idempotent."""
        job, settle = self._job, self._settle
        self._job = self._settle = None
        if job is None or settle is None:
            return
        try:
            settle()
        except Exception as exc:  # boundary: recorded on the job's row, never lost
            try:
                self._on_failure(job, exc)
            except Exception:  # not the running job's fault: the sweeper re-runs `job`
                logger.exception("job_settle_failed", extra={"job_id": str(job)})
            # psycopg turns a soft limit hitting its wait into "cannot exit pipeline mode
            # while busy" (OperationalError, the limit as its __context__): the limit belongs
            # to the running job and must still stop it.
            interrupt = _soft_limit_in(exc)
            if interrupt is exc:
                raise
            if interrupt is not None:
                raise interrupt from exc


def _soft_limit_in(exc: BaseException) -> SoftTimeLimitExceeded | None:
    """The soft time limit that caused `exc` (itself, or in its context chain), if any."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, SoftTimeLimitExceeded):
            return seen
        seen = seen.__context__
    return None
