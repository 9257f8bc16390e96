"""The workers' Prometheus metrics (served by services/worker/metrics_export.py).

In a worker these live in prometheus_client's multiprocess mode (see metrics_export.py for
why); imported anywhere else (tests, scripts) they are plain in-process metrics.
"""

from __future__ import annotations

import logging
import time

from prometheus_client import Counter, Histogram

from copydesk.errors import ExtractionFailed

logger = logging.getLogger(__name__)

# Stage durations span a few milliseconds (store) to many seconds (a slow fetch).
STAGE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)

JOBS = Counter(
    "copydesk_jobs_total",
    "Jobs by outcome: done, unchanged, failed, retry, skipped, crashed, timed_out.",
    ["outcome"],
)
STAGE_SECONDS = Histogram(
    "copydesk_stage_duration_seconds",
    "Time per job stage: queue (submitted to claimed), fetch, extract, store.",
    ["stage"],
    buckets=STAGE_BUCKETS,
)
FETCHES = Counter(
    "copydesk_fetch_responses_total",
    "HTTP fetches by status code ('none' when no answer came: timeout, refused, DNS).",
    ["status"],
)
EXTRACTIONS = Counter(
    "copydesk_extractions_total",
    "Extractions by result: ok, or empty (no article text; the job fails).",
    ["result"],
)
DOCUMENTS_STORED = Counter(
    "copydesk_documents_stored_total",
    "Jobs that stored a document (a body seen before counts too: it points at the old row).",
)


def observe_stage(stage: str, seconds: float) -> None:
    STAGE_SECONDS.labels(stage).observe(seconds)


def count_job(outcome: str) -> None:
    JOBS.labels(outcome).inc()


def count_fetch(status: int | None) -> None:
    FETCHES.labels(str(status) if status is not None else "none").inc()


def count_extraction(empty: bool) -> None:
    EXTRACTIONS.labels("empty" if empty else "ok").inc()


def count_extraction_failure(exc: Exception) -> None:
    """An extraction that found no article text (other failures are not extractions)."""
    if isinstance(exc, ExtractionFailed):
        count_extraction(empty=True)


def count_document_stored() -> None:
    DOCUMENTS_STORED.inc()


class StageClock:
    """Times a job's consecutive stages: each `lap` ends one stage and starts the next.

    Each lap is observed in the stage histogram and logged as one `job_stage` line (job
    id, URL, stage, duration), so a job's log tells where its time went.
    """

    def __init__(self, job_id: str, url: str | None) -> None:
        self.job_id = job_id
        self.url = url
        self.durations: dict[str, float] = {}
        self._mark = time.monotonic()

    def lap(self, stage: str) -> None:
        now = time.monotonic()
        seconds = now - self._mark
        self._mark = now
        self.record(stage, seconds)

    def split(self) -> float:
        """Seconds since the last lap, the clock left running."""
        return time.monotonic() - self._mark

    def resume(self, elapsed: float) -> None:
        """Restart the running stage as if `elapsed` seconds of it had passed: time spent
        in between (another job's work) is not counted."""
        self._mark = time.monotonic() - elapsed

    def record(self, stage: str, seconds: float) -> None:
        """A stage timed in pieces: `seconds` is its total."""
        self.durations[stage] = seconds
        observe_stage(stage, seconds)
        logger.info(
            "job_stage",
            extra={
                "job_id": self.job_id,
                "url": self.url,
                "stage": stage,
                "duration_ms": round(seconds * 1000, 1),
            },
        )

    def as_ms(self) -> dict[str, float]:
        return {stage: round(seconds * 1000, 1) for stage, seconds in self.durations.items()}
