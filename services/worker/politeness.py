"""Per-host politeness: at most one request per host per delay, across all workers.

Each caller atomically *reserves* the next free slot for a host in Redis (a Lua
script, so two workers never get the same slot) and then sleeps until it. The
slot time comes from the Redis server clock, so workers with skewed clocks still
agree. A caller whose slot is too far away reserves nothing and is told how long
to wait, so the job can be rescheduled instead of blocking a worker.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import redis

from copydesk.errors import FetchRetryable

DEFAULT_DELAY_SECONDS = 1.0
# A robots.txt Crawl-delay above this is capped: we crawl slowly, not never.
MAX_CRAWL_DELAY_SECONDS = 60.0
DEFAULT_MAX_WAIT_SECONDS = 30.0
KEY_PREFIX = "copydesk:polite:"
_MS = 1000.0

# KEYS[1] = host key; ARGV[1] = delay ms; ARGV[2] = max wait ms.
# Returns the wait in ms for the reserved slot, or -(wait) if it exceeds the max (nothing reserved).
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local delay = tonumber(ARGV[1])
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(now, free)
local wait = start - now
if wait > tonumber(ARGV[2]) then
  return -wait
end
redis.call('SET', KEYS[1], start + delay, 'PX', wait + delay + 1000)
return wait
"""


class HostLimiter:
    """Spaces requests to each host by at least its delay, shared through Redis."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        default_delay: float = DEFAULT_DELAY_SECONDS,
        max_wait: float = DEFAULT_MAX_WAIT_SECONDS,
        key_prefix: str = KEY_PREFIX,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._script = client.register_script(_RESERVE)
        self._default_delay = default_delay
        self._max_wait = max_wait
        self._prefix = key_prefix
        self._sleep = sleep

    def delay_for(self, crawl_delay: float | None) -> float:
        """Our delay for a host: the default, or its Crawl-delay if longer (capped)."""
        if crawl_delay is None:
            return self._default_delay
        return min(max(self._default_delay, crawl_delay), MAX_CRAWL_DELAY_SECONDS)

    def reserve(self, host: str, delay: float) -> float:
        """Reserve the next slot for `host`; seconds until it. Raises if too far away."""
        result = int(
            self._script(keys=[self._prefix + host.lower()], args=[_ms(delay), _ms(self._max_wait)])
        )
        if result < 0:
            raise FetchRetryable(
                f"host {host} is busy (politeness delay)", retry_after=-result / _MS
            )
        return result / _MS

    def wait_turn(self, host: str, crawl_delay: float | None = None) -> float:
        """Block until this worker may send the next request to `host`; returns the wait."""
        delay = self.delay_for(crawl_delay)
        if delay <= 0:
            # No spacing asked for (COPYDESK_POLITENESS_DELAY=0 and no Crawl-delay): every
            # caller of this host computes the same delay, so none reserves a slot, and the
            # Redis round trip per request is saved.
            return 0.0
        wait = self.reserve(host, delay)
        if wait > 0:
            self._sleep(wait)
        return wait


def _ms(seconds: float) -> int:
    return max(int(seconds * _MS), 0)
