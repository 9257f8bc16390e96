"""`copydesk up` with no server URLs: embedded PostgreSQL and Redis in a data folder.

Runs the real command twice over one data folder: the document stored in the first run
is served by the second, and Ctrl-C (SIGINT) stops every child and both servers.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support import (
    Service,
    child_env,
    free_port,
    start_service,
    stop_process,
    wait_for_job,
    wait_healthy,
)

pytestmark = pytest.mark.integration


class _Up:
    """Starts and stops `copydesk up` in a folder, on a fresh port each time."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.runs = 0
        self.service: Service | None = None

    def start(self) -> str:
        self.runs += 1
        port = free_port()
        log = self.folder / f"up-{self.runs}.log"
        args = ["up", "--port", str(port), "--concurrency", "1"]
        self.service = start_service(
            args, child_env({"COPYDESK_DATA_DIR": str(self.folder / "data")}), log, cwd=self.folder
        )
        base_url = f"http://127.0.0.1:{port}"
        wait_healthy(base_url, self.service.proc, log)
        return base_url

    def interrupt(self) -> int:
        assert self.service is not None
        code = stop_process(self.service.proc, signal.SIGINT)
        self.service = None
        return code


@pytest.fixture
def up(tmp_path: Path) -> Iterator[_Up]:
    runner = _Up(tmp_path)
    try:
        yield runner
    finally:
        if runner.service is not None:
            runner.interrupt()
        _stop_leftover_postgres(tmp_path / "data" / "postgres")


def _stop_leftover_postgres(pgdata: Path) -> None:
    """If a failed run left its PostgreSQL running, stop it as its owner would."""
    pid_file = pgdata / "postmaster.pid"
    if pid_file.exists():
        pid = int(pid_file.read_text().split()[0])
        os.kill(pid, signal.SIGINT)  # PostgreSQL's "fast shutdown"


def test_up_embedded_keeps_data_across_restarts(up: _Up, tmp_path: Path) -> None:
    text = "Embedded mode stores this paragraph.\n\nAnd keeps it after a restart."
    with httpx.Client(base_url=up.start(), timeout=10) as http:
        accepted = http.post("/v1/documents", json={"text": text})
        assert accepted.status_code == 202
        job = wait_for_job(http, accepted.json()["job_id"])
        assert job["status"] == "done", job
        document = http.get(f"/v1/documents/{job['document_id']}").json()
    assert up.interrupt() == 0
    data = tmp_path / "data"
    assert (data / "postgres" / "PG_VERSION").exists()
    assert not (data / "postgres" / "postmaster.pid").exists(), "PostgreSQL still running"
    assert _no_children_left(tmp_path)

    # A run killed outright (kill -9) leaves its pid in pgserver's list of server users;
    # the next run must still stop PostgreSQL when it ends.
    (data / "postgres" / ".handle_pids.json").write_text(json.dumps([_dead_pid()]))
    with httpx.Client(base_url=up.start(), timeout=10) as http:
        again = http.get(f"/v1/documents/{job['document_id']}")
        assert again.status_code == 200
        assert again.json()["content_sha256"] == document["content_sha256"]
        assert http.get(f"/v1/jobs/{job['job_id']}").json()["status"] == "done"
    assert up.interrupt() == 0
    assert not (data / "postgres" / "postmaster.pid").exists(), "PostgreSQL still running"
    assert _no_children_left(tmp_path)


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def _no_children_left(folder: Path) -> bool:
    """No process (service, PostgreSQL, Redis) still works in the test folder."""
    for proc in Path("/proc").iterdir():
        try:
            cwd = (proc / "cwd").resolve(strict=True)
        except OSError:  # not a process, or gone, or not ours to inspect
            continue
        if cwd.is_relative_to(folder) and proc.name != str(os.getpid()):
            return False
    return True
