"""`python -m services.ingest --host H --port P`: serve the API with uvicorn."""

from __future__ import annotations

import argparse

import uvicorn


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m services.ingest")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    uvicorn.run(
        "services.ingest.app:create_app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        # Logging is set up by the factory (JSON lines); uvicorn must not replace it.
        log_config=None,
        access_log=False,
    )


if __name__ == "__main__":
    main()
