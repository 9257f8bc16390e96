"""When a failed fetch is worth another try, and how long to wait first.

Transient failures (timeouts, connection resets, 429, 5xx) retry with capped
exponential backoff and "equal jitter" (half the delay fixed, half random), so
workers that failed together do not all come back at the same instant yet each
still waits a minimum; a server's `Retry-After` wins over our
own guess. Any other 4xx is permanent and fails at once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

TOO_MANY_REQUESTS = 429
# A Retry-After beyond this is treated as this: we would rather re-ask than park a job for days.
MAX_RETRY_AFTER_SECONDS = 3600.0


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently to retry transient fetch failures."""

    max_attempts: int = 3
    base_delay: float = 1.0
    max_delay: float = 60.0
    # Waits longer than this are not slept in the worker; the job is rescheduled instead.
    max_inline_wait: float = 10.0


def is_retryable_status(status: int) -> bool:
    """429 and 5xx may succeed later; everything else is final."""
    return status == TOO_MANY_REQUESTS or 500 <= status <= 599


def backoff_delay(attempt: int, policy: RetryPolicy, rng: random.Random | None = None) -> float:
    """Jittered delay before retry number `attempt` (1 = first retry)."""
    ceiling = min(policy.max_delay, policy.base_delay * 2 ** max(attempt - 1, 0))
    return (rng or random).uniform(ceiling / 2, ceiling)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER_SECONDS)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS)


def next_delay(
    attempt: int, retry_after: float | None, policy: RetryPolicy, rng: random.Random | None = None
) -> float:
    """The wait before retry `attempt`: the server's Retry-After if given, else backoff."""
    if retry_after is not None:
        return retry_after
    return backoff_delay(attempt, policy, rng)
