"""What the system is doing, from the database: GET /v1/stats and `copydesk status`.

Counts are of jobs *submitted* in a window (last hour, last day), by their current status;
throughput is jobs *finished* in a window. Everything comes from PostgreSQL, so the figure is
the same whichever API process or CLI asks, and nothing is kept in memory between calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from copydesk import queries
from copydesk.models import JobStatus

HOUR = 3600
DAY = 24 * HOUR
# Throughput windows (seconds): what a dashboard glance and a "how is it going" need.
THROUGHPUT_WINDOWS = (60, 5 * 60, HOUR)
# Failure reasons listed (the commonest ones of the last day).
TOP_FAILURE_REASONS = 10


@dataclass(frozen=True, slots=True)
class Throughput:
    """Jobs finished in the last `window_seconds`, and done jobs per second over it."""

    window_seconds: int
    done: int
    failed: int

    @property
    def docs_per_second(self) -> float:
        return round(self.done / self.window_seconds, 3)


@dataclass(frozen=True, slots=True)
class OldestQueued:
    job_id: str
    created_at: datetime
    age_seconds: float


@dataclass(frozen=True, slots=True)
class Stats:
    """A snapshot of the job table and the crawl schedule."""

    generated_at: datetime
    last_hour: dict[str, int]
    last_day: dict[str, int]
    open_jobs: dict[str, int]
    throughput: tuple[Throughput, ...]
    failures: tuple[tuple[str, int], ...]
    sources_due: int
    oldest_queued: OldestQueued | None

    def to_dict(self) -> dict[str, Any]:
        """The JSON body of GET /v1/stats."""
        oldest = self.oldest_queued
        return {
            "generated_at": self.generated_at.isoformat(),
            "jobs": {"last_hour": self.last_hour, "last_day": self.last_day},
            "open_jobs": self.open_jobs,
            "throughput": [
                {
                    "window_seconds": t.window_seconds,
                    "done": t.done,
                    "failed": t.failed,
                    "docs_per_second": t.docs_per_second,
                }
                for t in self.throughput
            ],
            "failures_last_day": [{"reason": r, "count": n} for r, n in self.failures],
            "sources_due": self.sources_due,
            "oldest_queued": None
            if oldest is None
            else {
                "job_id": oldest.job_id,
                "created_at": oldest.created_at.isoformat(),
                "age_seconds": round(oldest.age_seconds, 1),
            },
        }


def _all_states(counts: dict[str, int]) -> dict[str, int]:
    """Every status present, zeros included, so consumers need no defaulting."""
    return {status.value: counts.get(status.value, 0) for status in JobStatus}


def collect_stats(conn: queries.Conn) -> Stats:
    """Read the current figures (a handful of indexed queries)."""
    by_status = queries.job_counts(conn, HOUR, DAY)
    oldest = queries.oldest_queued_job(conn)
    open_jobs = queries.open_job_counts(conn)
    return Stats(
        generated_at=datetime.now(UTC),
        last_hour=_all_states({s: hour for s, hour, _ in by_status}),
        last_day=_all_states({s: day for s, _, day in by_status}),
        open_jobs={s: open_jobs.get(s, 0) for s in (JobStatus.QUEUED, JobStatus.RUNNING)},
        throughput=tuple(
            Throughput(w, done, failed)
            for w, done, failed in queries.finished_counts(conn, THROUGHPUT_WINDOWS, DAY)
        ),
        failures=tuple(queries.failure_reasons(conn, TOP_FAILURE_REASONS, window_seconds=DAY)),
        sources_due=queries.sources_due_count(conn),
        oldest_queued=None if oldest is None else OldestQueued(str(oldest[0]), *oldest[1:]),
    )


def render_stats(stats: Stats) -> str:
    """The human-readable `copydesk status` report."""
    lines = ["jobs submitted     " + "  ".join(f"{s:>8}" for s in stats.last_day)]
    for label, counts in (("last hour", stats.last_hour), ("last day", stats.last_day)):
        lines.append(f"  {label:<16} " + "  ".join(f"{n:>8}" for n in counts.values()))
    queued, running = stats.open_jobs["queued"], stats.open_jobs["running"]
    lines.append(f"open now           queued {queued}, running {running}")
    for t in stats.throughput:
        window = f"last {_duration(t.window_seconds)}"
        lines.append(
            f"finished {window:<10}{t.done} done, {t.failed} failed ({t.docs_per_second:g} docs/s)"
        )
    oldest = stats.oldest_queued
    waiting = "none" if oldest is None else f"{_duration(oldest.age_seconds)} ({oldest.job_id})"
    lines.append(f"oldest queued job  {waiting}")
    lines.append(f"sources due        {stats.sources_due}")
    lines.append("failures, last day" + ("  none" if not stats.failures else ""))
    lines.extend(f"  {n:>7}  {reason}" for reason, n in stats.failures)
    return "\n".join(lines)


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f}s"
    if seconds < 2 * HOUR:
        return f"{seconds / 60:.0f}min"
    return f"{seconds / HOUR:.1f}h"


@dataclass(frozen=True, slots=True)
class JobSetProgress:
    """Where a set of jobs stands (a batch, or a crawl's jobs): counts and why some failed."""

    counts: dict[str, int]
    failures: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def finished(self) -> int:
        return self.counts[JobStatus.DONE] + self.counts[JobStatus.FAILED]

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            **self.counts,
            "failures": [{"reason": r, "count": n} for r, n in self.failures],
        }


def batch_progress(conn: queries.Conn, batch_id: UUID) -> JobSetProgress:
    """The jobs of one POST /v1/documents:batch."""
    return JobSetProgress(
        _all_states(queries.job_status_counts(conn, batch_id=batch_id)),
        tuple(queries.failure_reasons(conn, TOP_FAILURE_REASONS, batch_id=batch_id)),
    )


def sources_progress(
    conn: queries.Conn, source_ids: Sequence[int], since: datetime
) -> JobSetProgress:
    """The jobs that crawls of these sources created since `since`."""
    counts = queries.job_status_counts(conn, source_ids=source_ids, created_after=since)
    failures = queries.failure_reasons(
        conn, TOP_FAILURE_REASONS, source_ids=source_ids, created_after=since
    )
    return JobSetProgress(_all_states(counts), tuple(failures))
