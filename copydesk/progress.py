"""Waiting for a set of jobs with a progress line: `copydesk ingest` and `copydesk sources run`.

Both commands know how to ask where their jobs stand (the API for a batch, the database for
a crawl); this module polls that, redraws one line on a terminal (submitted, done, failed,
docs/s) and prints the summary at the end.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

# Seconds between two looks at the jobs, and between two redraws of the line.
POLL_SECONDS = 0.5
_BAR_WIDTH = 24


@dataclass(frozen=True, slots=True)
class Tally:
    """How many jobs were submitted (or refused) and how many finished so far."""

    submitted: int = 0
    done: int = 0
    failed: int = 0
    rejected: int = 0

    @property
    def pending(self) -> int:
        return max(self.submitted - self.done - self.failed, 0)


class ProgressLine:
    """One line redrawn in place on a terminal; silent when the stream is not one."""

    def __init__(self, stream: IO[str], started: float | None = None) -> None:
        self.stream = stream
        self.started = time.monotonic() if started is None else started
        self.enabled = stream.isatty()
        self._drawn = False

    def rate(self, tally: Tally) -> float:
        """Finished documents per second since the start."""
        return tally.done / max(time.monotonic() - self.started, 1e-9)

    def draw(self, tally: Tally) -> None:
        if not self.enabled:
            return
        finished = tally.done + tally.failed
        filled = _BAR_WIDTH * finished // max(tally.submitted, 1)
        bar = "#" * filled + "." * (_BAR_WIDTH - filled)
        rejected = f", {tally.rejected} rejected" if tally.rejected else ""
        self.stream.write(
            f"\r[{bar}] submitted {tally.submitted}{rejected}, done {tally.done}, "
            f"failed {tally.failed}, {self.rate(tally):.1f} docs/s "
        )
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()


def wait_for_jobs(
    poll: Callable[[], Tally], progress: ProgressLine, deadline: float | None = None
) -> Tally:
    """Poll until every submitted job is done or failed (or the monotonic deadline passes)."""
    while True:
        tally = poll()
        progress.draw(tally)
        if tally.pending == 0 or (deadline is not None and time.monotonic() >= deadline):
            return tally
        time.sleep(POLL_SECONDS)


def render_summary(tally: Tally, seconds: float, failures: list[tuple[str, int]]) -> str:
    """The closing lines: counts, rate and the commonest failure reasons."""
    rate = tally.done / seconds if seconds > 0 else 0.0
    lines = [
        f"{tally.submitted} submitted, {tally.done} done, {tally.failed} failed, "
        f"{tally.pending} still pending, {tally.rejected} rejected "
        f"in {seconds:.1f}s ({rate:.1f} docs/s)"
    ]
    lines.extend(f"  {count:>6} failed: {reason}" for reason, count in failures)
    return "\n".join(lines)
