"""A small website on 127.0.0.1 for fetch and crawl tests, served from a thread.

It serves articles, an RSS feed, an Atom feed, a sitemap index with a plain and a
gzipped child sitemap, a homepage that links its feed, a robots.txt that
disallows /private/, and misbehaving pages: slow, trickling, huge, redirect
chains, a redirect to a private address, 429 with Retry-After, a 503 that
recovers, a wrong charset header, validators (ETag/Last-Modified) and
gzip/brotli bodies. Every request is logged with its headers, so tests can
assert what copydesk actually sent.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import brotli

ARTICLE_COUNT = 4
ETAG = '"v1"'
LAST_MODIFIED = "Mon, 02 Nov 2026 10:00:00 GMT"
HUGE_CHUNK = b"<p>" + b"x" * 65_536 + b"</p>\n"
HUGE_CHUNKS = 200  # ~13 MB, past the default 10 MB cap


def article_html(n: int) -> str:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>Article {n}</title></head>"
        f"<body><article><h1>Article {n}</h1><p>Café text number {n}, "
        "long enough to be an article body for the extractor to keep.</p></article></body></html>"
    )


@dataclass
class SiteLog:
    """Requests seen by the site: (path, headers) pairs, and counts per path."""

    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, path: str, headers: dict[str, str]) -> int:
        with self.lock:
            self.requests.append((path, headers))
            self.counts[path] += 1
            return self.counts[path]

    def paths(self) -> list[str]:
        with self.lock:
            return [path for path, _ in self.requests]


class Site:
    """Routes of the test site; `base` is filled in once the server listens."""

    def __init__(self) -> None:
        self.base = ""
        self.log = SiteLog()
        # Extra routes a test can add: path -> (status, headers, body).
        self.extra: dict[str, tuple[int, dict[str, str], bytes]] = {}

    def url(self, path: str) -> str:
        return self.base + path

    def rss(self) -> bytes:
        items = "".join(
            f"<item><title>A{n}</title><link>{self.url(f'/articles/{n}.html')}</link>"
            f"<pubDate>Mon, 0{n} Nov 2026 08:00:00 GMT</pubDate></item>"
            for n in range(1, ARTICLE_COUNT + 1)
        )
        return (
            "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
            f"<title>Test feed</title><link>{self.base}/</link>{items}"
            f"<item><title>blocked</title><link>{self.url('/private/secret.html')}</link></item>"
            "</channel></rss>"
        ).encode()

    def atom(self) -> bytes:
        return (
            "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
            "<title>Atom</title><entry><title>A1</title>"
            f"<link rel='alternate' href='{self.url('/articles/1.html')}'/>"
            "<updated>2026-11-01T08:00:00Z</updated></entry></feed>"
        ).encode()

    def sitemap_index(self) -> bytes:
        return (
            "<?xml version='1.0' encoding='UTF-8'?>"
            "<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            f"<sitemap><loc>{self.url('/sitemap-news.xml')}</loc></sitemap>"
            f"<sitemap><loc>{self.url('/sitemap-old.xml.gz')}</loc></sitemap>"
            "</sitemapindex>"
        ).encode()

    def news_sitemap(self) -> bytes:
        urls = "".join(
            f"<url><loc>{self.url(f'/articles/{n}.html')}</loc><news:news>"
            "<news:publication><news:name>T</news:name><news:language>en</news:language>"
            f"</news:publication><news:publication_date>2026-11-0{n}T08:00:00Z"
            "</news:publication_date><news:title>A</news:title></news:news></url>"
            for n in (1, 2)
        )
        return (
            "<?xml version='1.0' encoding='UTF-8'?>"
            "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9' "
            "xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'>"
            f"{urls}</urlset>"
        ).encode()

    def old_sitemap(self) -> bytes:
        urls = "".join(
            f"<url><loc>{self.url(f'/articles/{n}.html')}</loc>"
            f"<lastmod>2026-10-0{n}</lastmod></url>"
            for n in (3, 4)
        )
        body = (
            "<?xml version='1.0' encoding='UTF-8'?>"
            f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{urls}</urlset>"
        )
        return gzip.compress(body.encode())

    def homepage(self) -> bytes:
        return (
            "<html><head><title>Home</title>"
            f"<link rel='alternate' type='application/rss+xml' href='{self.url('/feed.xml')}'>"
            "</head><body><a href='/articles/1.html'>one</a></body></html>"
        ).encode()


Handler = Callable[["_Handler", Site, int, dict[str, list[str]]], None]


class _Handler(BaseHTTPRequestHandler):
    site: Site
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        return

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        count = self.site.log.add(self.path, {k.lower(): v for k, v in self.headers.items()})
        query = parse_qs(parts.query)
        if parts.path in self.site.extra:
            status, headers, body = self.site.extra[parts.path]
            self.send(status, body, headers.get("Content-Type", "text/html"), headers)
            return
        route = _ROUTES.get(parts.path)
        if route is None and parts.path.startswith("/articles/"):
            route = _article
        if route is None and parts.path.startswith("/redirect/"):
            route = _redirect
        if route is None:
            self.send(404, b"not found", "text/plain")
            return
        route(self, self.site, count, query)

    def send(
        self,
        status: int,
        body: bytes,
        content_type: str | None = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            if name != "Content-Type":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _article(h: _Handler, site: Site, count: int, query: dict[str, list[str]]) -> None:
    n = int(h.path.rsplit("/", 1)[-1].split(".")[0] or 0)
    h.send(200, article_html(n).encode())


def _redirect(h: _Handler, site: Site, count: int, query: dict[str, list[str]]) -> None:
    """/redirect/N answers 302 to /redirect/N-1, /redirect/0 to an article: N+1 redirects."""
    n = int(urlsplit(h.path).path.rsplit("/", 1)[-1])
    target = "/articles/1.html" if n <= 0 else f"/redirect/{n - 1}"
    h.send(302, b"", "text/plain", {"Location": target})


def _private_redirect(h: _Handler, site: Site, count: int, query: dict[str, list[str]]) -> None:
    # The cloud metadata address, the classic SSRF target.
    h.send(302, b"", "text/plain", {"Location": "http://169.254.169.254/latest/meta-data/"})


def _loopback_redirect(h: _Handler, site: Site, count: int, query: dict[str, list[str]]) -> None:
    port = urlsplit(site.base).port
    h.send(302, b"", "text/plain", {"Location": f"http://127.0.0.2:{port}/articles/1.html"})


def _slow(h: _Handler, site: Site, count: int, query: dict[str, list[str]]) -> None:
    time.sleep(float(query.get("s", ["2"])[0]))
    h.send(200, article_html(9).encode())


def _trickle(h: _Handler, site: Site, count: int, query: dict[str, list[str]]) -> None:
    """Sends a byte every 0.2 s: each read is quick, the whole is slow."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "50")
    h.end_headers()
    try:
        for _ in range(50):
            h.wfile.write(b"x")
            h.wfile.flush()
            time.sleep(0.2)
    except (BrokenPipeError, ConnectionResetError):
        return


def _huge(h: _Handler, site: Site, count: int, query: dict[str, list[str]]) -> None:
    """Chunked, with no Content-Length, so only counting while streaming catches it."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()
    try:
        for _ in range(HUGE_CHUNKS):
            h.wfile.write(f"{len(HUGE_CHUNK):x}\r\n".encode() + HUGE_CHUNK + b"\r\n")
        h.wfile.write(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        return


def _limited(h: _Handler, site: Site, count: int, query: dict[str, list[str]]) -> None:
    if count == 1:
        h.send(429, b"slow down", "text/plain", {"Retry-After": "1"})
    else:
        h.send(200, article_html(7).encode())


def _flaky(h: _Handler, site: Site, count: int, query: dict[str, list[str]]) -> None:
    if count <= int(query.get("fail", ["2"])[0]):
        h.send(503, b"busy", "text/plain")
    else:
        h.send(200, article_html(8).encode())


def _validated(h: _Handler, site: Site, count: int, query: dict[str, list[str]]) -> None:
    if h.headers.get("If-None-Match") == ETAG:
        h.send(304, b"", None, {"ETag": ETAG})
        return
    h.send(200, article_html(5).encode(), headers={"ETag": ETAG, "Last-Modified": LAST_MODIFIED})


def _encoded(h: _Handler, site: Site, count: int, query: dict[str, list[str]]) -> None:
    coding = query.get("c", ["gzip"])[0]
    raw = article_html(6).encode()
    body = gzip.compress(raw) if coding == "gzip" else brotli.compress(raw)
    h.send(200, body, headers={"Content-Encoding": coding})


_ROUTES: dict[str, Handler] = {
    "/": lambda h, s, c, q: h.send(200, s.homepage()),
    "/feed.xml": lambda h, s, c, q: h.send(200, s.rss(), "application/rss+xml"),
    "/atom.xml": lambda h, s, c, q: h.send(200, s.atom(), "application/atom+xml"),
    "/sitemap_index.xml": lambda h, s, c, q: h.send(200, s.sitemap_index(), "application/xml"),
    "/sitemap-news.xml": lambda h, s, c, q: h.send(200, s.news_sitemap(), "text/xml"),
    "/sitemap-old.xml.gz": lambda h, s, c, q: h.send(200, s.old_sitemap(), "application/x-gzip"),
    "/robots.txt": lambda h, s, c, q: h.send(
        200, b"User-agent: *\nDisallow: /private/\n", "text/plain"
    ),
    "/private/secret.html": lambda h, s, c, q: h.send(200, article_html(99).encode()),
    "/image.png": lambda h, s, c, q: h.send(200, b"\x89PNG\r\n\x1a\n", "image/png"),
    "/wrong-charset": lambda h, s, c, q: h.send(
        200, article_html(3).encode(), "text/html; charset=iso-8859-1"
    ),
    "/to-metadata": _private_redirect,
    "/to-loopback": _loopback_redirect,
    "/slow": _slow,
    "/trickle": _trickle,
    "/huge": _huge,
    "/limited": _limited,
    "/flaky": _flaky,
    "/validated": _validated,
    "/encoded": _encoded,
}


@contextmanager
def serve_site() -> Iterator[Site]:
    """Run the site on an ephemeral 127.0.0.1 port for the duration of the block."""
    site = Site()
    handler = type("BoundHandler", (_Handler,), {"site": site})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
