"""Versions and clusters through the whole pipe: API -> worker -> store -> API."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.integration.test_store import story, variant
from tests.support import PageServer

pytestmark = pytest.mark.integration

WaitJob = Callable[[httpx.Client, str], dict[str, Any]]


def _page(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    head = f"<head><title>{title}</title></head>"
    return f"<html>{head}<body><article><h1>{title}</h1>{body}</article></body></html>"


def _ingest(client: httpx.Client, wait_job: WaitJob, url: str) -> dict[str, Any]:
    response = client.post("/v1/documents", json={"url": url})
    assert response.status_code == 202, response.text
    job = wait_job(client, response.json()["job_id"])
    assert job["status"] == "done", job
    document: dict[str, Any] = client.get(job["document_url"]).raise_for_status().json()
    return document


def test_reingesting_a_changed_page_revises_its_document(
    client: httpx.Client, wait_job: WaitJob, page_server: PageServer
) -> None:
    path = f"/story-{secrets.token_hex(4)}"
    url = page_server.add(path, _page("First take", story()))
    first = _ingest(client, wait_job, url)
    page_server.add(path, _page("Second take", story()))
    second = _ingest(client, wait_job, url)
    assert second["id"] == first["id"]
    assert (first["version"], second["version"]) == (1, 2)
    assert second["title"] == "Second take" and second["url_key"] == url


def test_the_same_story_on_two_pages_is_two_documents_in_one_cluster(
    client: httpx.Client, wait_job: WaitJob, page_server: PageServer
) -> None:
    original = story()
    one = page_server.add(f"/wire-{secrets.token_hex(4)}", _page("Storm hits", original))
    two = page_server.add(f"/copy-{secrets.token_hex(4)}", _page("Storm hit", variant(original, 7)))
    first, second = _ingest(client, wait_job, one), _ingest(client, wait_job, two)
    assert first["id"] != second["id"]
    assert first["cluster_id"] == second["cluster_id"]
