"""Fetching one page over HTTP(S): timeouts, a streamed size cap, a content-type check.

This is the minimal fetcher the pipeline needs; the full one (SSRF guard against DNS
rebinding, robots.txt, per-host politeness, retries) replaces this module with the same
names: `FetchPolicy`, `FetchedPage`, `fetch_page`.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from copydesk.charset import sniff_charset
from copydesk.errors import FetchFailed, FetchRetryable

ACCEPTED_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
MAX_REDIRECTS = 5
TOO_MANY_REQUESTS = 429
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """How a fetch may behave."""

    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_bytes: int = 10_000_000
    user_agent: str = "copydesk"
    allow_private_networks: bool = False


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A fetched page, decoded."""

    url: str
    final_url: str
    status: int
    content_type: str
    text: str
    encoding: str
    bytes: int
    elapsed_ms: float


def fetch_page(url: str, policy: FetchPolicy) -> FetchedPage:
    """GET a page, following up to `MAX_REDIRECTS` redirects; raises FetchFailed/Retryable."""
    started = time.monotonic()
    timeout = httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout)
    headers = {"user-agent": policy.user_agent, "accept": "text/html,text/plain;q=0.9"}
    with httpx.Client(timeout=timeout, headers=headers, follow_redirects=False) as client:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            _check_address(current, policy)
            try:
                page = _get(client, url, current, policy, started)
            except httpx.TimeoutException as exc:
                raise FetchRetryable(f"timed out fetching {current}", url=url) from exc
            except httpx.TransportError as exc:
                raise FetchRetryable(f"could not fetch {current}: {exc}", url=url) from exc
            if isinstance(page, FetchedPage):
                return page
            current = page
    raise FetchFailed(f"more than {MAX_REDIRECTS} redirects", url=url)


def _get(
    client: httpx.Client, url: str, current: str, policy: FetchPolicy, started: float
) -> FetchedPage | str:
    """One request: the page, or the next URL when the answer is a redirect."""
    with client.stream("GET", current) as response:
        if response.status_code in _REDIRECTS and "location" in response.headers:
            return urljoin(current, response.headers["location"])
        _check_status(response.status_code, url)
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in ACCEPTED_TYPES:
            raise FetchFailed(f"not an HTML or text page: {content_type or 'no type'}", url=url)
        body = _read_capped(response, policy, started, url)
        encoding = response.charset_encoding or sniff_charset(body) or "utf-8"
        try:
            text = body.decode(encoding, errors="replace")
        except LookupError:  # an unknown charset name in the page
            encoding, text = "utf-8", body.decode("utf-8", errors="replace")
        return FetchedPage(
            url=url,
            final_url=str(response.url),
            status=response.status_code,
            content_type=content_type,
            text=text,
            encoding=encoding,
            bytes=len(body),
            elapsed_ms=(time.monotonic() - started) * 1000,
        )


def _check_status(status: int, url: str) -> None:
    if status == TOO_MANY_REQUESTS or status >= 500:
        raise FetchRetryable(f"HTTP {status}", url=url, status=status)
    if not 200 <= status < 300:
        raise FetchFailed(f"HTTP {status}", url=url, status=status)


def _read_capped(response: httpx.Response, policy: FetchPolicy, started: float, url: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > policy.max_bytes:
            raise FetchFailed(f"page is larger than {policy.max_bytes} bytes", url=url)
        if time.monotonic() - started > policy.total_timeout:
            raise FetchRetryable(f"took longer than {policy.total_timeout}s", url=url)
        chunks.append(chunk)
    return b"".join(chunks)


def _check_address(url: str, policy: FetchPolicy) -> None:
    """Refuse non-http(s) URLs and, unless allowed, hosts that resolve to private addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchFailed(f"not an http(s) URL: {url}", url=url)
    if policy.allow_private_networks:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise FetchFailed(f"cannot resolve {parts.hostname}", url=url) from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise FetchFailed(f"{parts.hostname} resolves to a non-public address", url=url)
