"""Fetching and scheduled crawls end to end: real API and worker processes, Postgres, Redis.

The pages come from `tests.crawlsite` on 127.0.0.1. The worker here runs with the SSRF
guard ON and only 127.0.0.1/32 let through, so a redirect to 169.254.169.254 or
127.0.0.2 is refused exactly as it would be in production.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import psycopg
import pytest
import redis
from celery import Celery

from copydesk import queries
from copydesk.crawl.discover import SourceKind
from copydesk.crawl.records import NewSource
from copydesk.settings import Settings
from copydesk.task_names import TASK_DISPATCH_SOURCES
from tests.crawlsite import ETAG, Site, serve_site
from tests.support import Service, api_process, copydesk_command, settings_env, start_service
from tests.support import stop_process as stop_service

pytestmark = pytest.mark.integration

Conn = psycopg.Connection[Any]
WAIT_SECONDS = 30.0
POLL = 0.1
HOUR = 3600


@pytest.fixture(scope="module")
def crawl_settings(settings: Settings) -> Settings:
    """The shared test settings with the guard on, and short delays and timeouts."""
    return settings.model_copy(
        update={
            "queue": settings.queue + "-crawl",
            "allow_private_networks": False,
            "fetch_allowed_networks": "127.0.0.1/32",
            "politeness_delay": 0.05,
            "fetch_retry_attempts": 3,
            "fetch_retry_base_delay": 0.1,
            "fetch_retry_max_inline_wait": 2.0,
            "fetch_read_timeout": 0.5,
            "fetch_total_timeout": 3.0,
            "fetch_max_bytes": 1_000_000,
            "job_max_attempts": 2,
            "retry_base_delay": 0.1,
        }
    )


@pytest.fixture(scope="module")
def crawl_worker(
    crawl_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    log = tmp_path_factory.mktemp("crawl-worker") / "worker.log"
    service = start_service(["worker", "--concurrency", "2"], settings_env(crawl_settings), log)
    try:
        yield service
    finally:
        stop_service(service.proc)
        _clean_redis(crawl_settings)


def _clean_redis(settings: Settings) -> None:
    """Remove this run's queue and robots/politeness keys from the shared Redis."""
    assert settings.redis_url is not None
    client = redis.Redis.from_url(settings.redis_url)
    client.delete(settings.queue, f"_kombu.binding.{settings.queue}")
    for key in client.scan_iter(match=f"copydesk:{settings.queue}:*"):
        client.delete(key)
    client.close()


@pytest.fixture(scope="module")
def api(
    crawl_settings: Settings, crawl_worker: Service, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    log = tmp_path_factory.mktemp("crawl-api") / "api.log"
    with (
        api_process(crawl_settings, log) as service,
        httpx.Client(base_url=service.base_url, timeout=10) as http,
    ):
        yield http


@pytest.fixture
def site() -> Iterator[Site]:
    """A fresh site per test: its own port, so its URLs are new to the database."""
    with serve_site() as site:
        yield site


def _wait(predicate: Any, what: str, worker: Service, timeout: float = WAIT_SECONDS) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if worker.proc.poll() is not None:
            pytest.fail(f"worker exited:\n{worker.log.read_text()[-4000:]}")
        time.sleep(POLL)
    pytest.fail(f"timed out waiting for {what}:\n{worker.log.read_text()[-4000:]}")


def _finished_runs(conn: Conn, source_id: int, count: int = 1) -> list[dict[str, Any]]:
    rows = conn.execute(
        """
        SELECT status, urls_found, urls_new, urls_failed, error FROM crawl_runs
        WHERE source_id = %s AND status IN ('done', 'failed') ORDER BY id
        """,
        (source_id,),
    ).fetchall()
    keys = ("status", "found", "new", "failed", "error")
    return [dict(zip(keys, row, strict=True)) for row in rows] if len(rows) >= count else []


def _source_jobs(conn: Conn, source_id: int) -> dict[str, tuple[str, str | None, int | None]]:
    rows = conn.execute(
        "SELECT input_url, status, error, document_id FROM ingest_jobs WHERE source_id = %s",
        (source_id,),
    ).fetchall()
    return {url: (status, error, doc) for url, status, error, doc in rows}


def _settled(conn: Conn, source_id: int, expected: int) -> dict[str, Any]:
    jobs = _source_jobs(conn, source_id)
    settled = len(jobs) == expected and all(s in ("done", "failed") for s, _, _ in jobs.values())
    return jobs if settled else {}


def _add(api: httpx.Client, url: str, **fields: Any) -> dict[str, Any]:
    response = api.post("/v1/sources", json={"url": url, "interval_seconds": HOUR, **fields})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _run(api: httpx.Client, source_id: int) -> None:
    assert api.post(f"/v1/sources/{source_id}/run").status_code == 202


def test_feed_source_end_to_end(
    api: httpx.Client, conn: Conn, site: Site, crawl_worker: Service
) -> None:
    source = _add(api, site.url("/feed.xml"))
    assert source["kind"] == "feed"
    _run(api, source["id"])
    (run,) = _wait(lambda: _finished_runs(conn, source["id"]), "the crawl", crawl_worker)
    # Four articles and one robots-disallowed URL listed; all new.
    assert run == {"status": "done", "found": 5, "new": 5, "failed": 0, "error": None}
    jobs = _wait(lambda: _settled(conn, source["id"], 5), "the jobs", crawl_worker)
    done = {url for url, (status, _, doc) in jobs.items() if status == "done" and doc}
    assert done == {site.url(f"/articles/{n}.html") for n in range(1, 5)}
    status, error, _ = jobs[site.url("/private/secret.html")]
    assert status == "failed" and error is not None and "robots.txt" in error
    assert "/private/secret.html" not in site.log.paths()
    published = conn.execute(
        "SELECT published_at FROM url_state WHERE url = %s", (site.url("/articles/1.html"),)
    ).fetchone()
    assert published == (datetime(2026, 11, 1, 8, tzinfo=UTC),)
    logged = conn.execute(
        "SELECT status, run_id IS NOT NULL FROM fetch_log WHERE source_id = %s AND url = %s",
        (source["id"], site.url("/feed.xml")),
    ).fetchall()
    assert logged == [(200, True)]
    robots = conn.execute(
        "SELECT status FROM fetch_log WHERE url = %s", (site.url("/robots.txt"),)
    ).fetchall()
    assert robots == [(200,)]  # fetched once, logged, then served from the Redis cache

    # A second run lists the same URLs: nothing new, no new jobs.
    _run(api, source["id"])
    runs = _wait(lambda: _finished_runs(conn, source["id"], 2), "the second crawl", crawl_worker)
    assert (runs[1]["found"], runs[1]["new"]) == (5, 0)
    assert len(_source_jobs(conn, source["id"])) == 5


def test_sitemap_index_with_gzip_and_news_dates(
    api: httpx.Client, conn: Conn, site: Site, crawl_worker: Service
) -> None:
    source = _add(api, site.url("/sitemap_index.xml"), exclude_patterns=["/articles/4"])
    assert source["kind"] == "sitemap"
    _run(api, source["id"])
    (run,) = _wait(lambda: _finished_runs(conn, source["id"]), "the crawl", crawl_worker)
    assert run == {"status": "done", "found": 3, "new": 3, "failed": 0, "error": None}
    dates = dict(
        conn.execute(
            "SELECT url, published_at FROM url_state WHERE source_id = %s", (source["id"],)
        ).fetchall()
    )
    assert dates == {
        site.url("/articles/1.html"): datetime(2026, 11, 1, 8, tzinfo=UTC),
        site.url("/articles/2.html"): datetime(2026, 11, 2, 8, tzinfo=UTC),
        site.url("/articles/3.html"): datetime(2026, 10, 3, tzinfo=UTC),
    }
    _wait(lambda: _settled(conn, source["id"], 3), "the jobs", crawl_worker)


def test_homepage_kind_is_detected_and_its_feed_crawled(
    api: httpx.Client, conn: Conn, site: Site, crawl_worker: Service
) -> None:
    source = _add(api, site.url("/"), include_patterns=[r"/articles/[12]\."])
    assert source["kind"] is None  # nothing in the URL tells; the first crawl detects it
    _run(api, source["id"])
    (run,) = _wait(lambda: _finished_runs(conn, source["id"]), "the crawl", crawl_worker)
    assert (run["status"], run["found"], run["new"]) == ("done", 2, 2)
    assert api.get(f"/v1/sources/{source['id']}").json()["kind"] == "homepage"
    assert "/feed.xml" in site.log.paths()
    _wait(lambda: _settled(conn, source["id"], 2), "the jobs", crawl_worker)


def test_failing_source_backs_off_and_shows_its_error(
    api: httpx.Client, conn: Conn, site: Site, crawl_worker: Service
) -> None:
    source = _add(api, site.url("/gone/feed.xml"))
    before = datetime.now(UTC)
    _run(api, source["id"])
    (run,) = _wait(lambda: _finished_runs(conn, source["id"]), "the crawl", crawl_worker)
    assert run["status"] == "failed" and "404" in run["error"]
    shown = api.get(f"/v1/sources/{source['id']}").json()
    assert shown["consecutive_failures"] == 1
    assert "404" in shown["last_error"]
    # Backed off: two intervals, not one.
    next_run = datetime.fromisoformat(shown["next_run_at"])
    assert next_run >= before + timedelta(seconds=2 * HOUR - 60)
    assert shown["recent_runs"][0]["status"] == "failed"


def _post_url(api: httpx.Client, url: str) -> str:
    response = api.post("/v1/documents", json={"url": url})
    assert response.status_code == 202, response.text
    job_id: str = response.json()["job_id"]
    return job_id


def _job(api: httpx.Client, job_id: str, worker: Service) -> dict[str, Any]:
    def settled() -> dict[str, Any] | None:
        job: dict[str, Any] = api.get(f"/v1/jobs/{job_id}").json()
        return job if job["status"] in ("done", "failed") else None

    result: dict[str, Any] = _wait(settled, f"job {job_id}", worker)
    return result


def _fetch_log(conn: Conn, job_id: str) -> list[tuple[int | None, str | None]]:
    rows = conn.execute(
        "SELECT status, error FROM fetch_log WHERE job_id = %s AND url NOT LIKE %s ORDER BY id",
        (job_id, "%/robots.txt"),
    ).fetchall()
    return [(status, error) for status, error in rows]


def test_redirect_chain_is_followed(
    api: httpx.Client, conn: Conn, site: Site, crawl_worker: Service
) -> None:
    job_id = _post_url(api, site.url("/redirect/4"))
    job = _job(api, job_id, crawl_worker)
    assert job["status"] == "done", job
    ((_, url, final_url),) = conn.execute(
        "SELECT status, url, final_url FROM fetch_log WHERE job_id = %s AND url NOT LIKE %s",
        (job_id, "%/robots.txt"),
    ).fetchall()
    assert (url, final_url) == (site.url("/redirect/4"), site.url("/articles/1.html"))


@pytest.mark.parametrize("path", ["/to-metadata", "/to-loopback", "/redirect/5"])
def test_refused_redirects_fail_the_job(
    api: httpx.Client, conn: Conn, site: Site, crawl_worker: Service, path: str
) -> None:
    job_id = _post_url(api, site.url(path))
    job = _job(api, job_id, crawl_worker)
    assert job["status"] == "failed" and job["attempts"] == 1
    reason = "redirects" if path == "/redirect/5" else "non-public"
    assert reason in job["error"]
    ((status, error),) = _fetch_log(conn, job_id)
    assert status == 302 and error is not None and reason in error
    assert not any(p.startswith("/articles/") for p in site.log.paths())


@pytest.mark.parametrize(
    ("path", "reason", "attempts"),
    [
        ("/huge", "larger than", 1),
        ("/image.png", "image/png", 1),
        ("/slow?s=2", "timed out", 2),
        ("/missing.html", "404", 1),
    ],
)
def test_bad_pages_fail_with_a_clear_reason(
    api: httpx.Client,
    site: Site,
    crawl_worker: Service,
    path: str,
    reason: str,
    attempts: int,
) -> None:
    job = _job(api, _post_url(api, site.url(path)), crawl_worker)
    assert job["status"] == "failed"
    assert reason in job["error"] and job["attempts"] == attempts


def test_429_and_503_are_retried_until_they_recover(
    api: httpx.Client, conn: Conn, site: Site, crawl_worker: Service
) -> None:
    limited, flaky = _post_url(api, site.url("/limited")), _post_url(api, site.url("/flaky"))
    assert _job(api, limited, crawl_worker)["status"] == "done"
    assert _job(api, flaky, crawl_worker)["status"] == "done"
    assert [s for s, _ in _fetch_log(conn, limited)] == [429, 200]
    assert [s for s, _ in _fetch_log(conn, flaky)] == [503, 503, 200]


def test_refetch_is_conditional_and_stores_nothing_new(
    api: httpx.Client, conn: Conn, site: Site, crawl_worker: Service
) -> None:
    first = _job(api, _post_url(api, site.url("/validated")), crawl_worker)
    assert first["status"] == "done"
    seen_before = conn.execute(
        "SELECT last_seen_at FROM url_state WHERE url = %s", (site.url("/validated"),)
    ).fetchone()
    documents = conn.execute("SELECT count(*) FROM documents").fetchone()
    second_id = _post_url(api, site.url("/validated"))
    second = _job(api, second_id, crawl_worker)
    assert second["status"] == "done"
    assert second["document_id"] == first["document_id"]
    assert _fetch_log(conn, second_id) == [(304, None)]
    sent = [headers for path, headers in site.log.requests if path == "/validated"]
    assert sent[-1].get("if-none-match") == ETAG
    assert conn.execute("SELECT count(*) FROM documents").fetchone() == documents
    seen_after = conn.execute(
        "SELECT last_seen_at FROM url_state WHERE url = %s", (site.url("/validated"),)
    ).fetchone()
    assert seen_before is not None and seen_after is not None and seen_after[0] > seen_before[0]


def test_unchanged_body_without_validators_stores_nothing_new(
    api: httpx.Client, conn: Conn, site: Site, crawl_worker: Service
) -> None:
    url = site.url("/articles/3.html")
    first = _job(api, _post_url(api, url), crawl_worker)
    second = _job(api, _post_url(api, url), crawl_worker)
    assert first["document_id"] == second["document_id"] is not None
    (seen,) = conn.execute(
        "SELECT last_seen_at > first_seen_at FROM url_state WHERE url = %s", (url,)
    ).fetchone() or (None,)
    assert seen is True


def _due_sources(conn: Conn, site: Site, count: int) -> list[int]:
    ids = []
    for n in range(count):
        source = queries.insert_source(
            conn, NewSource(site.url(f"/many/{n}/feed.xml"), SourceKind.FEED, HOUR)
        )
        assert source is not None
        ids.append(source.id)
    return ids


def _runs_per_source(conn: Conn, ids: list[int]) -> dict[int, int]:
    rows = conn.execute(
        "SELECT source_id, count(*) FROM crawl_runs WHERE source_id = ANY(%s) GROUP BY 1",
        (ids,),
    ).fetchall()
    return {source_id: count for source_id, count in rows}


def test_two_dispatchers_claim_each_due_source_once(
    database_url: str, conn: Conn, site: Site
) -> None:
    """Two dispatchers racing, each in its own connection, never claim a source twice."""
    ids = _due_sources(conn, site, 40)
    claims: list[list[int]] = [[], []]
    barrier = threading.Barrier(2)

    def dispatch(slot: int) -> None:
        with psycopg.connect(database_url, autocommit=True) as own:
            barrier.wait()
            while claimed := queries.claim_due_sources(own, 3):
                claims[slot].extend(s for s, _ in claimed if s in ids)

    threads = [threading.Thread(target=dispatch, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claims[0] + claims[1]) == sorted(ids)
    assert claims[0] and claims[1]  # both really took part
    assert set(_runs_per_source(conn, ids).values()) == {1}
    conn.execute("DELETE FROM sources WHERE id = ANY(%s)", (ids,))


def test_dispatch_ticks_in_the_worker_crawl_each_due_source_once(
    api: httpx.Client, conn: Conn, site: Site, crawl_settings: Settings, crawl_worker: Service
) -> None:
    ids = _due_sources(conn, site, 6)
    sender = Celery("test-sender", broker=crawl_settings.redis_url, set_as_current=False)
    try:
        for _ in range(4):  # four ticks at once, as from several beats
            sender.send_task(TASK_DISPATCH_SOURCES, queue=crawl_settings.queue)
    finally:
        sender.close()
    finished = _wait(
        lambda: all(_finished_runs(conn, i) for i in ids) and ids, "the crawls", crawl_worker
    )
    assert finished
    time.sleep(0.5)  # a duplicate, if any, would have been claimed by now
    assert _runs_per_source(conn, ids) == dict.fromkeys(ids, 1)
    conn.execute("DELETE FROM sources WHERE id = ANY(%s)", (ids,))


def test_sources_api_validation_and_lifecycle(api: httpx.Client, site: Site) -> None:
    bad = api.post("/v1/sources", json={"url": site.url("/feed.xml"), "include_patterns": ["("]})
    assert bad.status_code == 422
    assert api.post("/v1/sources", json={"url": "ftp://example.com/feed"}).status_code == 422
    source = _add(api, site.url("/feed.xml"), enabled=False)
    assert api.post("/v1/sources", json={"url": site.url("/feed.xml")}).status_code == 422
    assert api.post(f"/v1/sources/{source['id']}/run").status_code == 422  # disabled
    patched = api.patch(
        f"/v1/sources/{source['id']}", json={"enabled": True, "interval_seconds": 120}
    ).json()
    assert (patched["enabled"], patched["interval_seconds"]) == (True, 120)
    assert any(s["id"] == source["id"] for s in api.get("/v1/sources").json())
    assert api.delete(f"/v1/sources/{source['id']}").status_code == 204
    missing = api.get(f"/v1/sources/{source['id']}")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        copydesk_command("sources", *args),
        env=settings_env(settings),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_cli_add_list_run_remove(
    crawl_settings: Settings, crawl_worker: Service, site: Site
) -> None:
    added = _cli(crawl_settings, "add", site.url("/atom.xml"), "--interval", "600")
    assert added.returncode == 0, added.stderr
    source = json.loads(added.stdout)
    assert source["kind"] == "feed"
    listed = _cli(crawl_settings, "list")
    assert any(json.loads(line)["id"] == source["id"] for line in listed.stdout.splitlines())
    ran = _cli(crawl_settings, "run", str(source["id"]), "--wait", "20")
    assert ran.returncode == 0, ran.stderr
    run = json.loads(ran.stdout)
    assert (run["status"], run["urls_found"], run["urls_new"]) == ("done", 1, 1)
    # It also waited for the job the crawl created (progress on a terminal, then a summary).
    assert "jobs of this crawl: 1 submitted, 1 done, 0 failed, 0 still pending" in ran.stderr
    assert _cli(crawl_settings, "remove", str(source["id"])).returncode == 0
    assert _cli(crawl_settings, "remove", str(source["id"])).returncode == 1


def test_beat_only_ticks_and_a_due_source_is_crawled_once(
    crawl_settings: Settings,
    crawl_worker: Service,
    conn: Conn,
    site: Site,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    data_dir = tmp_path_factory.mktemp("beat")
    beat_settings = crawl_settings.model_copy(
        update={"crawl_dispatch_interval_seconds": 0.5, "data_dir": data_dir}
    )
    source = queries.insert_source(conn, NewSource(site.url("/feed.xml"), SourceKind.FEED, HOUR))
    assert source is not None
    beat = start_service(["beat"], settings_env(beat_settings), data_dir / "beat.log")
    try:
        (run,) = _wait(lambda: _finished_runs(conn, source.id), "a beat dispatch", crawl_worker)
        time.sleep(1.5)  # three more ticks: the source is not due again for an hour
        ticks = (data_dir / "beat.log").read_text().count("dispatch_due_sources")
    finally:
        stop_service(beat.proc)
    assert run["status"] == "done" and run["new"] == 5
    assert ticks >= 3
    assert _runs_per_source(conn, [source.id]) == {source.id: 1}


def test_runs_nobody_finished_are_closed_as_lost(conn: Conn, site: Site) -> None:
    source = queries.insert_source(
        conn, NewSource(site.url("/lost/feed.xml"), SourceKind.FEED, HOUR, enabled=False)
    )
    assert source is not None
    stale, fresh = (
        queries.insert_crawl_run(conn, source.id),
        queries.insert_crawl_run(conn, source.id),
    )
    conn.execute(
        "UPDATE crawl_runs SET created_at = now() - interval '2 hours' WHERE id = %s", (stale,)
    )
    assert queries.fail_lost_runs(conn, 3600) >= 1
    lost, kept = queries.get_crawl_run(conn, stale), queries.get_crawl_run(conn, fresh)
    assert lost is not None and lost.status == "failed" and "lost" in (lost.error or "")
    assert kept is not None and kept.status == "queued"
    queries.delete_source(conn, source.id)


def test_a_sources_new_urls_get_time_ordered_job_ids(database_url: str) -> None:
    """Like the API's (queries.new_job_ids): random ids would put the crawler's inserts on
    random pages of the jobs' primary-key index."""
    site = f"https://ids-{secrets.token_hex(4)}.example"
    with psycopg.connect(database_url) as conn:
        source = queries.insert_source(conn, NewSource(f"{site}/feed.xml", SourceKind.FEED, HOUR))
        assert source is not None
        urls = [(f"{site}/{n}.html", None) for n in range(3)]
        ids = queries.insert_source_jobs(
            conn, source.id, queries.remember_urls(conn, source.id, urls)
        )
        conn.rollback()  # no job left queued for another test's worker
    assert len(ids) == 3
    assert all(job_id.version == 7 for job_id in ids)
