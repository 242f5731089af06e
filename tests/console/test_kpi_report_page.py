"""The printable monthly/quarterly report page: KPIs against targets, the scorecard ranking,
the Pareto of problems and hotspots with SVG charts, in Chinese and English, printable on A4."""

from __future__ import annotations

import html
import re
from importlib import resources

from fastapi.testclient import TestClient

from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from tests.console.pdf_text import pdf_page_size, pdf_pages, pdf_text
from tests.console.ticket_helpers import as_user, text_of
from tests.kpis.scorecard_story import two_months


def test_the_report_page_of_a_month(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    two_months(client, database, clock)
    as_user(client, "supervisor")
    page = client.get("/console/kpis/report", params={"period": "2027-02"})
    assert page.status_code == 200, page.text
    assert "月度报告 2027-02" in page.text and "平衡计分卡" in page.text
    assert page.text.count("<svg") == 5  # KPIs, scores, categories, causes, regions
    for section in ("kpis", "scorecards", "categories", "causes", "hotspots"):
        assert f'id="report-{section}"' in page.text
    assert re.findall(r'<tr id="unit-(\w+)">', page.text) == ["field", "wireless"]
    callback = re.search(r'<tr id="kpi-callback_satisfaction"[^>]*>(.*?)</tr>', page.text, re.S)
    assert callback is not None and 'class="rag-red"' in callback.group(0)
    assert "50.0%" in text_of(callback.group(1)) and "-50.0" in text_of(callback.group(1))
    assert "kpi_report.css" in page.text and 'href="/console/kpis/report"' in page.text
    assert "style=" not in page.text and "<script>" not in page.text
    english = client.get("/console/kpis/report", params={"period": "2027-Q1", "lang": "en"})
    assert "Quarterly report 2027-Q1" in english.text and "Hotspot areas" in english.text
    assert client.get("/console/kpis/report", params={"period": "2026-W49"}).status_code == 200


def test_the_page_prints_on_a4_without_the_console_around_it() -> None:
    css = (resources.files("closeloop.console") / "static" / "kpi_report.css").read_text()
    assert "size: A4" in css and "@media print" in css
    assert "page-break-before: always" in css and ".top" in css


def test_the_report_is_for_those_who_read_kpis(client: TestClient) -> None:
    as_user(client, "agent")
    assert client.get("/console/kpis/report").status_code == 403
    as_user(client, "expert")
    assert client.get("/console/kpis/report").status_code == 200


def test_the_report_downloads_as_a_pdf_of_the_same_page(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    two_months(client, database, clock)
    as_user(client, "supervisor")
    page = client.get("/console/kpis/report", params={"period": "2027-02"})
    link = re.search(r'<a id="report-pdf" href="([^"]+)" download>', page.text)
    assert link is not None and html.unescape(link.group(1)) == (
        "/console/kpis/report.pdf?period=2027-02&lang=zh-CN"
    )
    pdf = client.get(html.unescape(link.group(1)))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert 'filename="closeloop-report-2027-02.pdf"' in pdf.headers["content-disposition"]
    pages = pdf_pages(pdf.content)
    assert len(pages) >= 5  # one section a page, as printed (the body breaks before each)
    width, height = pdf_page_size(pdf.content)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = "".join(pdf_text(pdf.content).split())  # CJK glyphs found, not empty boxes
    assert "月度报告2027-02" in text and "平衡计分卡" in text and "回访满意率" in text
    assert "50.0%" in text and "-50.0" in text  # callback satisfaction and its fall
    assert "热点区域" in pages[-1] and "平衡计分卡" not in pages[0]  # a section a page


def test_the_pdf_is_for_those_who_read_kpis(client: TestClient) -> None:
    refused = client.get("/console/kpis/report.pdf", follow_redirects=False)
    assert refused.status_code in (302, 303, 401) and not refused.content.startswith(b"%PDF")
    as_user(client, "agent")
    assert client.get("/console/kpis/report.pdf").status_code == 403
    as_user(client, "expert")
    allowed = client.get("/console/kpis/report.pdf", params={"period": "2027-Q1", "lang": "en"})
    assert allowed.status_code == 200
    assert "Quarterly report 2027-Q1" in pdf_text(allowed.content)
