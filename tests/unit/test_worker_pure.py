"""The worker's pure steps: turning an extraction into a row, and refusing private hosts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from celery.exceptions import SoftTimeLimitExceeded

from copydesk.errors import ExtractionFailed, FetchFailed
from copydesk.extract import Extraction, Metadata, Removed, RemovedKind
from copydesk.extract.fingerprint import content_sha256
from copydesk.models import Job, JobKind, JobStatus
from services.worker.fetch import FetchPolicy, fetch_page
from services.worker.pipeline import count_words, to_document
from services.worker.tasks import Pending

NOW = datetime(2026, 1, 2, tzinfo=UTC)


def _job(kind: JobKind = JobKind.HTML, url: str | None = "https://a.example/x") -> Job:
    return Job(
        id=uuid.uuid4(),
        kind=kind,
        status=JobStatus.RUNNING,
        url=url,
        body="<p>x</p>",
        error=None,
        attempts=1,
        created_at=NOW,
        updated_at=NOW,
        started_at=NOW,
        finished_at=None,
        document_id=None,
    )


def test_to_document_splits_metadata_into_columns_and_json() -> None:
    extraction = Extraction(
        title="T",
        paragraphs=("One two three.", "Four, five!"),
        removed=(Removed("Share this", RemovedKind.SHARE, "share bar"),),
        metadata=Metadata(
            authors=("A B",),
            language="en",
            tags=("x",),
            published_at=NOW,
            canonical_url="https://a.example/c",
        ),
        path="trafilatura",
        extractor="trafilatura",
        extractor_version="2.0",
    )
    job = _job()
    doc = to_document(job, extraction, None)
    assert doc.text == "One two three.\n\nFour, five!" and doc.word_count == 5
    assert doc.content_sha256 == content_sha256(extraction.paragraphs)
    assert doc.removed == ({"text": "Share this", "kind": "share", "reason": "share bar"},)
    assert doc.authors == ("A B",) and doc.language == "en" and doc.published_at == NOW
    assert doc.canonical_url == "https://a.example/c" and doc.source_url == job.url
    assert doc.metadata == {"tags": ["x"]}
    assert doc.job_id == job.id and doc.extraction_path == "trafilatura"


def test_empty_extraction_is_a_failure() -> None:
    with pytest.raises(ExtractionFailed):
        to_document(_job(), Extraction(title=None, paragraphs=()), None)


@pytest.mark.parametrize(("text", "words"), [("", 0), ("a b", 2), ("l'été, 2024!", 3)])
def test_count_words(text: str, words: int) -> None:
    assert count_words(text) == words


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/", "http://10.1.2.3/", "http://[::1]/", "http://169.254.169.254/"]
)
def test_private_addresses_are_refused_by_default(url: str) -> None:
    with pytest.raises(FetchFailed, match="non-public"):
        fetch_page(url, FetchPolicy())


def test_a_pending_commit_that_fails_is_recorded_on_its_own_job() -> None:
    failures: list[tuple[uuid.UUID, Exception]] = []
    pending = Pending(lambda job, exc: failures.append((job, exc)))
    pending.settle()  # nothing held
    job = uuid.uuid4()

    def broken() -> None:
        raise ValueError("commit refused")

    pending.hold(job, broken)
    pending.settle()
    pending.settle()  # settled once only
    assert [(j, str(e)) for j, e in failures] == [(job, "commit refused")]


def test_a_soft_limit_hitting_a_settle_is_recorded_and_raised_for_the_running_job() -> None:
    failures: list[uuid.UUID] = []
    pending = Pending(lambda job, exc: failures.append(job))
    job = uuid.uuid4()

    def interrupted() -> None:
        raise SoftTimeLimitExceeded()

    pending.hold(job, interrupted)
    with pytest.raises(SoftTimeLimitExceeded):
        pending.settle()
    assert failures == [job]
