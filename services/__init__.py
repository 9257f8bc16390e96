"""The deployable services: `ingest` (HTTP API) and `worker` (Celery)."""
