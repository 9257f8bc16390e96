"""Crawling sources, as plain functions the Celery tasks call (and tests can call).

    dispatch_due_sources(pool, limit)  claim due sources in Postgres, one queued run each
    crawl_source(pool, web, run_id)    list a source's article URLs, enqueue the new ones

Which sources are due is decided in Postgres (`claim_due_sources`, FOR UPDATE SKIP
LOCKED), never by beat, so several beats or workers cannot crawl a source twice in
one interval. A crawl lists URLs (feed items, sitemap entries, a homepage's feeds),
normalises and filters them, and turns the never-seen ones into ordinary ingest jobs
carrying the source id. A run that lists nothing because the source cannot be fetched
or parsed fails, and the source backs off.
"""

from __future__ import annotations

import gzip
import logging
import time
from dataclasses import dataclass, field
from uuid import UUID

from copydesk import queries
from copydesk.crawl.charset import decode_body
from copydesk.crawl.discover import SourceKind, detect_kind, discover_feeds
from copydesk.crawl.feeds import is_feed, parse_feed
from copydesk.crawl.found import FoundUrl
from copydesk.crawl.records import RunTotals, Source
from copydesk.crawl.sitemaps import SitemapTooLarge, parse_sitemap
from copydesk.crawl.urls import compile_patterns, normalize_url, url_wanted
from copydesk.db import Pool
from copydesk.errors import CopydeskError, FetchFailed
from services.worker.fetch import ALLOWED_TYPES, FEED_TYPES, PAGE_TYPES, SITEMAP_TYPES
from services.worker.webclient import Purpose, WebClient

logger = logging.getLogger(__name__)

# Bounds on one run, so a huge or looping sitemap tree cannot hold a worker for long.
MAX_SITEMAPS_PER_RUN = 50
MAX_FEEDS_PER_HOMEPAGE = 5
MAX_URLS_PER_RUN = 10_000
# A run not finished after this long was lost (message dropped, worker killed).
LOST_RUN_SECONDS = 3600
DETECT_TYPES = ALLOWED_TYPES | SITEMAP_TYPES
LISTING_TYPES = FEED_TYPES | PAGE_TYPES


class SourceUnusable(CopydeskError):
    """The source could not be read as a feed, sitemap or homepage with feeds."""


@dataclass(slots=True)
class _Listing:
    """What one crawl gathered before filtering."""

    found: list[FoundUrl] = field(default_factory=list)
    failed: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CrawlResult:
    """A finished run: its counts, its error if it failed, and the jobs to enqueue."""

    run_id: int
    source_id: int
    totals: RunTotals
    error: str | None
    job_ids: tuple[UUID, ...] = ()


def dispatch_due_sources(pool: Pool, limit: int) -> list[tuple[int, int]]:
    """Claim the due sources; [(source_id, run_id)] to send crawl tasks for.

    Also closes runs nobody finished (their source is scheduled again regardless).
    """
    with pool.connection() as conn:
        lost = queries.fail_lost_runs(conn, LOST_RUN_SECONDS)
        claimed = queries.claim_due_sources(conn, limit)
    if lost:
        logger.warning("crawl_runs_lost", extra={"count": lost})
    if claimed:
        logger.info("sources_dispatched", extra={"count": len(claimed)})
    return claimed


def crawl_source(pool: Pool, web: WebClient, run_id: int) -> CrawlResult | None:
    """Run one queued crawl; None when the run is not queued (a redelivered task)."""
    started = time.monotonic()
    with pool.connection() as conn:
        run = queries.start_crawl_run(conn, run_id)
        source = queries.get_source(conn, run.source_id) if run else None
    if run is None or source is None:
        logger.info("crawl_skipped", extra={"run_id": run_id})
        return None
    listing = _list_source(pool, web, source, run_id)
    urls = _wanted_urls(source, listing.found)
    error = None
    if not listing.found and listing.errors:
        error = "; ".join(listing.errors)
    with pool.connection() as conn:
        new = queries.remember_urls(conn, source.id, [(f.url, f.published) for f in urls])
        job_ids = queries.insert_source_jobs(conn, source.id, new)
        totals = RunTotals(found=len(urls), new=len(new), failed=listing.failed)
        queries.finish_crawl_run(conn, run_id, totals, error)
    logger.info(
        "crawl_finished" if error is None else "crawl_failed",
        extra={
            "run_id": run_id,
            "source_id": source.id,
            "url": source.url,
            "found": totals.found,
            "new": totals.new,
            "failed": totals.failed,
            "error": error,
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
        },
    )
    return CrawlResult(run_id, source.id, totals, error, tuple(job_ids))


def fail_run(pool: Pool, run_id: int, error: str) -> None:
    """Record a run that crashed; its source backs off like after any failure."""
    with pool.connection() as conn:
        queries.finish_crawl_run(conn, run_id, RunTotals(0, 0, 0), error)


def _wanted_urls(source: Source, found: list[FoundUrl]) -> list[FoundUrl]:
    """Normalised, filtered, de-duplicated URLs, in listing order."""
    include = compile_patterns(source.include_patterns)
    exclude = compile_patterns(source.exclude_patterns)
    kept: dict[str, FoundUrl] = {}
    for item in found:
        url = normalize_url(item.url)
        if url is None or url in kept or not url_wanted(url, include, exclude):
            continue
        kept[url] = FoundUrl(url, item.published)
        if len(kept) >= MAX_URLS_PER_RUN:
            break
    return list(kept.values())


def _list_source(pool: Pool, web: WebClient, source: Source, run_id: int) -> _Listing:
    listing = _Listing()
    purpose = Purpose(source_id=source.id, run_id=run_id)
    try:
        kind, body, final_url = _first_fetch(pool, web, source, purpose)
    except (FetchFailed, SourceUnusable) as exc:
        listing.failed += 1
        listing.errors.append(f"{source.url}: {exc}")
        return listing
    if kind is SourceKind.FEED:
        _add_feed(listing, body, final_url)
    elif kind is SourceKind.SITEMAP:
        _walk_sitemaps(pool, web, purpose, listing, body, final_url)
    else:
        _crawl_homepage(pool, web, purpose, listing, body, final_url)
    return listing


def _first_fetch(
    pool: Pool, web: WebClient, source: Source, purpose: Purpose
) -> tuple[SourceKind, bytes, str]:
    """Fetch the source URL; detect (and store) its kind when unknown."""
    types = {
        None: DETECT_TYPES,
        SourceKind.FEED: LISTING_TYPES,
        SourceKind.SITEMAP: SITEMAP_TYPES,
        SourceKind.HOMEPAGE: PAGE_TYPES,
    }[source.kind]
    page = web.fetch(pool, source.url, purpose, types=types)
    kind = source.kind
    if kind is None:
        kind = detect_kind(page.content, page.content_type, page.final_url)
        with pool.connection() as conn:
            queries.set_source_kind(conn, source.id, kind)
        logger.info("source_kind_detected", extra={"source_id": source.id, "kind": str(kind)})
    return kind, page.content, page.final_url


def _add_feed(listing: _Listing, body: bytes, url: str) -> None:
    if not is_feed(body):
        listing.failed += 1
        listing.errors.append(f"{url}: not an RSS or Atom feed")
        return
    listing.found.extend(parse_feed(body, url))


def _walk_sitemaps(
    pool: Pool, web: WebClient, purpose: Purpose, listing: _Listing, body: bytes, url: str
) -> None:
    """Breadth-first through a sitemap index, at most MAX_SITEMAPS_PER_RUN files."""
    pending: list[tuple[str, bytes | None]] = [(url, body)]
    seen = {url}
    done = 0
    while pending and done < MAX_SITEMAPS_PER_RUN:
        location, content = pending.pop(0)
        done += 1
        try:
            if content is None:
                content = web.fetch(pool, location, purpose, types=SITEMAP_TYPES).content
            sitemap = parse_sitemap(content, location)
        except (FetchFailed, gzip.BadGzipFile, SitemapTooLarge) as exc:
            listing.failed += 1
            listing.errors.append(f"{location}: {exc}")
            continue
        if not sitemap.urls and not sitemap.children:
            listing.failed += 1
            listing.errors.append(f"{location}: not a sitemap, or an empty one")
        listing.found.extend(sitemap.urls)
        for child in sitemap.children:
            if child not in seen:
                seen.add(child)
                pending.append((child, None))


def _crawl_homepage(
    pool: Pool, web: WebClient, purpose: Purpose, listing: _Listing, body: bytes, url: str
) -> None:
    html, _encoding = decode_body(body, "text/html")
    feeds = discover_feeds(html, url)[:MAX_FEEDS_PER_HOMEPAGE]
    if not feeds:
        listing.failed += 1
        listing.errors.append(f"{url}: the page links no RSS or Atom feed")
        return
    for feed_url in feeds:
        try:
            page = web.fetch(pool, feed_url, purpose, types=LISTING_TYPES)
        except FetchFailed as exc:
            listing.failed += 1
            listing.errors.append(f"{feed_url}: {exc}")
            continue
        _add_feed(listing, page.content, page.final_url)
