"""Celery task names, shared so ingest can enqueue by name without importing worker code."""

from __future__ import annotations

# Process one ingest job: args=[job_id as str].
TASK_PROCESS = "copydesk.process_job"
# Process several ingest jobs one after the other: args=[[job_id as str, ...]]. A batch's
# fan-out sends these (services/worker/enqueue_tasks.py).
TASK_PROCESS_CHUNK = "copydesk.process_jobs"
# Re-enqueue jobs stuck in queued/running (lost messages, dead workers); run by beat.
TASK_SWEEP = "copydesk.sweep_stale_jobs"
# Claim the crawl sources that are due (decided in Postgres) and send a crawl each; run by beat.
TASK_DISPATCH_SOURCES = "copydesk.dispatch_due_sources"
# Crawl one source: args=[crawl run id as int].
TASK_CRAWL_SOURCE = "copydesk.crawl_source"
# Send one TASK_PROCESS_CHUNK per few jobs of a batch: args=[[job_id as str, ...]]. The API
# sends this one message per batch instead of one per job (see services/ingest/submit.py).
TASK_ENQUEUE_JOBS = "copydesk.enqueue_jobs"
