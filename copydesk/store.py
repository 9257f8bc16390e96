"""Storing a job's document: one row per body and per page, history kept, near-duplicates linked.

A document is one body (`content_sha256`, unique) and, when it came from the web, one page
(`url_key`, unique; see `page_key`). With the locks held, `store_document` decides:

1. the page is stored with this very body: only `last_seen_at` moves, unless the headline
   changed, which makes a new version;
2. the body is stored already (another page, or pasted text): the job points at that row,
   which adopts the page as its `url_key` if it had none. So page A revised to a body that
   document B already holds points at B, and A's row keeps its last body;
3. the page is stored with another body: its row is revised in place (the change feed sees
   the update) after its current state is copied to `document_versions`;
4. the body was an earlier version of some document: the job points at that document;
5. otherwise a new row, put in the cluster of its closest near-duplicate (MinHash).

Locks: before reading anything the store takes transaction-scoped advisory locks on the
page, the body hash and the 32 MinHash band keys, in ascending order (no deadlock between two
stores). Two workers storing one page, or one body, or two near-duplicates, are serialised:
the second one reads what the first committed. The unique indexes on `url_key` and
`content_sha256` remain the backstop.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from copydesk import queries
from copydesk.crawl.urls import normalize_url
from copydesk.extract.fingerprint import (
    NEAR_DUPLICATE_JACCARD,
    Signature,
    band_keys,
    has_shingles,
    jaccard,
    minhash,
    signature_bytes,
    signature_from_bytes,
)
from copydesk.models import Document

# Candidates compared per store; a story syndicated more widely than this joins the cluster
# of its closest match among the oldest ones, which is still its cluster.
MAX_CANDIDATES = 200
BACKFILL_BATCH = 200
BEYOND_ANY_ID = 2**63 - 1


class StoreAction(StrEnum):
    INSERTED = "inserted"
    REVISED = "revised"
    UNCHANGED = "unchanged"
    EXISTING = "existing"


@dataclass(frozen=True, slots=True)
class Stored:
    """The document a job ends up pointing at, and what storing did to it."""

    document_id: int
    action: StoreAction


def page_key(
    source_url: str | None, final_url: str | None, canonical_url: str | None
) -> str | None:
    """The page identity: the canonical URL when on the fetched page's own host, else the
    final (or submitted) URL, normalised; None without a URL (pasted text).

    A canonical URL on another host is ignored: a page must not be able to revise another
    site's document by naming it (syndicated copies do); such copies get clustered instead.
    So is a canonical naming the home page from any other page: templates that print the
    home page as every page's canonical (a common misconfiguration) would otherwise make
    all of a site's articles one document, each revising the one before.
    """
    base = normalize_url(final_url or source_url or "")
    if base is None:
        return None
    canonical = normalize_url(canonical_url or "")
    if canonical is None or _host(canonical) != _host(base):
        return base
    if _is_home(canonical) and not _is_home(base):
        return base
    return canonical


def _host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def _is_home(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


def _lock_key(namespace: str, value: str) -> int:
    digest = hashlib.blake2b(f"{namespace}:{value}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, signed=True)


def choose_cluster(
    signature: Signature, candidates: list[queries.Candidate], current: int | None = None
) -> int | None:
    """The cluster to join: `current` if still near one of its members, else that of the
    closest near-duplicate (oldest on ties); None when nothing is near (a new cluster).
    A text without words is near nothing: all such texts have one and the same signature."""
    if not has_shingles(signature):
        return None
    near = []
    for candidate in candidates:
        score = jaccard(signature, signature_from_bytes(candidate.minhash))
        if score >= NEAR_DUPLICATE_JACCARD:
            near.append((score, -candidate.id, candidate.cluster_id))
    if not near:
        return None
    if current is not None and any(cluster == current for _, _, cluster in near):
        return current
    return max(near)[2]


def _lock(conn: queries.Conn, url_key: str | None, sha: str, bands: list[int]) -> None:
    locks = [_lock_key("sha", sha), *bands]
    if url_key is not None:
        locks.append(_lock_key("url", url_key))
    queries.lock_keys(conn, locks)


def store_document(conn: queries.Conn, doc: Document) -> Stored:
    """Store `doc` by the rules above, in the caller's transaction; returns the row it is in."""
    queries.commit_durably(conn)
    key = page_key(doc.source_url, doc.final_url, doc.canonical_url)
    signature = minhash(doc.text)
    bands = band_keys(signature)
    _lock(conn, key, doc.content_sha256, bands)

    page, body = queries.documents_by_page_and_body(conn, key, doc.content_sha256)
    if body is not None:
        if page is not None and page.id == body.id and page.title != doc.title:
            return _revise(conn, page, doc, key, signature, bands)
        queries.touch_document(conn, body.id, key if page is None else None)
        unchanged = page is not None and page.id == body.id
        return Stored(body.id, StoreAction.UNCHANGED if unchanged else StoreAction.EXISTING)
    if page is not None:
        return _revise(conn, page, doc, key, signature, bands)
    owner = queries.find_version_owner(conn, doc.content_sha256)
    if owner is not None:
        return Stored(owner, StoreAction.EXISTING)
    candidates = queries.near_duplicate_candidates(conn, bands, None, MAX_CANDIDATES)
    fingerprint = queries.Fingerprint(
        key, signature_bytes(signature), bands, choose_cluster(signature, candidates)
    )
    return Stored(queries.insert_document(conn, doc, fingerprint), StoreAction.INSERTED)


def _revise(
    conn: queries.Conn,
    page: queries.StoredRow,
    doc: Document,
    key: str | None,
    signature: Signature,
    bands: list[int],
) -> Stored:
    candidates = queries.near_duplicate_candidates(conn, bands, page.id, MAX_CANDIDATES)
    cluster = choose_cluster(signature, candidates, page.cluster_id)
    if cluster is None and not queries.cluster_has_others(conn, page.cluster_id, page.id):
        cluster = page.cluster_id  # alone before and after: keep its label
    queries.archive_version(conn, page.id)
    fingerprint = queries.Fingerprint(key, signature_bytes(signature), bands, cluster)
    queries.revise_document(conn, page.id, doc, fingerprint)
    return Stored(page.id, StoreAction.REVISED)


def backfill_documents(conn: queries.Conn, batch: int = BACKFILL_BATCH) -> int:
    """Backfill every document without a signature, one transaction each; how many."""
    done = 0
    below = BEYOND_ANY_ID
    while rows := queries.unfingerprinted_documents(conn, below, batch):
        for row in rows:
            backfill_document(conn, row)
            conn.commit()
            done += 1
        below = rows[-1].id
    return done


def backfill_document(conn: queries.Conn, row: queries.UnfingerprintedRow) -> None:
    """Give a document stored before fingerprints its url_key, signature and cluster.

    Rows are backfilled newest first, so when several old rows came from one page the
    newest becomes the page's row (older ones keep url_key NULL). A row with no
    near-duplicate keeps the cluster of its own it got from the migration.
    """
    queries.commit_durably(conn)
    key = page_key(row.source_url, row.final_url, row.canonical_url)
    signature = minhash(row.text)
    bands = band_keys(signature)
    _lock(conn, key, row.content_sha256, bands)
    if key is not None and queries.document_by_url_key(conn, key) is not None:
        key = None
    candidates = queries.near_duplicate_candidates(conn, bands, row.id, MAX_CANDIDATES)
    cluster = choose_cluster(signature, candidates, row.cluster_id)
    fingerprint = queries.Fingerprint(key, signature_bytes(signature), bands, cluster)
    queries.set_fingerprint(conn, row.id, fingerprint)
