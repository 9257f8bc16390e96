"""The worker's log setup: Celery's per-task lines give way to the job's own events."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from copydesk.settings import Settings
from services.worker.__main__ import PER_TASK_LOGGERS, _configure_logging


@pytest.fixture
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in PER_TASK_LOGGERS}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, saved in levels.items():
        logging.getLogger(name).setLevel(saved)


@pytest.mark.usefixtures("restored_logging")
def test_celery_per_task_lines_are_left_out_at_info() -> None:
    _configure_logging(Settings(log_level="INFO"), "worker")
    for name in PER_TASK_LOGGERS:
        assert not logging.getLogger(name).isEnabledFor(logging.INFO)
        assert logging.getLogger(name).isEnabledFor(logging.WARNING)
    assert logging.getLogger("services.worker.pipeline").isEnabledFor(logging.INFO)


@pytest.mark.usefixtures("restored_logging")
def test_at_debug_celery_says_everything() -> None:
    _configure_logging(Settings(log_level="DEBUG"), "worker")
    for name in PER_TASK_LOGGERS:
        assert logging.getLogger(name).isEnabledFor(logging.INFO)
