"""API keys at the HTTP edge: every route but /healthz depends on `authenticate`.

In local mode (keys not required, see Settings.api_keys_required) every request passes as
the anonymous client ''. Otherwise the Bearer token's hash must match an unrevoked key.

Local mode is chosen from the bind address, which says nothing of a reverse proxy on the same
host forwarding outside traffic to it (operators should then require keys). Most proxies add
forwarding headers, so when local mode was inferred (not set explicitly), a request carrying
one needs a key like any other: a safety net, not a guarantee.
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
# Headers that reverse proxies add to what they forward (RFC 7239 and the de facto ones).
PROXY_HEADERS = (
    "forwarded",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-real-ip",
)

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
    proxied = res.settings.require_api_key is None and _forwarded(request)
    if not res.keys_required and not proxied:
        request.state.client = ANONYMOUS
        return
    if credentials is None:
        if proxied:
            raise Unauthorized(
                "this request came through a proxy, so local mode does not apply: send "
                "Authorization: Bearer <key> (or set COPYDESK_REQUIRE_API_KEY=false)"
            )
        raise Unauthorized("an API key is required: send Authorization: Bearer <key>")
    key_id = await run_in_threadpool(_key_id, res, credentials.credentials)
    if key_id is None:
        raise Unauthorized("the API key is not valid or has been revoked")
    request.state.client = str(key_id)


def _forwarded(request: Request) -> bool:
    return any(name in request.headers for name in PROXY_HEADERS)


def _key_id(res: Resources, key: str) -> int | None:
    with res.pool.connection() as conn:
        return queries.active_api_key_id(conn, hash_api_key(key))


def request_client(request: Request) -> str:
    """Who sent the request: the API key id, or '' in local mode."""
    client: str = getattr(request.state, "client", ANONYMOUS)
    return client
