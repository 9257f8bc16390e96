"""The one exception hierarchy of copydesk.

    CopydeskError
    ├── InvalidInput        bad request data; the API answers 4xx, nothing is queued
    │   └── PayloadTooLarge ... because it is over a size limit (413)
    ├── Unauthorized        no valid API key (401)
    ├── IdempotencyConflict an Idempotency-Key reused for another request (409)
    ├── JobNotFound         no such job or document id
    │   └── SourceNotFound  no such crawl source
    ├── FetchFailed         a page could not be fetched
    │   └── FetchRetryable  ... but trying again later may work (timeout, 429, 5xx)
    ├── ExtractionFailed    the page held no article text we could keep
    └── DatabaseUnavailable PostgreSQL cannot be reached right now

Callers catch these at a boundary (HTTP handler, task wrapper) and record the
message; the `retryable` flag tells a task whether to try again.
"""

from __future__ import annotations


class CopydeskError(Exception):
    """Something in copydesk went wrong."""

    retryable: bool = False

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or (self.__doc__ or "").strip())

    @property
    def message(self) -> str:
        return str(self)


class InvalidInput(CopydeskError):
    """The input is not something copydesk can ingest."""


class PayloadTooLarge(InvalidInput):
    """The request is larger than copydesk accepts."""

    def __init__(self, message: str | None = None, *, limit: int | None = None) -> None:
        super().__init__(message)
        self.limit = limit


class Unauthorized(CopydeskError):
    """A valid API key is required: send Authorization: Bearer <key>."""


class IdempotencyConflict(CopydeskError):
    """This Idempotency-Key was already used for a different request."""


class JobNotFound(CopydeskError):
    """No job or document has that id."""


class SourceNotFound(JobNotFound):
    """No crawl source has that id."""


class FetchFailed(CopydeskError):
    """The page could not be fetched."""

    def __init__(self, message: str | None = None, *, url: str = "", status: int | None = None):
        super().__init__(message)
        self.url = url
        self.status = status


class FetchRetryable(FetchFailed):
    """The page could not be fetched now, but may be later."""

    retryable = True

    def __init__(
        self,
        message: str | None = None,
        *,
        url: str = "",
        status: int | None = None,
        retry_after: float | None = None,
    ):
        super().__init__(message, url=url, status=status)
        self.retry_after = retry_after


class ExtractionFailed(CopydeskError):
    """No article text could be extracted."""


class DatabaseUnavailable(CopydeskError):
    """The database cannot be reached right now."""

    retryable = True
