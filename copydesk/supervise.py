"""Running services as child processes and stopping them all cleanly.

`copydesk up` (and `api`, `worker`, `beat`) start uvicorn and celery as children rather
than importing them, so each keeps its own process, signals and logs. Children get their
own session, so a terminal's Ctrl-C reaches only us; we then stop them all.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import FrameType

# Seconds a child gets to finish its work (a worker ends its current task) after SIGTERM.
STOP_GRACE_SECONDS = 20.0
_POLL_SECONDS = 0.2
_PR_SET_PDEATHSIG = 1
# Ctrl-C, `kill`/`docker stop`, and a closed terminal all mean: stop everything cleanly.
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@dataclass(frozen=True, slots=True)
class ChildSpec:
    """One service to run: a name for messages and its command line."""

    name: str
    argv: Sequence[str]


def service_argv(component: str, *args: str) -> list[str]:
    """The command line of one component: ingest (uvicorn) or worker/beat (celery)."""
    if component == "api":
        return [sys.executable, "-m", "services.ingest", *args]
    return [sys.executable, "-m", "services.worker", component, *args]


def _die_with_parent() -> None:
    # Linux only: if `copydesk up` is killed outright, the kernel sends its children
    # SIGTERM instead of leaving them orphaned.
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class Supervisor:
    """Starts children, waits for a signal or a child's exit, then stops the rest."""

    def __init__(self, specs: Sequence[ChildSpec], env: Mapping[str, str]) -> None:
        self.specs = specs
        self.env = dict(env)
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self._stopping = False

    def start(self) -> None:
        for spec in self.specs:
            self.children[spec.name] = subprocess.Popen(
                list(spec.argv),
                env=self.env,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )

    def wait(self) -> int:
        """Block until a stop signal or a child exits; stop everything; return an exit code."""
        previous = {sig: signal.signal(sig, self._on_signal) for sig in _STOP_SIGNALS}
        code = 0
        try:
            while not self._stopping:
                for name, child in self.children.items():
                    if child.poll() is not None:
                        print(
                            f"copydesk: {name} exited with code {child.returncode}", file=sys.stderr
                        )
                        code = child.returncode or 1
                        self._stopping = True
                        break
                else:
                    time.sleep(_POLL_SECONDS)
        finally:
            self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return code

    def stop(self) -> None:
        """SIGTERM every running child, then SIGKILL any still there after the grace time."""
        alive = [c for c in self.children.values() if c.poll() is None]
        for child in alive:
            child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in alive:
            try:
                child.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self._stopping = True


def run_children(specs: Sequence[ChildSpec], env: Mapping[str, str] | None = None) -> int:
    """Run children until interrupted; the exit code of `copydesk api/worker/beat`."""
    supervisor = Supervisor(specs, env if env is not None else os.environ)
    supervisor.start()
    return supervisor.wait()
