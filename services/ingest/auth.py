"""API keys at the HTTP edge: every route but /healthz depends on `authenticate`.

In local mode (keys not required, see Settings.api_keys_required) every request passes as
the anonymous client ''. Otherwise the Bearer token's hash must match an unrevoked key.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from copydesk import queries
from copydesk.apikeys import hash_api_key
from copydesk.errors import Unauthorized
from services.ingest.resources import Resources, get_resources

ANONYMOUS = ""

_BEARER = HTTPBearer(
    auto_error=False,
    description="An API key from `copydesk keys create NAME` (not needed in local mode).",
)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)]


async def authenticate(
    request: Request, res: Annotated[Resources, Depends(get_resources)], credentials: Credentials
) -> None:
    """Let the request through with `request.state.client` set, or raise Unauthorized.

    Async, so that local mode costs no thread-pool hop; the key lookup runs in the pool."""
    if not res.keys_required:
        request.state.client = ANONYMOUS
        return
    if credentials is None:
        raise Unauthorized("an API key is required: send Authorization: Bearer <key>")
    key_id = await run_in_threadpool(_key_id, res, credentials.credentials)
    if key_id is None:
        raise Unauthorized("the API key is not valid or has been revoked")
    request.state.client = str(key_id)


def _key_id(res: Resources, key: str) -> int | None:
    with res.pool.connection() as conn:
        return queries.active_api_key_id(conn, hash_api_key(key))


def request_client(request: Request) -> str:
    """Who sent the request: the API key id, or '' in local mode."""
    client: str = getattr(request.state, "client", ANONYMOUS)
    return client
