"""robots.txt cache and per-host politeness through the machine's real Redis."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace

import pytest
import redis

from copydesk.errors import FetchRetryable
from services.worker.fetch import FetchPolicy, fetch_page
from services.worker.gate import RequestGate, robots_fetcher
from services.worker.politeness import HostLimiter
from services.worker.robots import RobotsCache, RobotsDisallowed
from tests.crawlsite import Site, serve_site

pytestmark = pytest.mark.integration

POLICY = FetchPolicy(allow_private_networks=True, connect_timeout=2, read_timeout=2)
DELAY = 0.3


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    client = redis.Redis(host="127.0.0.1", port=6379)
    yield client
    client.close()


@pytest.fixture
def prefix(redis_client: redis.Redis) -> Iterator[str]:
    """A key namespace of our own, removed afterwards (others share this Redis)."""
    value = f"copydesk-test:{uuid.uuid4().hex}:"
    yield value
    for key in redis_client.scan_iter(match=value + "*"):
        redis_client.delete(key)


@pytest.fixture
def site() -> Iterator[Site]:
    with serve_site() as site:
        yield site


def _limiter(client: redis.Redis, prefix: str, **kwargs: float) -> HostLimiter:
    return HostLimiter(client, default_delay=DELAY, key_prefix=prefix + "polite:", **kwargs)


def test_limiter_spaces_requests_across_instances(redis_client: redis.Redis, prefix: str) -> None:
    """Two limiters (as in two workers) share the host's slots through Redis."""
    limiters = [_limiter(redis_client, prefix), _limiter(redis_client, prefix)]
    stamps: list[float] = []
    lock = threading.Lock()

    def take(limiter: HostLimiter) -> None:
        for _ in range(3):
            limiter.wait_turn("news.example")
            with lock:
                stamps.append(time.monotonic())

    threads = [threading.Thread(target=take, args=(lim,)) for lim in limiters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stamps.sort()
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    assert len(stamps) == 6
    assert min(gaps) >= DELAY - 0.03  # scheduling slack, not a speed target


def test_limiter_keeps_hosts_apart(redis_client: redis.Redis, prefix: str) -> None:
    limiter = _limiter(redis_client, prefix)
    assert limiter.reserve("a.example", DELAY) == 0
    assert limiter.reserve("b.example", DELAY) == 0
    assert limiter.reserve("a.example", DELAY) > 0


def test_limiter_refuses_waits_past_max(redis_client: redis.Redis, prefix: str) -> None:
    limiter = _limiter(redis_client, prefix, max_wait=0.5)
    limiter.reserve("slow.example", 2.0)
    with pytest.raises(FetchRetryable) as caught:
        limiter.reserve("slow.example", 2.0)
    assert caught.value.retry_after is not None and 1.0 < caught.value.retry_after <= 2.0


def test_crawl_delay_is_respected_and_capped(redis_client: redis.Redis, prefix: str) -> None:
    limiter = _limiter(redis_client, prefix)
    assert limiter.delay_for(None) == DELAY
    assert limiter.delay_for(0.1) == DELAY
    assert limiter.delay_for(5) == 5
    assert limiter.delay_for(10_000) == 60


def _gate(client: redis.Redis, prefix: str, policy: FetchPolicy = POLICY) -> RequestGate:
    limiter = _limiter(client, prefix)
    robots = RobotsCache(client, robots_fetcher(policy, limiter), key_prefix=prefix + "robots:")
    return RequestGate(robots, limiter, policy.user_agent)


def test_robots_disallowed_path_is_refused_and_cached(
    redis_client: redis.Redis, prefix: str, site: Site
) -> None:
    gate = _gate(redis_client, prefix)
    page = fetch_page(site.url("/articles/1.html"), POLICY, before_request=gate)
    assert page.status == 200
    with pytest.raises(RobotsDisallowed):
        fetch_page(site.url("/private/secret.html"), POLICY, before_request=gate)
    assert "/private/secret.html" not in site.log.paths()
    assert site.log.paths().count("/robots.txt") == 1  # fetched once, then cached
    assert redis_client.ttl(prefix + "robots:" + site.url("/robots.txt")) > 3600


def test_redirect_into_disallowed_path_is_refused(
    redis_client: redis.Redis, prefix: str, site: Site
) -> None:
    site.extra["/moved"] = (301, {"Location": "/private/secret.html"}, b"")
    with pytest.raises(RobotsDisallowed):
        fetch_page(site.url("/moved"), POLICY, before_request=_gate(redis_client, prefix))
    assert "/private/secret.html" not in site.log.paths()


def test_robots_5xx_means_try_later_and_4xx_means_allowed(
    redis_client: redis.Redis, prefix: str, site: Site
) -> None:
    site.extra["/robots.txt"] = (503, {"Content-Type": "text/plain"}, b"down")
    with pytest.raises(FetchRetryable, match=r"robots\.txt unavailable"):
        fetch_page(site.url("/articles/2.html"), POLICY, before_request=_gate(redis_client, prefix))
    assert "/articles/2.html" not in site.log.paths()
    # The 5xx verdict is cached only briefly.
    assert 0 < redis_client.ttl(prefix + "robots:" + site.url("/robots.txt")) <= 60

    site.extra["/robots.txt"] = (404, {"Content-Type": "text/plain"}, b"")
    other = prefix + "second:"
    page = fetch_page(
        site.url("/private/secret.html"), POLICY, before_request=_gate(redis_client, other)
    )
    assert page.status == 200


def test_gate_spaces_requests_to_one_host(
    redis_client: redis.Redis, prefix: str, site: Site
) -> None:
    gate = _gate(redis_client, prefix, replace(POLICY))
    started = time.monotonic()
    for n in (1, 2, 3):
        fetch_page(site.url(f"/articles/{n}.html"), POLICY, before_request=gate)
    # robots.txt + 3 pages = 4 requests, 3 gaps of DELAY.
    assert time.monotonic() - started >= 3 * DELAY - 0.05


def test_limiter_with_no_delay_reserves_nothing(redis_client: redis.Redis, prefix: str) -> None:
    """Delay 0 and no Crawl-delay: no slot is reserved, so no Redis round trip per request;
    a Crawl-delay still spaces the host's requests."""
    limiter = HostLimiter(redis_client, default_delay=0.0, key_prefix=prefix + "polite:")
    assert limiter.wait_turn("news.example") == 0.0
    assert not list(redis_client.scan_iter(match=prefix + "polite:*"))
    assert limiter.wait_turn("news.example", crawl_delay=0.2) == 0.0
    # 0.2 s less the time between the two calls, which a loaded machine can stretch.
    assert 0.0 < limiter.wait_turn("news.example", crawl_delay=0.2) <= 0.2
