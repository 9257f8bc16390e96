"""Celery task names, shared so ingest can enqueue by name without importing worker code."""

from __future__ import annotations

# Process one ingest job: args=[job_id as str].
TASK_PROCESS = "copydesk.process_job"
# Re-enqueue jobs stuck in queued/running (lost messages, dead workers); run by beat.
TASK_SWEEP = "copydesk.sweep_stale_jobs"
