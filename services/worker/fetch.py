"""Fetch one URL safely: SSRF guard, timeouts, size cap, content types, charset.

    fetch_page(url, policy) -> FetchedPage      one logical fetch, redirects hop by hop
    fetch_with_retries(url, policy, retry)      the same, retrying transient failures

Redirects are followed by hand (never by httpx) so that every hop is checked
against the SSRF guard and passed through `before_request` (robots.txt and the
per-host politeness delay). Failures raise `FetchFailed` (permanent) or
`FetchRetryable` (timeouts, connection errors, 429, 5xx); a `record` callback,
if given, sees one `FetchRecord` per call whatever the outcome.
"""

from __future__ import annotations

import atexit
import builtins
import functools
import hashlib
import logging
import os
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

import httpcore
import httpx

from copydesk.crawl.charset import decode_body
from copydesk.errors import FetchFailed, FetchRetryable
from services.worker.netguard import GuardedBackend, NetworkPolicy, Resolver, check_url
from services.worker.netguard import resolve_host as _system_resolver
from services.worker.quickack import QuickAckBackend
from services.worker.retry import RetryPolicy, is_retryable_status, next_delay, parse_retry_after

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 5
DEFAULT_USER_AGENT = "copydesk/0.1 (+https://example.invalid/copydesk-bot)"
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml"}
    | {"text/xml"}
)
# Gzipped sitemaps (sitemap.xml.gz) are served under several binary types.
GZIP_TYPES = frozenset({"application/gzip", "application/x-gzip", "application/octet-stream"})
ALLOWED_TYPES = PAGE_TYPES | FEED_TYPES
SITEMAP_TYPES = FEED_TYPES | GZIP_TYPES | {"text/plain"}
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
NOT_MODIFIED = 304
_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Limits and identity for fetching; built from settings by the caller."""

    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    total_timeout: float = 30.0
    max_bytes: int = DEFAULT_MAX_BYTES
    user_agent: str = DEFAULT_USER_AGENT
    allow_private_networks: bool = False
    allowed_networks: tuple[str, ...] = ()
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    allowed_types: frozenset[str] = ALLOWED_TYPES

    @property
    def network(self) -> NetworkPolicy:
        return NetworkPolicy(self.allow_private_networks, self.allowed_networks)


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A fetched response body, decoded, with what re-fetching needs (validators, hash)."""

    url: str
    final_url: str
    status: int
    content_type: str
    text: str
    encoding: str
    bytes: int
    elapsed_ms: int
    # builtins.bytes: the `bytes` field above shadows the type name inside this class.
    content: builtins.bytes = field(default=b"", repr=False)
    etag: str | None = None
    last_modified: str | None = None
    redirects: tuple[str, ...] = ()

    @property
    def not_modified(self) -> bool:
        """True for a 304 answer to a conditional request (no body)."""
        return self.status == NOT_MODIFIED

    @property
    def content_hash(self) -> str:
        """SHA-256 of the body, to spot unchanged pages served without validators."""
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True, slots=True)
class FetchRecord:
    """What the fetch log keeps about one call, success or not."""

    url: str
    final_url: str | None
    status: int | None
    bytes: int
    elapsed_ms: int
    error: str | None


BeforeRequest = Callable[[str], None]
Recorder = Callable[[FetchRecord], None]


def fetch_page(
    url: str,
    policy: FetchPolicy,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    before_request: BeforeRequest | None = None,
    record: Recorder | None = None,
    resolver: Resolver = _system_resolver,
) -> FetchedPage:
    """Fetch `url` following at most `policy.max_redirects` redirects, each one vetted."""
    started = time.monotonic()
    state = _HopState(url)
    try:
        page = _fetch(url, policy, state, started, etag, last_modified, before_request, resolver)
    except FetchFailed as exc:
        exc.url = exc.url or state.current
        exc.status = exc.status if exc.status is not None else state.status
        _emit(record, url, state, _elapsed_ms(started), exc.message)
        raise
    _emit(record, url, state, page.elapsed_ms, None)
    return page


def fetch_with_retries(
    url: str,
    policy: FetchPolicy,
    retry: RetryPolicy,
    *,
    sleep: Callable[[float], None] = time.sleep,
    **kwargs: object,
) -> FetchedPage:
    """`fetch_page`, retrying transient failures in-process while the wait stays short.

    A wait longer than `retry.max_inline_wait`, or running out of attempts, raises
    the last `FetchRetryable` with `retry_after` set, so the task can reschedule.
    """
    attempt = 1
    while True:
        try:
            return fetch_page(url, policy, **kwargs)  # type: ignore[arg-type]  # passthrough
        except FetchRetryable as exc:
            delay = next_delay(attempt, exc.retry_after, retry)
            if attempt >= retry.max_attempts or delay > retry.max_inline_wait:
                exc.retry_after = delay
                raise
            logger.info("fetch_retry", extra={"url": url, "attempt": attempt, "delay_s": delay})
            sleep(delay)
            attempt += 1


@dataclass(slots=True)
class _HopState:
    """Where a fetch got to, for the record and error messages."""

    current: str
    status: int | None = None
    size: int = 0
    redirects: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Answer:
    """The final (non-redirect) response of a fetch, body read."""

    status: int
    headers: httpx.Headers
    body: bytes


def _fetch(
    url: str,
    policy: FetchPolicy,
    state: _HopState,
    started: float,
    etag: str | None,
    last_modified: str | None,
    before_request: BeforeRequest | None,
    resolver: Resolver,
) -> FetchedPage:
    deadline = started + policy.total_timeout
    headers = _conditional_headers(etag, last_modified)
    client = _client(policy, resolver)
    for _hop in range(policy.max_redirects + 1):
        check_url(state.current, policy.network)
        if before_request is not None:
            before_request(state.current)
        answer = _request(client, policy, state, headers, deadline)
        if isinstance(answer, _Answer):
            return _page(url, state, answer, policy, started)
        state.redirects.append(state.current)
        state.current = answer
    raise FetchFailed(f"more than {policy.max_redirects} redirects", url=state.current)


def _request(
    client: httpx.Client,
    policy: FetchPolicy,
    state: _HopState,
    headers: dict[str, str],
    deadline: float,
) -> _Answer | str:
    """One HTTP request: the next URL on a redirect, else the answer with its body."""
    url = state.current
    try:
        with client.stream("GET", url, headers=headers, timeout=_timeout(policy, deadline)) as resp:
            state.status = resp.status_code
            if resp.status_code in REDIRECT_STATUSES and "location" in resp.headers:
                return urljoin(url, resp.headers["location"])
            if 300 <= resp.status_code < 400 and resp.status_code != NOT_MODIFIED:
                raise FetchFailed(f"HTTP {resp.status_code} without a usable Location", url=url)
            _raise_for_status(resp, url)
            _precheck_type(resp, policy, url)
            body = _read_body(resp, policy, deadline, url, state)
            return _Answer(resp.status_code, resp.headers, body)
    except httpx.TimeoutException as exc:
        raise FetchRetryable(f"timed out ({type(exc).__name__})", url=url) from exc
    except httpx.DecodingError as exc:
        raise FetchFailed(f"undecodable response body: {exc}", url=url) from exc
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise FetchFailed(f"invalid URL: {exc}", url=url) from exc
    except httpx.TransportError as exc:
        raise FetchRetryable(f"connection failed: {exc or type(exc).__name__}", url=url) from exc


def _page(
    url: str, state: _HopState, answer: _Answer, policy: FetchPolicy, started: float
) -> FetchedPage:
    content_type = _media_type(answer.headers.get("content-type")) or _sniff_type(answer.body)
    if answer.status != NOT_MODIFIED:
        _check_type(content_type, policy, state.current)
    text, encoding = ("", "") if content_type in GZIP_TYPES else _decode(answer)
    return FetchedPage(
        url=url,
        final_url=state.current,
        status=answer.status,
        content_type=content_type,
        text=text,
        encoding=encoding,
        bytes=len(answer.body),
        elapsed_ms=_elapsed_ms(started),
        content=answer.body,
        etag=answer.headers.get("etag"),
        last_modified=answer.headers.get("last-modified"),
        redirects=tuple(state.redirects),
    )


def _decode(answer: _Answer) -> tuple[str, str]:
    if not answer.body:
        return "", ""
    return decode_body(answer.body, answer.headers.get("content-type"))


def _raise_for_status(resp: httpx.Response, url: str) -> None:
    """429/5xx are retryable (with the server's Retry-After); other 4xx fail at once."""
    status = resp.status_code
    if status < 400:
        return
    reason = f"HTTP {status} {resp.reason_phrase}".strip()
    if is_retryable_status(status):
        retry_after = parse_retry_after(resp.headers.get("retry-after"))
        raise FetchRetryable(reason, url=url, status=status, retry_after=retry_after)
    raise FetchFailed(reason, url=url, status=status)


def _precheck_type(resp: httpx.Response, policy: FetchPolicy, url: str) -> None:
    """Refuse a declared content type before downloading the body."""
    media_type = _media_type(resp.headers.get("content-type"))
    if media_type and resp.status_code != NOT_MODIFIED:
        _check_type(media_type, policy, url)


def _check_type(media_type: str, policy: FetchPolicy, url: str) -> None:
    if media_type not in policy.allowed_types:
        raise FetchFailed(f"content type {media_type!r} is not fetched", url=url)


def _read_body(
    resp: httpx.Response, policy: FetchPolicy, deadline: float, url: str, state: _HopState
) -> bytes:
    """Stream the (decompressed) body, aborting past the size cap or the total deadline."""
    declared = resp.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > policy.max_bytes:
        raise _too_large(policy, url)
    chunks: list[bytes] = []
    for chunk in resp.iter_bytes():
        state.size += len(chunk)
        if state.size > policy.max_bytes:
            raise _too_large(policy, url)
        if time.monotonic() > deadline:
            raise FetchRetryable(f"total timeout of {policy.total_timeout:g}s exceeded", url=url)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(policy: FetchPolicy, url: str) -> FetchFailed:
    return FetchFailed(f"response larger than {policy.max_bytes} bytes", url=url)


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _sniff_type(body: bytes) -> str:
    """A media type for a response that declared none, from its first bytes."""
    head = body[:512].lstrip().lower()
    if body.startswith(_GZIP_MAGIC):
        return "application/gzip"
    if head.startswith(b"<?xml") or head.startswith(b"<rss") or head.startswith(b"<feed"):
        return "application/xml"
    if head.startswith(b"<"):
        return "text/html"
    return "application/octet-stream"


def _conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _timeout(policy: FetchPolicy, deadline: float) -> httpx.Timeout:
    """Per-request timeouts, never reaching past the whole fetch's deadline."""
    remaining = max(deadline - time.monotonic(), 0.001)
    return httpx.Timeout(
        connect=min(policy.connect_timeout, remaining),
        read=min(policy.read_timeout, remaining),
        write=min(policy.read_timeout, remaining),
        pool=min(policy.connect_timeout, remaining),
    )


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """Built once per process: loading the CA bundle costs tens of milliseconds."""
    return httpx.create_ssl_context()


class _GuardedTransport(httpx.HTTPTransport):
    """httpx transport whose connections go through the SSRF-guarded backend, and ACK what
    they receive at once (services/worker/quickack.py: no 40 ms delayed-ACK stalls)."""

    def __init__(self, backend: GuardedBackend) -> None:
        super().__init__(verify=_ssl_context(), trust_env=False)
        # httpx has no public hook for the network backend, so replace its pool with an
        # identical one built on ours (the pool is the only thing HTTPTransport wraps).
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(), network_backend=QuickAckBackend(backend)
        )


def _client(policy: FetchPolicy, resolver: Resolver) -> httpx.Client:
    """This process's client for that identity and network policy, connections kept alive.

    A fresh client per fetch opened a TCP connection (and a TLS handshake) for every page;
    kept alive, consecutive fetches from one host reuse it. The guard still vets every
    connection when it is opened, and every URL (each redirect hop too) before its request.
    """
    # The pid: a client inherited through fork shares its sockets with the parent.
    key = (os.getpid(), policy.user_agent, policy.network, resolver)
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(key)
        if client is None:
            if len(_CLIENTS) >= _MAX_CLIENTS:  # tests build many policies; a worker, one
                _CLIENTS.pop(next(iter(_CLIENTS))).close()
            client = _CLIENTS[key] = _new_client(policy.user_agent, policy.network, resolver)
    return client


_ClientKey = tuple[int, str, NetworkPolicy, Resolver]
_CLIENTS: dict[_ClientKey, httpx.Client] = {}
_CLIENTS_LOCK = threading.Lock()
_MAX_CLIENTS = 8


def _new_client(user_agent: str, network: NetworkPolicy, resolver: Resolver) -> httpx.Client:
    transport = _GuardedTransport(GuardedBackend(network, resolver))
    headers = {
        "User-Agent": user_agent,
        "Accept": _ACCEPT,
        "Accept-Encoding": "gzip, deflate, br",
    }
    # trust_env=False: an HTTP(S)_PROXY from the environment would bypass the guard.
    return httpx.Client(
        transport=transport, headers=headers, follow_redirects=False, trust_env=False
    )


@atexit.register
def _close_clients() -> None:
    """Close this process's kept-alive connections (not those of a parent it forked from)."""
    with _CLIENTS_LOCK:
        for key in [k for k in _CLIENTS if k[0] == os.getpid()]:
            _CLIENTS.pop(key).close()


def _emit(
    record: Recorder | None, url: str, state: _HopState, elapsed_ms: int, error: str | None
) -> None:
    if record is None:
        return
    record(FetchRecord(url, state.current, state.status, state.size, elapsed_ms, error))


def _elapsed_ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
