"""Per-process worker resources: the settings, a lazily opened connection pool, a Redis client."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import redis

from copydesk import db
from copydesk.settings import Settings

# A connection used this recently is handed out again unchecked (see db.create_pool).
RECHECK_AFTER_SECONDS = 1.0


@dataclass(slots=True)
class WorkerContext:
    """Per-process resources. Prefork children each open their own pool on first use."""

    settings: Settings
    _pool: db.Pool | None = field(default=None, init=False)
    _pid: int = field(default=0, init=False)
    _redis: redis.Redis | None = field(default=None, init=False)
    _redis_pid: int = field(default=0, init=False)

    def pool(self) -> db.Pool:
        if self._pool is None or self._pid != os.getpid():
            # A pool inherited through fork shares sockets with the parent: never reuse it.
            # Commits need not wait for the disk: see create_pool (every write is redone).
            self._pool = db.create_pool(
                self.settings, synchronous_commit=False, recheck_after=RECHECK_AFTER_SECONDS
            )
            self._pid = os.getpid()
        return self._pool

    def redis_client(self) -> redis.Redis:
        """This process's Redis client (the broker's server), for sending ready-made tasks."""
        if self._redis is None or self._redis_pid != os.getpid():
            self._redis = redis.Redis.from_url(self.settings.redis_client_url())
            self._redis_pid = os.getpid()
        return self._redis

    def close(self) -> None:
        if self._pool is not None and self._pid == os.getpid():
            self._pool.close()
        self._pool = None
        if self._redis is not None and self._redis_pid == os.getpid():
            self._redis.close()
        self._redis = None
