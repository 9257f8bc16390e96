"""robots.txt: fetch once per host, cache in Redis with a TTL, answer per URL.

RFC 9309 semantics: a 4xx robots.txt (missing) means everything is allowed; a
5xx or an unreachable host means "do not crawl now, try later" (we cache that
briefly, so a flapping server is re-asked soon); a 2xx body is parsed with the
standard library parser. The cache lives in Redis so every worker shares it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import redis

from copydesk.errors import FetchFailed

logger = logging.getLogger(__name__)

ROBOTS_TTL_SECONDS = 24 * 3600
# A robots.txt that failed with 5xx or a network error is re-asked after this long.
ROBOTS_RETRY_TTL_SECONDS = 60
# RFC 9309 asks crawlers to parse at least 500 KiB; more than that is ignored.
ROBOTS_MAX_BYTES = 500 * 1024
UNREACHABLE = 0
KEY_PREFIX = "copydesk:robots:"

# (status, body) of a robots.txt URL; status UNREACHABLE when no HTTP answer came.
RobotsFetcher = Callable[[str], tuple[int, str]]


class Verdict(StrEnum):
    ALLOWED = "allowed"
    DISALLOWED = "disallowed"
    TRY_LATER = "try_later"


class RobotsDisallowed(FetchFailed):
    """robots.txt disallows this URL for copydesk."""


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """The robots.txt of one origin as fetched: its HTTP status and body."""

    status: int
    body: str

    def verdict(self, url: str, agent: str) -> Verdict:
        """May `agent` fetch `url` now, under these rules?"""
        if 400 <= self.status < 500:
            return Verdict.ALLOWED
        if not 200 <= self.status < 300:
            return Verdict.TRY_LATER
        allowed = self._parser().can_fetch(agent, url)
        return Verdict.ALLOWED if allowed else Verdict.DISALLOWED

    def crawl_delay(self, agent: str) -> float | None:
        """The Crawl-delay for `agent`, if the file sets one."""
        if not 200 <= self.status < 300:
            return None
        delay = self._parser().crawl_delay(agent)
        return float(delay) if delay is not None else None

    def _parser(self) -> RobotFileParser:
        parser = RobotFileParser()
        parser.parse(self.body.splitlines())
        return parser


def robots_url(url: str) -> str:
    """The robots.txt URL governing `url`."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def agent_token(user_agent: str) -> str:
    """The product token robots.txt groups match against ("copydesk/0.1 (...)" -> "copydesk")."""
    return user_agent.split("/", 1)[0].split(" ", 1)[0] or user_agent


class RobotsCache:
    """robots.txt rules per origin, shared by all workers through Redis."""

    def __init__(
        self,
        client: redis.Redis,
        fetcher: RobotsFetcher,
        *,
        ttl: int = ROBOTS_TTL_SECONDS,
        retry_ttl: int = ROBOTS_RETRY_TTL_SECONDS,
        key_prefix: str = KEY_PREFIX,
    ) -> None:
        self._redis = client
        self._fetcher = fetcher
        self._ttl = ttl
        self._retry_ttl = retry_ttl
        self._prefix = key_prefix

    def rules_for(self, url: str) -> RobotsRules:
        """The cached rules for `url`'s origin, fetching robots.txt when missing or expired."""
        location = robots_url(url)
        key = self._prefix + location
        cached = self._redis.get(key)
        if cached is not None:
            data = json.loads(cached)
            return RobotsRules(int(data["status"]), str(data["body"]))
        status, body = self._fetcher(location)
        rules = RobotsRules(status, body[:ROBOTS_MAX_BYTES])
        ttl = self._ttl if 200 <= status < 500 else self._retry_ttl
        self._redis.set(key, json.dumps({"status": rules.status, "body": rules.body}), ex=ttl)
        logger.info("robots_fetched", extra={"url": location, "status": status})
        return rules
