"""Storing documents on real PostgreSQL: versions per page, one row per body, clusters.

`store_document` is what the worker calls inside its transaction; these tests call it
directly with their own connections (several at once for the races) and read back the rows.
"""

from __future__ import annotations

import random
import secrets
import threading
from collections.abc import Callable
from typing import Any

import psycopg
import pytest

from copydesk import queries
from copydesk.extract.fingerprint import content_sha256
from copydesk.models import Document, JobKind
from copydesk.store import StoreAction, store_document
from tests.integration.test_feed import _current_cursor, _read_until

pytestmark = pytest.mark.integration

Conn = psycopg.Connection[Any]
RACERS = 6


def story(words: int = 240) -> list[str]:
    """Paragraphs of made-up prose, unique per call (a fresh vocabulary draw)."""
    rng = random.Random(secrets.randbits(64))
    vocab = [secrets.token_hex(3) for _ in range(400)]
    tokens = [rng.choice(vocab) for _ in range(words)]
    return [" ".join(tokens[i : i + 40]) + "." for i in range(0, words, 40)]


def doc(
    paragraphs: list[str],
    url: str | None = None,
    title: str = "Headline",
    canonical: str | None = None,
) -> Document:
    text = "\n\n".join(paragraphs)
    return Document(
        source_kind=JobKind.URL if url else JobKind.TEXT,
        text=text,
        paragraphs=tuple(paragraphs),
        content_sha256=content_sha256(paragraphs),
        word_count=len(text.split()),
        extractor="test",
        source_url=url,
        final_url=url,
        canonical_url=canonical,
        title=title,
    )


def page_url() -> str:
    return f"https://news.example/{secrets.token_hex(6)}.html"


def store(database_url: str, document: Document) -> tuple[int, StoreAction]:
    with psycopg.connect(database_url) as conn:
        stored = store_document(conn, document)
    return stored.document_id, stored.action


def row(conn: Conn, doc_id: int) -> dict[str, Any]:
    with conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
        found = cur.execute(
            """
            SELECT id, url_key, version, revised_at, cluster_id, content_sha256, title,
                   change_xid::text AS xid, octet_length(minhash) AS minhash_bytes,
                   cardinality(band_keys) AS bands
            FROM documents WHERE id = %s
            """,
            (doc_id,),
        ).fetchone()
    assert found is not None
    return found


def versions(conn: Conn, doc_id: int) -> list[tuple[Any, ...]]:
    return conn.execute(
        """
        SELECT version, content_sha256, title, current_from <= current_until
        FROM document_versions WHERE document_id = %s ORDER BY version
        """,
        (doc_id,),
    ).fetchall()


def test_changed_body_at_one_url_revises_the_document_and_keeps_history(
    database_url: str, conn: Conn
) -> None:
    url = page_url()
    first, second = doc(story(), url, "Old"), doc(story(), url, "New")
    doc_id, action = store(database_url, first)
    assert action is StoreAction.INSERTED
    before = row(conn, doc_id)
    assert before["version"] == 1 and before["url_key"] == url and before["revised_at"] is None
    assert before["minhash_bytes"] == 512 and before["bands"] == 32

    assert store(database_url, second) == (doc_id, StoreAction.REVISED)
    after = row(conn, doc_id)
    assert after["version"] == 2 and after["revised_at"] is not None
    assert after["content_sha256"] == second.content_sha256 and after["title"] == "New"
    assert int(after["xid"]) > int(before["xid"]), "the change feed must see the revision"
    assert versions(conn, doc_id) == [(1, first.content_sha256, "Old", True)]

    # Back to the first body: a third version, not a second document.
    assert store(database_url, first)[0] == doc_id
    assert [v[0] for v in versions(conn, doc_id)] == [1, 2]
    assert row(conn, doc_id)["version"] == 3


def test_the_change_feed_delivers_a_revision(database_url: str, conn: Conn) -> None:
    url, cursor = page_url(), _current_cursor(conn)
    doc_id, _ = store(database_url, doc(story(), url, "Before"))
    _, cursor = _read_until(conn, cursor, {doc_id})
    store(database_url, doc(story(), url, "After"))
    rows, _ = _read_until(conn, cursor, {doc_id})
    assert [(r["title"], r["version"]) for r in rows if r["id"] == doc_id] == [("After", 2)]


def test_same_body_is_one_document_whichever_way_it_comes(database_url: str, conn: Conn) -> None:
    body = story()
    doc_id, _ = store(database_url, doc(body))  # pasted text
    assert store(database_url, doc(body, page_url())) == (doc_id, StoreAction.EXISTING)
    assert store(database_url, doc(body, page_url())) == (doc_id, StoreAction.EXISTING)
    assert row(conn, doc_id)["version"] == 1
    count = conn.execute(
        "SELECT count(*) FROM documents WHERE content_sha256 = %s", (content_sha256(body),)
    ).fetchone()
    assert count == (1,)


def test_pasted_body_adopts_the_page_that_later_serves_it(database_url: str, conn: Conn) -> None:
    body, url = story(), page_url()
    doc_id, _ = store(database_url, doc(body))
    assert row(conn, doc_id)["url_key"] is None
    store(database_url, doc(body, url))
    assert row(conn, doc_id)["url_key"] == url
    assert store(database_url, doc(story(), url)) == (doc_id, StoreAction.REVISED)


def test_page_changed_to_a_body_another_document_holds(database_url: str, conn: Conn) -> None:
    url_a, url_b = page_url(), page_url()
    body_a, body_b = story(), story()
    doc_a, _ = store(database_url, doc(body_a, url_a))
    doc_b, _ = store(database_url, doc(body_b, url_b))
    # Page A now serves B's body: no second copy, and A's row keeps its body.
    assert store(database_url, doc(body_b, url_a)) == (doc_b, StoreAction.EXISTING)
    assert row(conn, doc_a)["content_sha256"] == content_sha256(body_a)
    assert row(conn, doc_b)["url_key"] == url_b


def test_an_earlier_version_posted_again_points_at_its_document(
    database_url: str, conn: Conn
) -> None:
    url, old = page_url(), story()
    doc_id, _ = store(database_url, doc(old, url))
    store(database_url, doc(story(), url))
    assert store(database_url, doc(old)) == (doc_id, StoreAction.EXISTING)


def test_new_headline_on_the_same_body_is_a_version(database_url: str, conn: Conn) -> None:
    url, body = page_url(), story()
    doc_id, _ = store(database_url, doc(body, url, "Minister resigns"))
    assert store(database_url, doc(body, url, "Minister resigns")) == (
        doc_id,
        StoreAction.UNCHANGED,
    )
    assert store(database_url, doc(body, url, "Minister resigns after vote")) == (
        doc_id,
        StoreAction.REVISED,
    )
    assert versions(conn, doc_id) == [(1, content_sha256(body), "Minister resigns", True)]


def test_canonical_url_on_the_same_host_is_the_identity(database_url: str, conn: Conn) -> None:
    name = secrets.token_hex(6)
    canonical = f"https://news.example/{name}"
    tracked = doc(story(), f"https://www.news.example/{name}?utm_source=x", canonical=canonical)
    doc_id, _ = store(database_url, tracked)
    assert row(conn, doc_id)["url_key"] == canonical
    assert store(database_url, doc(story(), canonical))[0] == doc_id

    # A canonical URL on another host does not capture that host's document.
    syndicated = doc(story(), f"https://other.example/{name}", canonical=canonical)
    other_id, action = store(database_url, syndicated)
    assert action is StoreAction.INSERTED and other_id != doc_id


def race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released together; re-raise the first error."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = calls[i]()
        except BaseException as exc:  # reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def test_concurrent_stores_of_one_url_make_one_document_and_every_version(
    database_url: str, conn: Conn
) -> None:
    url = page_url()
    bodies = [story() for _ in range(RACERS)]
    results = race([lambda b=b: store(database_url, doc(b, url)) for b in bodies])
    ids = {doc_id for doc_id, _ in results}
    assert len(ids) == 1
    (doc_id,) = ids
    assert sorted(a for _, a in results).count(StoreAction.INSERTED) == 1
    assert row(conn, doc_id)["version"] == RACERS
    kept = {v[1] for v in versions(conn, doc_id)} | {row(conn, doc_id)["content_sha256"]}
    assert kept == {content_sha256(b) for b in bodies}


def test_concurrent_stores_of_one_body_from_many_urls_make_one_document(
    database_url: str, conn: Conn
) -> None:
    body = story()
    results = race([lambda: store(database_url, doc(body, page_url())) for _ in range(RACERS)])
    assert len({doc_id for doc_id, _ in results}) == 1
    count = conn.execute(
        "SELECT count(*) FROM documents WHERE content_sha256 = %s", (content_sha256(body),)
    ).fetchone()
    assert count == (1,)


def variant(paragraphs: list[str], seed: int) -> list[str]:
    """The same story as another site runs it: last paragraph cut, a few words edited."""
    rng = random.Random(seed)
    words = " ".join(paragraphs[:-1]).split()
    for _ in range(3):
        words[rng.randrange(len(words))] = secrets.token_hex(3)
    return [" ".join(words[i : i + 40]) for i in range(0, len(words), 40)]


def test_near_duplicates_share_a_cluster_and_are_all_kept(database_url: str, conn: Conn) -> None:
    original = story()
    first, _ = store(database_url, doc(original, page_url(), "Storm hits coast"))
    copy, _ = store(database_url, doc(variant(original, 1), page_url(), "Coast hit by storm"))
    unrelated, _ = store(database_url, doc(story(), page_url()))
    assert len({first, copy, unrelated}) == 3
    assert row(conn, first)["cluster_id"] == row(conn, copy)["cluster_id"]
    assert row(conn, unrelated)["cluster_id"] != row(conn, first)["cluster_id"]
    assert queries.cluster_members(conn, copy) == [first, copy]


def test_concurrent_near_duplicates_land_in_one_cluster(database_url: str, conn: Conn) -> None:
    original = story()
    copies = [variant(original, seed) for seed in range(RACERS)]
    results = race([lambda c=c: store(database_url, doc(c, page_url())) for c in copies])
    clusters = {row(conn, doc_id)["cluster_id"] for doc_id, _ in results}
    assert len({doc_id for doc_id, _ in results}) == RACERS
    assert len(clusters) == 1


def test_revision_keeps_a_lone_documents_cluster(database_url: str, conn: Conn) -> None:
    url, body = page_url(), story()
    doc_id, _ = store(database_url, doc(body, url, "One"))
    cluster = row(conn, doc_id)["cluster_id"]
    store(database_url, doc(body, url, "Two"))
    assert row(conn, doc_id)["cluster_id"] == cluster


def test_reader_role_reads_versions_and_clusters(database_url: str) -> None:
    with psycopg.connect(database_url) as reader:
        reader.execute("SET ROLE copydesk_reader")
        reader.execute("SELECT document_id, version, text FROM document_versions LIMIT 1")
        reader.execute("SELECT cluster_id, url_key, version, band_keys FROM documents LIMIT 1")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            reader.execute("DELETE FROM document_versions")


def test_lock_keys_takes_every_lock_in_one_statement(database_url: str) -> None:
    """The store's advisory locks (one statement now) are all held until the transaction ends."""
    keys = [5, -3, 2**62, 5, 7, -(2**63)]
    with psycopg.connect(database_url) as locker, psycopg.connect(database_url) as other:
        queries.lock_keys(locker, keys)
        held = locker.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        ).fetchone()
        assert held == (len(set(keys)),)
        for key in set(keys):
            got = other.execute("SELECT pg_try_advisory_xact_lock(%s)", (key,)).fetchone()
            assert got == (False,)
        locker.commit()
        assert other.execute("SELECT pg_try_advisory_xact_lock(%s)", (7,)).fetchone() == (True,)
