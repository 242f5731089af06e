"""Entity tags (ETag / If-Match) that carry a record's version number (乐观锁版本号).

A reply names the version it shows as a strong tag, `ETag: "3"`. A write may send it back as
`If-Match`: quoted or bare, strong or weak (`"3"`, `3`, `W/"3"`); `*` or no header at all means
"whatever version is current". Comparing the version is the service's job (412 when stale);
here the header is only read and written.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Header
from pydantic import WithJsonSchema
from starlette.requests import Request
from starlette.responses import Response

from closeloop.kit.errors import InvalidInput

ETAG = "ETag"
IF_MATCH = "If-Match"

# One tag: an optional weak prefix, then digits with optional quotes (lenient on purpose: a
# client that drops or half-keeps the quotes still names a version).
_VERSION_TAG = r'(?:W/)?"?([0-9]+)"?'
_TAG = re.compile(rf"^{_VERSION_TAG}$")
IF_MATCH_PATTERN = rf"^ *(?:\*|{_VERSION_TAG}) *$"

# The If-Match header as a route declares it: the description says what the check enforces.
IfMatch = Annotated[
    str | None,
    # absent is no condition; present, it must name a version (not "null")
    WithJsonSchema({"type": "string", "pattern": IF_MATCH_PATTERN}),
    Header(
        alias=IF_MATCH,
        pattern=IF_MATCH_PATTERN,
        description='The version the change is meant for, e.g. `"3"` (412 when stale); '
        "`*` or none: whatever version is current",
    ),
]


def etag(version: int) -> str:
    """The ETag of a version: the number in double quotes, e.g. `"3"`."""
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    """Put the version's ETag on a reply."""
    response.headers[ETAG] = etag(version)


def parse_if_match(value: str | None, *, noun: str = "version") -> int | None:
    """The version an If-Match value names; None when there is none or it is `*` (any).

    422 naming the header when it is not one tag of a version; `noun` is what the record
    calls its version in that message ("version" for tickets, "revision" for articles).
    """
    if value is None or value.strip() == "*":
        return None
    match = _TAG.match(value.strip())
    if not match:
        raise InvalidInput.field(["header", IF_MATCH], f'expected a {noun} such as "3"')
    return int(match.group(1))


def if_match_version(request: Request, *, noun: str = "version") -> int | None:
    """The version the request's If-Match header names (see `parse_if_match`)."""
    return parse_if_match(request.headers.get(IF_MATCH), noun=noun)
