"""Cost of storing a document with versions and clusters, against the plain hash upsert.

    python bench/store_speed.py [--docs 400] [--database-url postgresql://127.0.0.1:5432/test]

Creates a scratch database, then stores the dev set's article texts (one transaction each,
like a worker) twice over: with `queries.upsert_document` (insert by body hash, the store
before issue 7) and with `store.store_document` (advisory locks, MinHash, band lookup,
clustering). Half the documents are given a page URL, and every fifth one is a trimmed
copy of an earlier one (a near-duplicate). Prints documents per second of each and the ratio,
measured in the same process; the servers are shared, so only the ratio is meaningful.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from copydesk import db, queries  # noqa: E402
from copydesk.extract.fingerprint import content_sha256  # noqa: E402
from copydesk.models import Document, JobKind  # noqa: E402
from copydesk.store import store_document  # noqa: E402

DEVSET = ROOT.parent / "shared" / "devset" / "text"


def load_documents(limit: int, salt: str) -> list[Document]:
    docs: list[Document] = []
    for n, path in enumerate(sorted(DEVSET.glob("*.txt"))[:limit]):
        paragraphs = [p.strip() for p in path.read_text(errors="replace").split("\n\n")]
        paragraphs = [p for p in paragraphs if p] or ["empty"]
        if n % 5 == 4 and docs:  # a near-duplicate: an earlier text with its last paragraph cut
            paragraphs = list(docs[-1].paragraphs[:-1]) or paragraphs
        paragraphs = [*paragraphs, f"{salt} {n}"]  # unique bodies per run and per copy
        text = "\n\n".join(paragraphs)
        url = f"https://bench.example/{salt}/{n}" if n % 2 else None
        docs.append(
            Document(
                source_kind=JobKind.URL if url else JobKind.TEXT,
                text=text,
                paragraphs=tuple(paragraphs),
                content_sha256=content_sha256(paragraphs),
                word_count=len(text.split()),
                extractor="bench",
                source_url=url,
                final_url=url,
            )
        )
    return docs


def rate(url: str, docs: list[Document], store: Callable[[Any, Document], object]) -> float:
    with psycopg.connect(url) as conn:
        start = time.perf_counter()
        for doc in docs:
            store(conn, doc)
            conn.commit()
        return len(docs) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=400)
    parser.add_argument("--database-url", default="postgresql://127.0.0.1:5432/test")
    args = parser.parse_args()
    name = f"copydesk_bench_{secrets.token_hex(4)}"
    with psycopg.connect(args.database_url, autocommit=True) as conn:
        queries.create_database(conn, name)
    url = make_conninfo(args.database_url, dbname=name)
    try:
        db.apply_schema(url)
        plain = rate(url, load_documents(args.docs, "plain"), queries.upsert_document)
        full = rate(url, load_documents(args.docs, "store"), store_document)
        with psycopg.connect(url) as conn:
            row = conn.execute(
                """
                SELECT count(DISTINCT cluster_id), count(*) FROM documents
                WHERE minhash IS NOT NULL
                """
            ).fetchone()
    finally:
        with psycopg.connect(args.database_url, autocommit=True) as conn:
            queries.drop_database(conn, name)
    assert row is not None
    print(f"documents stored: {args.docs} per variant")
    print(f"upsert_document (hash only):        {plain:8.1f} docs/s")
    print(f"store_document (versions, clusters): {full:8.1f} docs/s")
    print(f"ratio store/upsert: {full / plain:.2f}")
    print(f"clusters among the {row[1]} fingerprinted documents: {row[0]}")


if __name__ == "__main__":
    main()
