"""Tools for the fault tests: a private system, a private Redis, a TCP proxy to cut the DB.

Everything here is started by the test that uses it and stopped by it: the shared
PostgreSQL and Redis of the machine are never restarted or reconfigured.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis

from copydesk.settings import Settings
from tests.support import (
    Service,
    api_process,
    delete_queue,
    free_port,
    settings_env,
    start_service,
    stop_process,
)

# Fault tests wait at most this long for every job of a run to finish.
RECOVERY_TIMEOUT = 120.0


def fault_settings(settings: Settings, name: str, data_dir: Path, **changes: object) -> Settings:
    """The test settings with a queue of their own and a sweeper that acts within seconds."""
    update: dict[str, object] = {
        "queue": f"{settings.queue}-{name}",
        "data_dir": data_dir,
        "stale_job_seconds": 3,
        "sweep_interval_seconds": 0.5,
        "job_max_attempts": 3,
    }
    return settings.model_copy(update=update | changes)


def children_of(pid: int) -> list[int]:
    """Direct child processes of `pid` (Linux /proc)."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, parents before their children."""
    found = []
    for child in children_of(pid):
        found += [child, *descendants(child)]
    return found


def pool_processes(service: Service) -> list[int]:
    """The Celery pool processes of a `copydesk worker`: the leaves of its process tree.

    (`copydesk worker` supervises `python -m services.worker`, whose children run tasks.)
    """
    return [pid for pid in descendants(service.proc.pid) if not children_of(pid)]


def kill_worker(service: Service) -> None:
    """kill -9 a worker's whole process tree at once, as a crashed host would."""
    for pid in [service.proc.pid, *descendants(service.proc.pid)]:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    service.proc.wait()


@dataclass
class Processes:
    """Worker and beat processes started by a test, stopped at its end."""

    settings: Settings
    folder: Path
    started: list[Service] = field(default_factory=list)

    def start(self, *args: str) -> Service:
        log = self.folder / f"{args[0]}-{len(self.started)}.log"
        service = start_service(list(args), settings_env(self.settings), log)
        self.started.append(service)
        return service

    def worker(self, concurrency: int = 2) -> Service:
        return self.start("worker", "--concurrency", str(concurrency))

    def beat(self) -> Service:
        return self.start("beat")

    def logs(self) -> str:
        return "\n".join(f"== {s.log.name}\n{s.log.read_text()[-3000:]}" for s in self.started)

    def stop(self) -> None:
        for service in reversed(self.started):
            stop_process(service.proc)


@contextmanager
def processes(settings: Settings, folder: Path) -> Iterator[Processes]:
    folder.mkdir(parents=True, exist_ok=True)
    procs = Processes(settings, folder)
    try:
        yield procs
    finally:
        procs.stop()
        delete_queue(settings)


@contextmanager
def private_api(settings: Settings, folder: Path) -> Iterator[Service]:
    folder.mkdir(parents=True, exist_ok=True)
    with api_process(settings, folder / "api.log") as service:
        yield service


def wait_until(
    condition: Callable[[], bool], timeout: float, describe: Callable[[], str] = lambda: ""
) -> None:
    """Poll `condition` until it holds; fail the test with `describe()` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"gave up after {timeout:g} s:\n{describe()}")


class RedisServer:
    """A private redis-server on a free port, without persistence, restartable."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--save", "", "--appendonly", "no", "--dir", str(self.folder)]
        with (self.folder / "redis.log").open("ab") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        client = redis.Redis.from_url(self.url)
        wait_until(lambda: _answers(client), 10.0, lambda: "redis-server did not start")
        client.close()

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc)
            self.proc = None

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)


def _answers(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


class TcpProxy:
    """Forwards a local port to a server; `cut()` makes the server unreachable, `mend()` not.

    Cutting closes the listening socket and every forwarded connection, so clients see
    what they would see if the server went down: reset connections and refused connects.
    """

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    def mend(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            doomed = list(self._open) + ([self._listener] if self._listener else [])
            self._open.clear()
            self._listener = None
        for sock in doomed:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # cut
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open.update((client, upstream))
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=pump, args=(src, dst), daemon=True).start()


def pump(src: socket.socket, dst: socket.socket) -> None:
    """Copy bytes from src to dst until src ends, then end dst."""
    with suppress(OSError):
        while data := src.recv(65536):
            dst.sendall(data)
    with suppress(OSError):
        dst.shutdown(socket.SHUT_WR)
