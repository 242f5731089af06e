"""Asserting RFC 9457 problem bodies (application/problem+json), as every API error is one.

    body = assert_problem(response, 409, type="conflict")
    assert_problem(response, 422, field="msisdn")

The checks are those of src/closeloop/http/problems.py and kit/errors.py: the status is in the
status line and in the body, `type`, `title` and `detail` are non-empty strings, and the type is
a URI under PROBLEM_BASE. A 422 carries `errors`, each with a `loc` list and a `msg`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from closeloop.kit.errors import PROBLEM_BASE

PROBLEM_JSON = "application/problem+json"

Loc = str | Sequence[str | int]


def problem_type(name: str) -> str:
    """The full type URI of a problem named like kit/errors.py does ("not-found")."""
    return name if "://" in name else PROBLEM_BASE + name


def assert_problem(
    response: httpx.Response,
    status: int,
    *,
    type: str | None = None,
    field: Loc | None = None,
    detail_contains: str | None = None,
) -> dict[str, Any]:
    """The response is a problem with this status; its body.

    `type`: the problem type, short ("forbidden") or a full URI. `field`: a 422 names this
    field among its `errors` (a name matches the last part of a loc, a list the whole loc).
    `detail_contains`: a piece of text the detail must hold.
    """
    assert response.status_code == status, response.text
    content_type = response.headers.get("content-type", "")
    assert content_type.startswith(PROBLEM_JSON), content_type
    body: dict[str, Any] = response.json()
    assert body["status"] == status, body
    for key in ("type", "title", "detail"):
        assert isinstance(body.get(key), str) and body[key], (key, body)
    assert body["type"].startswith(PROBLEM_BASE), body["type"]
    if type is not None:
        assert body["type"] == problem_type(type), body
    if field is not None:
        assert_names_field(body, field)
    if detail_contains is not None:
        assert detail_contains in body["detail"], body["detail"]
    return body


def error_locs(problem: httpx.Response | dict[str, Any]) -> list[list[Any]]:
    """The `loc` of every error of a 422 problem (a response, or a body already checked)."""
    body = assert_problem(problem, 422) if isinstance(problem, httpx.Response) else problem
    errors = body.get("errors")
    assert isinstance(errors, list) and errors, body
    for error in errors:
        assert isinstance(error.get("loc"), list), error
        assert isinstance(error.get("msg"), str) and error["msg"], error
    return [error["loc"] for error in errors]


def assert_names_field(body: dict[str, Any], field: Loc) -> None:
    """The 422 body has an error about `field` ("msisdn", or a whole loc such as
    ["header", "Idempotency-Key"])."""
    locs = error_locs(body)
    if isinstance(field, str):
        assert any(loc and loc[-1] == field for loc in locs), (field, locs)
    else:
        assert list(field) in locs, (field, locs)
