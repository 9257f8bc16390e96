"""The progress line and the waiting loop of `copydesk ingest` / `copydesk sources run`."""

from __future__ import annotations

import io
import time

from copydesk.progress import ProgressLine, Tally, render_summary, wait_for_jobs


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_line_shows_counts_and_rate_on_a_terminal_only() -> None:
    term = _Terminal()
    line = ProgressLine(term, started=time.monotonic() - 2.0)
    line.draw(Tally(submitted=10, done=4, failed=1, rejected=2))
    line.close()
    text = term.getvalue()
    assert text.startswith("\r[############............] submitted 10, 2 rejected, done 4")
    assert "failed 1, 2.0 docs/s" in text and text.endswith("\n")
    pipe = io.StringIO()
    ProgressLine(pipe).draw(Tally(submitted=1))
    assert pipe.getvalue() == ""


def test_waiting_stops_when_nothing_is_pending() -> None:
    tallies = iter([Tally(3, 1, 0), Tally(3, 2, 0), Tally(3, 2, 1)])
    assert wait_for_jobs(lambda: next(tallies), ProgressLine(io.StringIO())) == Tally(3, 2, 1)


def test_waiting_gives_up_at_the_deadline() -> None:
    started = time.monotonic()
    tally = wait_for_jobs(lambda: Tally(5, 1, 0), ProgressLine(io.StringIO()), started + 0.3)
    assert tally.pending == 4
    assert 0.3 <= time.monotonic() - started < 5


def test_summary_lists_failure_reasons() -> None:
    text = render_summary(Tally(10, 8, 2, rejected=1), 4.0, [("HTTP 404 Not Found", 2)])
    assert text.splitlines() == [
        "10 submitted, 8 done, 2 failed, 0 still pending, 1 rejected in 4.0s (2.0 docs/s)",
        "       2 failed: HTTP 404 Not Found",
    ]
