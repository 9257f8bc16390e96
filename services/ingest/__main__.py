"""`python -m services.ingest --host H --port P`: serve the API with uvicorn."""

from __future__ import annotations

import argparse

import uvicorn

from copydesk.logs import configure_logging
from copydesk.settings import Settings
from services.ingest.app import create_app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m services.ingest")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    settings = Settings()
    # Fail with one clear line, not a lifespan traceback, when the servers are not configured.
    settings.require_database_url()
    settings.require_redis_url()
    configure_logging(settings.log_level, component="ingest")
    uvicorn.run(
        create_app(settings, bind_host=args.host),
        host=args.host,
        port=args.port,
        # Logging is set up above (JSON lines); uvicorn must not replace it.
        log_config=None,
        access_log=False,
    )


if __name__ == "__main__":
    main()
