"""In a real browser: a supervisor opens the monthly report from the KPI pages, switches it
from a month to a quarter, reads its SVG charts and its table of KPIs against their targets,
downloads it as a PDF, and reads it in English; then ranks the stations on the scorecards and
reads the weekly review. The demo's tickets are of the three weeks before 23 November 2026."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from closeloop.kpis.catalogue import CATALOGUE
from tests.browser.conftest import Screens
from tests.console.pdf_text import pdf_text

RAG_TEXTS = re.compile("^(达标|接近目标|未达标|无数据|On target|Near target|Off target|no data)$")


def _show(page: Page, field: str, value: str) -> None:
    page.locator(f"input#{field}").fill(value)
    page.get_by_role("button", name=re.compile("^(显示|Show)$")).click()


def _download_pdf(page: Page, tmp_path: Path) -> str:
    with page.expect_download() as waiting:
        page.locator("a#report-pdf").click()
    download = waiting.value
    assert download.suggested_filename.startswith("closeloop-report-"), download.suggested_filename
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    return "".join(pdf_text(saved.read_bytes()).split())


def test_a_supervisor_reads_the_report_of_a_month_and_a_quarter(
    signed_in: Callable[[str], Page], screens: Screens, tmp_path: Path
) -> None:
    page = signed_in("supervisor")
    page.get_by_role("link", name="服务指标").click()
    page.locator("nav.kpi-nav").get_by_role("link", name="月度报告").click()
    expect(page.get_by_role("heading", name="月度报告 2026-10")).to_be_visible()  # last month

    _show(page, "period", "2026-11")
    page.wait_for_url(re.compile(r"/console/kpis/report\?period=2026-11"))
    report = page.locator("article.kpi-report")
    expect(report.get_by_role("heading", name="月度报告 2026-11")).to_be_visible()
    expect(report.locator("svg.chart")).to_have_count(5)
    expect(report.locator("#report-kpis svg.chart")).to_be_visible()
    rows = report.locator("table.kpi-table tbody tr")
    expect(rows).to_have_count(len(CATALOGUE))
    for status in rows.locator("td.rag").all_inner_texts():
        assert RAG_TEXTS.match(status.strip()), status
    fcr = report.locator("table.kpi-table tr#kpi-fcr td.value")
    expect(fcr).to_have_text(re.compile(r"^\d+\.\d%$"))  # the demo's tickets are in November
    assert report.locator("table.scorecard-table tbody tr[id^=unit-]").count() >= 1
    screens.shot(page, "report-month")

    _show(page, "period", "2026-Q4")
    expect(report.get_by_role("heading", name="季度报告 2026-Q4")).to_be_visible()
    expect(report.locator("svg.chart")).to_have_count(5)
    page.get_by_role("link", name="← 2026-Q3").click()
    expect(report.get_by_role("heading", name="季度报告 2026-Q3")).to_be_visible()
    page.get_by_role("link", name="2026-Q4 →").click()
    expect(report.get_by_role("heading", name="季度报告 2026-Q4")).to_be_visible()
    text = _download_pdf(page, tmp_path)
    assert "季度报告2026-Q4" in text and "平衡计分卡" in text and "一次解决率" in text
    screens.shot(page, "report-quarter")

    page.get_by_role("button", name="English").click()
    expect(report.get_by_role("heading", name="Quarterly report 2026-Q4")).to_be_visible()
    expect(report.get_by_role("heading", name="Balanced scorecards")).to_be_visible()
    expect(page.locator("a#report-pdf")).to_have_attribute("href", re.compile(r"lang=en"))
    english = _download_pdf(page, tmp_path)
    assert "Quarterlyreport2026-Q4" in english and "Balancedscorecards" in english
    screens.shot(page, "report-english")


def test_a_supervisor_ranks_the_stations_and_reads_the_weekly_review(
    signed_in: Callable[[str], Page], screens: Screens
) -> None:
    page = signed_in("supervisor")
    page.goto("/console/kpis")
    page.locator("nav.kpi-nav").get_by_role("link", name="平衡计分卡").click()
    expect(page.get_by_role("heading", name="平衡计分卡")).to_be_visible()
    _show(page, "period", "2026-11")
    ranked = page.locator("table.scorecard-table tbody tr[id^=unit-]")
    expect(ranked.first).to_be_visible()
    expect(page.locator("figure.scorecard-chart svg.chart")).to_be_visible()
    first = ranked.first
    expect(first.locator("td").first).to_have_text("1")
    unit = (first.get_attribute("id") or "").removeprefix("unit-")
    first.locator("th a").click()  # leads to the station's card: its weighted KPIs
    card = page.locator(f"details#card-{unit}")
    card.locator("summary").click()
    expect(card).to_have_attribute("open", "")
    expect(card.locator("tbody tr").first).to_be_visible()
    screens.shot(page, "scorecards")

    page.locator("select#unit").select_option("region")
    page.get_by_role("button", name="显示").click()
    page.wait_for_url(re.compile(r"unit=region"))
    expect(page.locator("select#unit")).to_have_value("region")

    page.locator("nav.kpi-nav").get_by_role("link", name="周度复盘").click()
    expect(page.get_by_role("heading", name=re.compile(r"^周度复盘 2026-W47$"))).to_be_visible()
    categories = page.locator("section#categories")
    expect(categories.locator("svg.chart")).to_be_visible()
    expect(categories.locator("table tbody tr").first).to_be_visible()
    expect(page.locator("section#causes svg.chart")).to_be_visible()
    page.get_by_role("link", name="← 2026-W46").click()
    expect(page.get_by_role("heading", name=re.compile(r"^周度复盘 2026-W46$"))).to_be_visible()
    screens.shot(page, "weekly-review")
    page.get_by_role("button", name="English").click()
    english = page.get_by_role("heading", name=re.compile(r"^Weekly review 2026-W46$"))
    expect(english).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Top problem categories"))).to_be_visible()
