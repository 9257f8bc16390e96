"""Serve the dev set's HTML on 127.0.0.1 for the end-to-end benchmarks (run as a process).

    python bench/pageserver.py PORT

`/p/<i>.html` answers page i modulo the dev set's size (so any number of distinct URLs
can be fetched), `/robots.txt` answers 404 (everything allowed). Bodies are held in memory,
encoded once, so the server costs little beside what it measures.
"""

from __future__ import annotations

import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.devset import load_pages

_PAGE_PATH = re.compile(r"^/p/(\d+)\.html$")


def serve(port: int) -> None:
    bodies = [page.html.encode("utf-8") for page in load_pages()]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            match = _PAGE_PATH.match(self.path)
            body = bodies[int(match.group(1)) % len(bodies)] if match else b"not found"
            self.send_response(200 if match else 404)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: Any, client_address: Any) -> None:
            # A worker child that exits or is recycled drops its kept-alive connection:
            # that is how keep-alive ends, not a failure worth a traceback in the figures.
            if not isinstance(sys.exc_info()[1], ConnectionError):
                super().handle_error(request, client_address)

    server = Server(("127.0.0.1", port), Handler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    serve(int(sys.argv[1]))
