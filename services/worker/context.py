"""Per-process worker resources: the settings and a lazily opened connection pool."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from copydesk import db
from copydesk.settings import Settings


@dataclass(slots=True)
class WorkerContext:
    """Per-process resources. Prefork children each open their own pool on first use."""

    settings: Settings
    _pool: db.Pool | None = field(default=None, init=False)
    _pid: int = field(default=0, init=False)

    def pool(self) -> db.Pool:
        if self._pool is None or self._pid != os.getpid():
            # A pool inherited through fork shares sockets with the parent: never reuse it.
            # Commits need not wait for the disk: see create_pool (every write is redone).
            self._pool = db.create_pool(self.settings, synchronous_commit=False)
            self._pid = os.getpid()
        return self._pool

    def close(self) -> None:
        if self._pool is not None and self._pid == os.getpid():
            self._pool.close()
        self._pool = None
