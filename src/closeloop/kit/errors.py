"""One error base class carrying HTTP status and problem type (RFC 9457 problem details)."""

from __future__ import annotations

from typing import Any

PROBLEM_BASE = "https://closeloop.dev/problems/"


class CloseLoopError(Exception):
    """Base of every error a user can see; handlers turn it into application/problem+json."""

    status: int = 500
    problem: str = "internal-error"
    title: str = "Internal Server Error"

    def __init__(self, detail: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra: dict[str, Any] = extra or {}

    @property
    def type(self) -> str:
        """The problem type URI."""
        return PROBLEM_BASE + self.problem

    def headers(self) -> dict[str, str]:
        """Extra response headers for this error."""
        return {}

    def body(self) -> dict[str, Any]:
        """The problem+json body."""
        return {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            **self.extra,
        }


class Unauthenticated(CloseLoopError):
    """No valid credentials (401)."""

    status, problem, title = 401, "unauthenticated", "Unauthorized"

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "Bearer"}


class Forbidden(CloseLoopError):
    """Authenticated but not allowed (403)."""

    status, problem, title = 403, "forbidden", "Forbidden"


class NotFound(CloseLoopError):
    """No such record, or one the caller may not see (404)."""

    status, problem, title = 404, "not-found", "Not Found"


class Conflict(CloseLoopError):
    """A rule forbids this now: duplicate, invalid transition (409)."""

    status, problem, title = 409, "conflict", "Conflict"


class PreconditionFailed(CloseLoopError):
    """A stale If-Match version (412)."""

    status, problem, title = 412, "precondition-failed", "Precondition Failed"


class InvalidInput(CloseLoopError):
    """Malformed input (422), with the offending fields in `errors`."""

    status, problem, title = 422, "invalid-input", "Unprocessable Content"

    def __init__(self, detail: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail, extra={"errors": errors or []})

    @classmethod
    def field(cls, loc: str | list[str | int], msg: str) -> InvalidInput:
        """An error about one field, e.g. InvalidInput.field("msisdn", "not a mobile number")."""
        location = [loc] if isinstance(loc, str) else list(loc)
        return cls(f"{'.'.join(map(str, location))}: {msg}", [{"loc": location, "msg": msg}])


class TooManyRequests(CloseLoopError):
    """Throttled (429), with Retry-After in seconds."""

    status, problem, title = 429, "too-many-requests", "Too Many Requests"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail, extra={"retry_after": retry_after})
        self.retry_after = max(1, retry_after)

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}
