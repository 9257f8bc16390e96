"""A repair to kombu's Redis transport: a failed acknowledgement must not stall the worker.

kombu's Redis QoS forgets a delivered message only after the ack (or reject) reached Redis.
When Redis restarts while tasks finish, those calls fail, the messages stay counted as
unacknowledged, and once `prefetch` of them pile up the consumer never asks Redis for
another message, so it never notices the broken connection either: the worker sits idle
for good (seen in tests/integration/test_faults.py, about one restart in three under load).
Here a failed ack or reject still frees the message's slot locally, then re-raises as
before (Celery logs "Couldn't ack"); the next poll meets the dead connection and Celery
reconnects. Nothing is lost: the job row, not the message, says what is left to do, and
the sweeper re-sends jobs whose message vanished with the restart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kombu.transport import redis as kombu_redis
from kombu.transport.virtual import base as virtual

_MARK = "_copydesk_frees_slot"


def install_ack_repair() -> None:
    """Patch kombu's Redis QoS once per process (idempotent)."""
    qos = kombu_redis.QoS
    if getattr(qos.ack, _MARK, False):
        return
    # A deliberate patch of a third-party class; see the module docstring for why.
    qos.ack = _freeing_slot(qos.ack)  # type: ignore[method-assign]
    qos.reject = _freeing_slot(qos.reject)  # type: ignore[method-assign]


def _freeing_slot(method: Callable[..., None]) -> Callable[..., None]:
    def call(self: Any, delivery_tag: str, *args: Any, **kwargs: Any) -> None:
        try:
            method(self, delivery_tag, *args, **kwargs)
        except Exception:
            virtual.QoS.ack(self, delivery_tag)  # type: ignore[no-untyped-call]  # local only
            raise

    setattr(call, _MARK, True)
    return call
