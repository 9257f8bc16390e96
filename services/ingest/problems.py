"""The one place errors become HTTP answers: `application/problem+json` (RFC 9457).

Routes raise copydesk errors; the handlers here choose the status and write the body
(`type`, `title`, `status`, `detail`). Nothing else builds error responses.
"""

from __future__ import annotations

import logging
from typing import Any

import psycopg
import psycopg_pool
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from copydesk.errors import (
    CopydeskError,
    DatabaseUnavailable,
    IdempotencyConflict,
    InvalidInput,
    JobNotFound,
    PayloadTooLarge,
    Unauthorized,
)

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
_TYPE_PREFIX = "urn:copydesk:problem:"

# Most specific first: the first class an error is an instance of decides.
_STATUS: tuple[tuple[type[CopydeskError], int, str, str], ...] = (
    (PayloadTooLarge, 413, "payload-too-large", "Payload too large"),
    (InvalidInput, 422, "invalid-input", "Invalid input"),
    (JobNotFound, 404, "not-found", "Not found"),
    (Unauthorized, 401, "unauthorized", "Unauthorized"),
    (IdempotencyConflict, 409, "idempotency-conflict", "Idempotency-Key reused"),
    (DatabaseUnavailable, 503, "unavailable", "Service unavailable"),
)


# The problem+json body, as the OpenAPI document declares it.
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
    },
}
_DESCRIPTIONS = {
    400: "The body could not be read (not UTF-8)",
    401: "An API key is required (Authorization: Bearer <key>)",
    404: "No such job, document or source",
    409: "The Idempotency-Key was already used for another request",
    413: "Over a size limit",
    422: "Invalid input; `detail` says why",
    503: "The database cannot be reached",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` declaring problem+json answers with these statuses."""
    content = {PROBLEM_JSON: {"schema": PROBLEM_SCHEMA}}
    return {code: {"description": _DESCRIPTIONS[code], "content": content} for code in statuses}


def problem(status: int, slug: str, title: str, detail: str) -> JSONResponse:
    """A problem+json response."""
    body = {"type": _TYPE_PREFIX + slug, "title": title, "status": status, "detail": detail}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def _copydesk_error(request: Request, exc: Exception) -> JSONResponse:
    for cls, status, slug, title in _STATUS:
        if isinstance(exc, cls):
            logger.info(
                "request_rejected",
                extra={"status": status, "path": request.url.path, "detail": str(exc)},
            )
            response = problem(status, slug, title, str(exc))
            if status == 401:  # RFC 6750: a 401 names the scheme the client should use
                response.headers["WWW-Authenticate"] = 'Bearer realm="copydesk"'
            return response
    return _unexpected(request, exc)


def _database_down(request: Request, exc: Exception) -> JSONResponse:
    logger.error("database_unavailable", extra={"path": request.url.path, "error": str(exc)})
    return problem(503, "unavailable", "Service unavailable", "the database cannot be reached")


def _data_refused(request: Request, exc: Exception) -> JSONResponse:
    # A value PostgreSQL will not store (NUL in text, an out-of-range number) that the
    # request validation let through: the client's input, so a 422 and not a 500.
    logger.warning("data_refused", extra={"path": request.url.path, "error": str(exc)})
    detail = f"a value cannot be stored: {str(exc).splitlines()[0]}"
    return problem(422, "invalid-input", "Invalid input", detail)


def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    slug = "not-found" if exc.status_code == 404 else f"http-{exc.status_code}"
    title = "Not found" if exc.status_code == 404 else "HTTP error"
    return problem(exc.status_code, slug, title, str(exc.detail))


def _request_invalid(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    detail = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
    return problem(422, "invalid-input", "Invalid input", detail)


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("request_failed", extra={"path": request.url.path})
    return problem(500, "internal", "Internal error", "an unexpected error occurred")


def install_problem_handlers(app: FastAPI) -> None:
    """Register the handlers on an app."""
    app.add_exception_handler(CopydeskError, _copydesk_error)
    app.add_exception_handler(psycopg.OperationalError, _database_down)
    app.add_exception_handler(psycopg.DataError, _data_refused)
    app.add_exception_handler(psycopg_pool.PoolTimeout, _database_down)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _request_invalid)
    app.add_exception_handler(Exception, _unexpected)
