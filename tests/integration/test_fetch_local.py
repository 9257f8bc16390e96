"""fetch_page against a real HTTP server on 127.0.0.1: what is fetched, and what is refused."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from copydesk.errors import FetchFailed, FetchRetryable
from services.worker.fetch import (
    SITEMAP_TYPES,
    FetchPolicy,
    FetchRecord,
    fetch_page,
    fetch_with_retries,
)
from services.worker.netguard import BlockedAddress
from services.worker.retry import RetryPolicy
from tests.crawlsite import ETAG, LAST_MODIFIED, Site, serve_site

pytestmark = pytest.mark.integration

# The site listens on 127.0.0.1, so the guard must let exactly that address through.
OPEN = FetchPolicy(allow_private_networks=True, connect_timeout=2, read_timeout=2, total_timeout=5)
GUARDED = replace(OPEN, allow_private_networks=False, allowed_networks=("127.0.0.1/32",))
QUICK_RETRY = RetryPolicy(max_attempts=3, base_delay=0.05, max_delay=0.2, max_inline_wait=2)


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    with serve_site() as site:
        yield site


def test_fetches_article_with_identity_and_metadata(site: Site) -> None:
    records: list[FetchRecord] = []
    page = fetch_page(site.url("/articles/1.html"), OPEN, record=records.append)
    assert page.status == 200
    assert page.content_type == "text/html"
    assert "Café text number 1" in page.text
    assert page.bytes == len(page.content) > 0
    sent = dict(site.log.requests)[("/articles/1.html")]
    assert sent["user-agent"] == OPEN.user_agent
    assert "br" in sent["accept-encoding"]
    assert records == [
        FetchRecord(page.url, page.url, 200, page.bytes, records[0].elapsed_ms, None)
    ]


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_decompresses_gzip_and_brotli(site: Site, coding: str) -> None:
    page = fetch_page(site.url(f"/encoded?c={coding}"), OPEN)
    assert "Article 6" in page.text


def test_utf8_body_survives_a_latin1_header(site: Site) -> None:
    page = fetch_page(site.url("/wrong-charset"), OPEN)
    assert "Café" in page.text
    assert page.encoding == "utf-8"


def test_follows_redirect_chain_hop_by_hop(site: Site) -> None:
    seen: list[str] = []
    page = fetch_page(site.url("/redirect/4"), OPEN, before_request=seen.append)
    assert page.final_url == site.url("/articles/1.html")
    assert len(page.redirects) == 5
    assert seen == [*page.redirects, page.final_url]


def test_refuses_more_than_five_redirects(site: Site) -> None:
    with pytest.raises(FetchFailed, match="more than 5 redirects") as caught:
        fetch_page(site.url("/redirect/5"), OPEN)
    assert not caught.value.retryable


@pytest.mark.parametrize("path", ["/to-metadata", "/to-loopback"])
def test_guard_refuses_redirect_to_private_address(site: Site, path: str) -> None:
    before = len(site.log.requests)
    records: list[FetchRecord] = []
    with pytest.raises(BlockedAddress, match="non-public"):
        fetch_page(site.url(path), GUARDED, record=records.append)
    # Only the first hop reached the site; the private hop was never requested.
    assert site.log.paths()[before:] == [path]
    assert records[0].status == 302
    assert records[0].error is not None and "non-public" in records[0].error


def test_guard_refuses_loopback_by_default(site: Site) -> None:
    with pytest.raises(BlockedAddress):
        fetch_page(site.url("/articles/1.html"), FetchPolicy())


def test_guard_checks_resolved_address_not_hostname(site: Site) -> None:
    """A public-looking name that resolves to loopback is refused at connect time."""
    port = site.base.rsplit(":", 1)[1]
    with pytest.raises(BlockedAddress, match="resolves to non-public"):
        fetch_page(
            f"http://news.example.com:{port}/articles/1.html",
            FetchPolicy(),
            resolver=lambda host, port: ["93.184.216.34", "127.0.0.1"],
        )


def test_connects_to_the_vetted_address(site: Site) -> None:
    """The hostname is resolved once, by the guard, and that address is used."""
    port = site.base.rsplit(":", 1)[1]
    page = fetch_page(
        f"http://news.example.com:{port}/articles/2.html",
        GUARDED,
        resolver=lambda host, port: ["127.0.0.1"],
    )
    assert "Article 2" in page.text
    assert dict(site.log.requests)["/articles/2.html"]["host"] == f"news.example.com:{port}"


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://127.0.0.1/", "http://user:pw@127.0.0.1/"]
)
def test_refuses_schemes_and_credentials(url: str) -> None:
    with pytest.raises(BlockedAddress):
        fetch_page(url, OPEN)


def test_refuses_disallowed_content_type(site: Site) -> None:
    with pytest.raises(FetchFailed, match="image/png"):
        fetch_page(site.url("/image.png"), OPEN)


def test_sitemap_types_accept_gzip_bytes(site: Site) -> None:
    page = fetch_page(site.url("/sitemap-old.xml.gz"), replace(OPEN, allowed_types=SITEMAP_TYPES))
    assert page.content.startswith(b"\x1f\x8b")
    assert page.text == ""


def test_huge_page_is_aborted_past_the_cap(site: Site) -> None:
    with pytest.raises(FetchFailed, match="larger than") as caught:
        fetch_page(site.url("/huge"), OPEN)
    assert not caught.value.retryable


def test_slow_page_times_out_as_retryable(site: Site) -> None:
    with pytest.raises(FetchRetryable, match="timed out"):
        fetch_page(site.url("/slow?s=1.5"), replace(OPEN, read_timeout=0.3))


def test_trickling_page_hits_the_total_timeout(site: Site) -> None:
    with pytest.raises(FetchRetryable, match="timeout"):
        fetch_page(site.url("/trickle"), replace(OPEN, read_timeout=1, total_timeout=0.8))


def test_404_fails_at_once(site: Site) -> None:
    with pytest.raises(FetchFailed) as caught:
        fetch_page(site.url("/missing"), OPEN)
    assert caught.value.status == 404
    assert not isinstance(caught.value, FetchRetryable)


def test_429_honours_retry_after(site: Site) -> None:
    waits: list[float] = []
    page = fetch_with_retries(site.url("/limited"), OPEN, QUICK_RETRY, sleep=waits.append)
    assert page.status == 200
    assert waits == [1.0]


def test_503_recovers_after_backoff(site: Site) -> None:
    waits: list[float] = []
    page = fetch_with_retries(site.url("/flaky?fail=2"), OPEN, QUICK_RETRY, sleep=waits.append)
    assert "Article 8" in page.text
    assert len(waits) == 2
    assert 0.025 <= waits[0] <= 0.05 and 0.05 <= waits[1] <= 0.1


def test_503_gives_up_after_max_attempts(site: Site) -> None:
    with pytest.raises(FetchRetryable) as caught:
        fetch_with_retries(site.url("/flaky?fail=9&x=1"), OPEN, QUICK_RETRY, sleep=lambda s: None)
    assert caught.value.status == 503
    assert caught.value.retry_after is not None


def test_conditional_refetch_gets_304(site: Site) -> None:
    first = fetch_page(site.url("/validated"), OPEN)
    assert (first.etag, first.last_modified) == (ETAG, LAST_MODIFIED)
    second = fetch_page(site.url("/validated"), OPEN, etag=first.etag)
    assert second.not_modified
    assert second.content == b""


class _PortLog(BaseHTTPRequestHandler):
    """Answers every GET with a small page and notes the client's port (its connection)."""

    protocol_version = "HTTP/1.1"
    ports: ClassVar[list[int]] = []

    def do_GET(self) -> None:
        self.ports.append(self.client_address[1])
        body = b"<html><body><p>Kept alive.</p></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def _serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A threaded HTTP server on 127.0.0.1 with `handler`; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_consecutive_fetches_reuse_one_connection() -> None:
    """A connection per page cost a TCP handshake (and a TLS one) for every fetch."""
    _PortLog.ports.clear()
    with _serving(_PortLog) as base:
        for i in range(3):
            assert "Kept alive." in fetch_page(f"{base}/page/{i}", GUARDED).text
    assert len(_PortLog.ports) == 3
    assert len(set(_PortLog.ports)) == 1


def test_no_delayed_ack_stall_on_a_body_sent_after_its_headers() -> None:
    """_PortLog sends the headers and the body apart, Nagle on, as http.server (and
    bench/pageserver.py) do: the body, shorter than a segment, waits until the headers are
    ACKed, and Linux delays that ACK by 40 ms. Every fetch of it waited that long, and one
    100-300 kB page in six (its tail) in the end-to-end benchmark (quickack.py)."""
    with _serving(_PortLog) as base:
        fetch_page(f"{base}/warm", GUARDED)
        took = []
        for i in range(20):
            began = time.perf_counter()
            assert "Kept alive." in fetch_page(f"{base}/page/{i}", GUARDED).text
            took.append(time.perf_counter() - began)
    # Without immediate ACKs every fetch took 40 ms; a loaded machine may delay a few.
    assert statistics.median(took) < 0.02, sorted(took)
