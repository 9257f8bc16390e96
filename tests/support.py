"""Helpers shared by the tests (fixtures themselves live in conftest.py)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import psycopg
import pytest
import redis
from psycopg.conninfo import make_conninfo

from copydesk import db, queries
from copydesk.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
DEFAULT_TEST_DATABASE_URL = "postgresql://127.0.0.1:5432/test"
DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379/0"
# Seconds to wait for a server to answer /healthz, and for a job to finish.
START_TIMEOUT = 60.0
JOB_TIMEOUT = 30.0
STOP_TIMEOUT = 30.0


def child_env(variables: dict[str, str]) -> dict[str, str]:
    """This process's environment without COPYDESK_* variables, plus `variables`.

    The children import this checkout's code whether or not it is pip-installed.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPYDESK_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env | variables


def settings_env(settings: Settings) -> dict[str, str]:
    """The process environment that gives a child process exactly these settings."""
    return child_env(
        {
            f"COPYDESK_{key.upper()}": str(value).lower() if isinstance(value, bool) else str(value)
            for key, value in settings.model_dump().items()
            if value is not None
        }
    )


@contextmanager
def scratch_database(name: str) -> Iterator[str]:
    """A new database with schema.sql applied (on COPYDESK_TEST_DATABASE_URL's server), dropped
    on exit; yields its URL."""
    admin_url = os.environ.get("COPYDESK_TEST_DATABASE_URL", DEFAULT_TEST_DATABASE_URL)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        queries.create_database(conn, name)
    url = make_conninfo(admin_url, dbname=name)
    try:
        db.apply_schema(url)
        yield url
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            queries.drop_database(conn, name)


def delete_queue(settings: Settings) -> None:
    """Leave nothing of a test queue in the shared Redis."""
    assert settings.redis_url is not None
    client = redis.Redis.from_url(settings.redis_url)
    # The list of messages, and the binding records kombu keeps for the queue.
    client.delete(
        settings.queue,
        f"_kombu.binding.{settings.queue}",
        f"_kombu.binding_permanent.{settings.queue}",
    )
    client.close()


def wait_for_job(
    http: httpx.Client, job_id: str, describe: Callable[[], str] = lambda: ""
) -> dict[str, Any]:
    """Poll a job until it is done or failed; fail the test with `describe()` on timeout."""
    deadline = time.monotonic() + JOB_TIMEOUT
    job: dict[str, Any] = {}
    while time.monotonic() < deadline:
        job = http.get(f"/v1/jobs/{job_id}").raise_for_status().json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    pytest.fail(f"job {job_id} still {job.get('status')}:\n{describe()}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def copydesk_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "copydesk", *args]


def stop_process(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> int:
    """Signal a child and wait for it; kill it if it does not stop in time."""
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def wait_healthy(base_url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    """Poll /healthz until it answers 200; fail with the server log if it never does."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited with {proc.returncode}:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"server did not become healthy:\n{log.read_text()[-4000:]}")


@dataclass
class Service:
    """A running child process and where its output goes."""

    proc: subprocess.Popen[bytes]
    log: Path
    base_url: str = ""


def start_service(args: list[str], env: dict[str, str], log: Path, cwd: Path = REPO) -> Service:
    with log.open("wb") as out:
        proc = subprocess.Popen(
            copydesk_command(*args), env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT
        )
    return Service(proc=proc, log=log)


@dataclass
class PageServer:
    """Pages served on 127.0.0.1: path -> (status, content type, body)."""

    base_url: str
    pages: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)

    def add(self, path: str, body: str | bytes, status: int = 200, ctype: str = "text/html") -> str:
        data = body.encode() if isinstance(body, str) else body
        self.pages[path] = (status, ctype, data)
        return self.base_url + path


@contextmanager
def api_process(settings: Settings, log: Path) -> Iterator[Service]:
    """`copydesk api` on a free port with these settings, stopped on exit."""
    port = free_port()
    service = start_service(["api", "--port", str(port)], settings_env(settings), log)
    service.base_url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(service.base_url, service.proc, log)
        yield service
    finally:
        stop_process(service.proc)


@contextmanager
def commit_refused(admin: psycopg.Connection[Any], job_id: UUID) -> Iterator[None]:
    """In the block, the COMMIT of the transaction that marks `job_id` done fails (a deferred
    constraint trigger): its statements all succeed, only the commit is refused."""
    admin.execute(
        f"""
        CREATE FUNCTION refuse_commit_{job_id.hex}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'commit refused'; END $$;
        CREATE CONSTRAINT TRIGGER refuse_{job_id.hex} AFTER UPDATE ON ingest_jobs
          DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
          WHEN (NEW.id = '{job_id}' AND NEW.status = 'done')
          EXECUTE FUNCTION refuse_commit_{job_id.hex}();
        """
    )
    try:
        yield
    finally:
        admin.execute(f"DROP TRIGGER refuse_{job_id.hex} ON ingest_jobs")
        admin.execute(f"DROP FUNCTION refuse_commit_{job_id.hex}()")
