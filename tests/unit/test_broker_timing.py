"""Redis must not redeliver a message while its task may still legitimately be running."""

from __future__ import annotations

import time

import pytest
from celery.exceptions import SoftTimeLimitExceeded

from copydesk.settings import RETRY_DELAY_CAP_SECONDS, Settings
from copydesk.task_names import TASK_PROCESS, TASK_PROCESS_CHUNK
from services.worker.app import create_app
from services.worker.tasks import HARD_LIMIT_GRACE_SECONDS, job_deadline


def test_the_worker_app_uses_the_settings_derived_limits() -> None:
    # One app per test process: Celery warns when the same task names are registered twice.
    settings = Settings(redis_url="redis://127.0.0.1:1/0")
    app = create_app(settings)
    task = app.tasks[TASK_PROCESS]
    assert task.soft_time_limit == settings.job_time_limit
    assert task.time_limit == settings.job_time_limit + HARD_LIMIT_GRACE_SECONDS
    chunk = app.tasks[TASK_PROCESS_CHUNK]
    assert chunk.time_limit == settings.chunk_time_limit + HARD_LIMIT_GRACE_SECONDS
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert visibility == settings.broker_visibility_timeout


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"fetch_total_timeout": 600.0, "fetch_retry_attempts": 5},
        {"politeness_max_wait": 900.0, "job_work_allowance_seconds": 10.0},
    ],
)
def test_visibility_timeout_outlasts_the_longest_task_and_retry_countdown(
    changes: dict[str, float],
) -> None:
    settings = Settings(**changes)
    hard_limit = settings.job_time_limit + HARD_LIMIT_GRACE_SECONDS
    assert settings.broker_visibility_timeout > hard_limit + RETRY_DELAY_CAP_SECONDS
    # A chunk of jobs may run two job limits (it starts no job after the first one).
    chunk_limit = settings.chunk_time_limit + HARD_LIMIT_GRACE_SECONDS
    assert chunk_limit >= 2 * settings.job_time_limit
    assert settings.broker_visibility_timeout > chunk_limit + RETRY_DELAY_CAP_SECONDS
    # Every fetch try may run to its total timeout, so the limit grows with them.
    worst_fetching = settings.fetch_retry_attempts * settings.fetch_total_timeout
    assert settings.job_time_limit > worst_fetching + settings.politeness_max_wait


def test_the_sweeper_waits_longer_than_a_job_may_run_by_default() -> None:
    """Otherwise it would re-enqueue jobs that are still running."""
    settings = Settings()
    assert settings.stale_job_seconds > settings.job_time_limit + HARD_LIMIT_GRACE_SECONDS
    # Nor jobs of a chunk whose message is still within its limit.
    assert settings.stale_job_seconds > settings.chunk_time_limit + HARD_LIMIT_GRACE_SECONDS


def test_a_job_of_a_chunk_is_stopped_at_its_own_limit() -> None:
    began = time.monotonic()
    with pytest.raises(SoftTimeLimitExceeded), job_deadline(0.05):
        time.sleep(5)
    assert time.monotonic() - began < 1
    # The timer is off after the block: nothing fires later.
    with job_deadline(0.05):
        pass
    time.sleep(0.1)
