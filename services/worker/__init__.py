"""The Celery worker: processes ingest jobs from their rows and stores documents."""
