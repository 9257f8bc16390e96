"""The ingest API: validates submissions, writes job rows, enqueues work by task name."""
