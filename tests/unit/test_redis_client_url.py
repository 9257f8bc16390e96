"""redis-py clients get the broker URL in a form they parse (the embedded one is kombu's)."""

from __future__ import annotations

import pytest
import redis

from copydesk.settings import Settings


@pytest.mark.parametrize(
    ("broker", "client"),
    [
        ("redis+socket:///tmp/x/redis.socket", "unix:///tmp/x/redis.socket"),
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
    ],
)
def test_redis_client_url(broker: str, client: str) -> None:
    url = Settings(redis_url=broker).redis_client_url()
    assert url == client
    redis.Redis.from_url(url).close()  # parses (connects lazily)
