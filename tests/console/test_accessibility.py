"""Every page can be used with a keyboard and a screen reader: each field has a label,
each image-like chart a text alternative, each page one main heading and its language."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.db.engine import Database
from closeloop.knowledge.models import Article
from closeloop.tickets.models import Ticket
from tests.console.ticket_helpers import as_user


class _Page(HTMLParser):
    """Collects the fields, labels, headings and charts of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[dict[str, str | None]] = []
        self.label_targets: set[str] = set()
        self.open_labels = 0
        self.h1 = 0
        self.svgs: list[dict[str, str | None]] = []
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "label":
            self.open_labels += 1
            if a.get("for"):
                self.label_targets.add(str(a["for"]))
        elif tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.fields.append({**a, "_wrapped": "yes" if self.open_labels else None})
        elif tag == "h1":
            self.h1 += 1
        elif tag == "svg":
            self.svgs.append(a)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.open_labels -= 1


def _unlabelled(page: _Page) -> list[str]:
    missing = []
    for field in page.fields:
        named = field.get("aria-label") or field.get("aria-labelledby") or field.get("_wrapped")
        if not named and field.get("id") not in page.label_targets:
            missing.append(str(field.get("name") or field))
    return missing


def _pages(database: Database) -> dict[str, list[str]]:
    with database.unit_of_work() as session:
        ticket = session.scalar(
            select(Ticket.id).where(Ticket.status == "in_progress", Ticket.station == "wireless")
        )
        article = session.scalar(select(Article.id).where(Article.status == "published"))
    return {
        "agent": [
            "/console",
            "/console?queue=callbacks",
            "/console/tickets/new",
            f"/console/tickets/{ticket}",
            "/console/knowledge?q=信号",
            f"/console/knowledge/{article}",
        ],
        "supervisor": ["/console?queue=all", "/console/dashboard", "/console/knowledge/manage"],
        "wireless": [f"/console/tickets/{ticket}", "/console?queue=working"],
        "editor": ["/console/knowledge/manage/new"],
    }


def test_the_sign_in_page_labels_its_fields(client: TestClient) -> None:
    page = _Page()
    page.feed(client.get("/login").text)
    assert page.fields and not _unlabelled(page) and page.h1 == 1 and page.lang == "zh-CN"


@pytest.mark.parametrize("user", ["agent", "supervisor", "wireless", "editor"])
def test_every_field_has_a_label_and_every_chart_a_text(
    client: TestClient, database: Database, user: str
) -> None:
    as_user(client, user)
    for path in _pages(database)[user]:
        response = client.get(path)
        assert response.status_code == 200, path
        page = _Page()
        page.feed(response.text)
        assert not _unlabelled(page), f"{path}: fields without a label: {_unlabelled(page)}"
        assert page.h1 == 1, f"{path}: {page.h1} main headings"
        assert page.lang == "zh-CN"
        for svg in page.svgs:
            assert svg.get("role") == "img" and svg.get("aria-label"), f"{path}: chart {svg}"
