"""`copydesk ingest` against the real API and worker: URL lists, JSON lines, folders."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import psycopg
import pytest

from copydesk import queries
from copydesk.apikeys import hash_api_key, key_prefix, new_api_key
from copydesk.bulk_ingest import Item, batches, read_items
from copydesk.settings import Settings
from tests.support import (
    REPO,
    SEEDS,
    PageServer,
    Service,
    api_process,
    child_env,
    copydesk_command,
    delete_queue,
)

pytestmark = pytest.mark.integration

Conn = psycopg.Connection[Any]


def _seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def _html(title: str, text: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n\n") if p.strip())
    head = f"<head><title>{title}</title></head>"
    return f"<html>{head}<body><article>{paragraphs}</article></body></html>"


def _ingest(api: Service, *args: str, timeout: float = 120) -> tuple[int, dict[str, Any], str]:
    result = subprocess.run(
        copydesk_command("ingest", "--api", api.base_url, *args),
        env=child_env({}),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    summary = json.loads(result.stdout) if result.stdout.strip() else {}
    return result.returncode, summary, result.stderr


@pytest.fixture
def inputs(tmp_path: Path, page_server: PageServer) -> dict[str, Path]:
    texts = _seed_texts()
    assert len(texts) >= 2
    urls = [
        page_server.add(f"/bulk/{i}.html", _html(f"Page {i}", t)) for i, t in enumerate(texts[:2])
    ]
    missing = page_server.base_url + "/bulk/missing.html"
    url_list = tmp_path / "urls.txt"
    url_list.write_text(
        "# pages to ingest\n" + "\n".join(urls) + f"\n\n{missing}\nftp://example.com/x\n"
    )
    jsonl = tmp_path / "items.jsonl"
    jsonl.write_text(
        json.dumps({"text": texts[0] + "\n\nA pasted copy."})
        + "\n"
        + json.dumps({"html": _html("Pasted", texts[1]), "url": "https://news.example/p"})
        + "\nnot json at all\n"
    )
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.txt").write_text(texts[1])
    (folder / "b.html").write_text(_html("From a file", texts[0]))
    (folder / "ignored.pdf").write_bytes(b"%PDF-1.4")
    return {"urls": url_list, "jsonl": jsonl, "folder": folder}


def test_reading_inputs_and_batching(inputs: dict[str, Path]) -> None:
    items = list(read_items([str(p) for p in inputs.values()]))
    kinds = [next(iter(item.body)) for item in items]
    assert kinds == ["url"] * 4 + ["text", "html", "_invalid", "text", "html"]
    assert items[0].origin.endswith("urls.txt:2")
    assert items[5].body["url"] == "https://news.example/p"
    sizes = [len(b) for b in batches(items, 4)]
    assert sizes == [4, 4, 1]
    heavy = [Item(str(i), {"text": "x" * 1000}) for i in range(5)]
    assert [len(b) for b in batches(heavy, 100, max_bytes=2500)] == [2, 2, 1]


def test_ingest_waits_for_every_job_and_summarises(
    api_server: Service, worker: Service, inputs: dict[str, Path], conn: Conn
) -> None:
    code, summary, stderr = _ingest(api_server, "--batch-size", "3", *map(str, inputs.values()))
    assert code == 1, stderr  # a job failed and two items were rejected
    assert summary["submitted"] == 7
    assert summary["rejected"] == 2
    assert {r["item"].rsplit("/", 1)[-1] for r in summary["rejections"]} == {
        "urls.txt:6",
        "items.jsonl:3",
    }
    assert (summary["done"], summary["failed"], summary["pending"]) == (6, 1, 0)
    assert summary["failures"] == [{"reason": "HTTP 404 Not Found", "count": 1}]
    assert "7 submitted, 6 done, 1 failed" in stderr
    stored = conn.execute(
        "SELECT count(*) FROM ingest_jobs"
        " WHERE batch_id = ANY(%(ids)s::uuid[]) AND status = 'done'",
        {"ids": summary["batch_ids"]},
    ).fetchone()
    singles = conn.execute(
        "SELECT count(*) FROM ingest_jobs WHERE id = ANY(%(ids)s::uuid[]) AND status = 'done'",
        {"ids": summary["job_ids"]},
    ).fetchone()
    assert stored is not None and singles is not None
    assert stored[0] + singles[0] == 6
    assert len(summary["job_ids"]) == 4  # the refused batch's good items, sent one by one


def test_no_wait_only_submits(
    api_server: Service, worker: Service, inputs: dict[str, Path]
) -> None:
    code, summary, _ = _ingest(api_server, "--no-wait", str(inputs["folder"]))
    assert code == 0
    assert summary["submitted"] == 2 and "done" not in summary
    (batch_id,) = summary["batch_ids"]
    deadline = time.monotonic() + 30
    with httpx.Client(base_url=api_server.base_url) as http:
        while True:
            batch = http.get(f"/v1/batches/{batch_id}").raise_for_status().json()
            if batch["done"] + batch["failed"] == 2 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert (batch["total"], batch["done"]) == (2, 2)
        assert http.get("/v1/batches/not-a-uuid").status_code == 404
        assert http.get(f"/v1/batches/{uuid4()}").status_code == 404


def test_ingest_sends_the_api_key_when_keys_are_required(
    settings: Settings, conn: Conn, tmp_path: Path, inputs: dict[str, Path]
) -> None:
    guarded = settings.model_copy(update={"require_api_key": True, "queue": f"{settings.queue}-k"})
    key = new_api_key()
    queries.insert_api_key(conn, "bulk-ingest-test", hash_api_key(key), key_prefix(key))
    try:
        with api_process(guarded, tmp_path / "api.log") as api:
            code, summary, stderr = _ingest(api, "--no-wait", str(inputs["folder"]))
            assert (code, summary) == (1, {}) and "401" in stderr
            code, summary, _ = _ingest(api, "--no-wait", "--api-key", key, str(inputs["folder"]))
            assert code == 0 and summary["submitted"] == 2
    finally:
        delete_queue(guarded)
