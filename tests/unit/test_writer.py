"""The worker's writer thread (services/worker/writer.py): one store pending at a time, in
order, and a store that fails does not stop the next one."""

from __future__ import annotations

import threading
import time

import pytest

from services.worker.writer import Writer


def test_stores_run_in_order_one_at_a_time() -> None:
    writer = Writer()
    done: list[int] = []
    running = threading.Lock()

    def store(i: int) -> None:
        assert running.acquire(blocking=False), "two stores ran at once"
        time.sleep(0.01)
        done.append(i)
        running.release()

    for i in range(5):
        writer.submit(lambda i=i: store(i))
        # Handing over store i waited for store i - 1: never more than one pending.
        assert done == list(range(i))
    writer.drain()
    assert done == list(range(5))


def test_submit_returns_before_the_store_has_run() -> None:
    writer = Writer()
    release = threading.Event()
    ran = threading.Event()

    def store() -> None:
        release.wait(5)
        ran.set()

    writer.submit(store)
    assert not ran.is_set()
    release.set()
    writer.drain()
    assert ran.is_set()


def test_a_failing_store_is_logged_and_the_next_one_runs(caplog: pytest.LogCaptureFixture) -> None:
    writer = Writer()
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("boom")

    writer.submit(broken)
    writer.submit(lambda: ran.append("next"))
    writer.drain()
    assert ran == ["next"]
    assert any(r.message == "store_behind_failed" for r in caplog.records)


def test_drain_with_nothing_pending_returns_at_once() -> None:
    Writer().drain()
