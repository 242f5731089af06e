"""The ETag / If-Match helper: the tag a reply carries, the versions a client may send back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.requests import Request
from starlette.responses import Response

from closeloop.http.etag import etag, if_match_version, parse_if_match, set_etag
from closeloop.kit.errors import InvalidInput


def test_the_tag_of_a_version_is_the_number_in_double_quotes() -> None:
    assert etag(1) == '"1"'
    assert etag(42) == '"42"'


def test_set_etag_puts_the_tag_on_a_reply() -> None:
    response = Response()
    set_etag(response, 7)
    assert response.headers["ETag"] == '"7"'


@pytest.mark.parametrize("value", [None, "*", " * "])
def test_no_header_or_a_star_asks_for_no_version(value: str | None) -> None:
    assert parse_if_match(value) is None


@pytest.mark.parametrize(
    ("value", "version"),
    [('"3"', 3), ("3", 3), ('W/"3"', 3), ("W/3", 3), (' "12" ', 12), ('"3', 3), ('3"', 3)],
)
def test_quoted_bare_and_weak_tags_name_a_version(value: str, version: int) -> None:
    assert parse_if_match(value) == version


@pytest.mark.parametrize("value", ["", "abc", "version one", 'W/"x"', '"1", "2"', "-1", "w/1"])
def test_anything_else_is_invalid_input_naming_the_header(value: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_if_match(value)
    problem = caught.value
    assert problem.status == 422
    assert problem.extra["errors"] == [
        {"loc": ["header", "If-Match"], "msg": 'expected a version such as "3"'}
    ]
    assert problem.detail == 'header.If-Match: expected a version such as "3"'


def test_the_message_uses_the_records_word_for_its_version() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_if_match("latest", noun="revision")
    assert caught.value.extra["errors"][0]["msg"] == 'expected a revision such as "3"'


@given(st.integers(min_value=0, max_value=10**12))
def test_a_tag_read_back_is_the_version_it_was_made_from(version: int) -> None:
    assert parse_if_match(etag(version)) == version
    assert parse_if_match(f"W/{etag(version)}") == version


def _request(headers: list[tuple[bytes, bytes]]) -> Request:
    return Request({"type": "http", "method": "POST", "path": "/", "headers": headers})


def test_the_version_is_read_from_the_requests_header() -> None:
    assert if_match_version(_request([(b"if-match", b'"5"')])) == 5
    assert if_match_version(_request([(b"if-match", b'W/"6"')])) == 6
    assert if_match_version(_request([(b"if-match", b"*")])) is None
    assert if_match_version(_request([])) is None
