"""The hook run before every HTTP request of a crawl: robots.txt, then politeness.

`fetch_page(..., before_request=gate)` calls it for the first URL and for every
redirect hop, so a redirect cannot lead into a disallowed path or around the
per-host delay.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from copydesk.errors import FetchFailed, FetchRetryable
from services.worker.fetch import (
    PAGE_TYPES,
    BeforeRequest,
    FetchPolicy,
    Recorder,
    fetch_page,
)
from services.worker.politeness import HostLimiter
from services.worker.robots import (
    ROBOTS_MAX_BYTES,
    ROBOTS_RETRY_TTL_SECONDS,
    UNREACHABLE,
    RobotsCache,
    RobotsDisallowed,
    RobotsFetcher,
    Verdict,
    agent_token,
)

# robots.txt is often served with odd types; anything sniffed as text will do.
ROBOTS_TYPES = PAGE_TYPES | {"application/octet-stream"}
# A status for "robots.txt exists but is unusable" (wrong type, too big): treated as absent.
UNUSABLE = 404


class RequestGate:
    """robots.txt verdict, then wait for this host's politeness slot."""

    def __init__(self, robots: RobotsCache, limiter: HostLimiter, user_agent: str) -> None:
        self._robots = robots
        self._limiter = limiter
        self._agent = agent_token(user_agent)

    def __call__(self, url: str) -> None:
        rules = self._robots.rules_for(url)
        verdict = rules.verdict(url, self._agent)
        if verdict is Verdict.DISALLOWED:
            raise RobotsDisallowed("robots.txt disallows this URL", url=url)
        if verdict is Verdict.TRY_LATER:
            raise FetchRetryable(
                f"robots.txt unavailable (status {rules.status}); try later",
                url=url,
                retry_after=float(ROBOTS_RETRY_TTL_SECONDS),
            )
        self._limiter.wait_turn(_host(url), rules.crawl_delay(self._agent))


def robots_fetcher(
    policy: FetchPolicy, limiter: HostLimiter, record: Recorder | None = None
) -> RobotsFetcher:
    """A RobotsFetcher using the safe fetcher (and the host's politeness slot)."""
    robots_policy = replace(policy, allowed_types=ROBOTS_TYPES, max_bytes=4 * ROBOTS_MAX_BYTES)

    def fetch(url: str) -> tuple[int, str]:
        try:
            page = fetch_page(url, robots_policy, before_request=_polite(limiter), record=record)
        except FetchRetryable as exc:
            return exc.status or UNREACHABLE, ""
        except FetchFailed as exc:
            # Past the redirect limit, wrong type or too big: as if there were none (RFC 9309).
            usable = exc.status is not None and 400 <= exc.status < 600
            return (exc.status or UNUSABLE) if usable else UNUSABLE, ""
        return page.status, page.text

    return fetch


def _polite(limiter: HostLimiter) -> BeforeRequest:
    def wait(url: str) -> None:
        limiter.wait_turn(_host(url))

    return wait


def _host(url: str) -> str:
    return urlsplit(url).netloc
