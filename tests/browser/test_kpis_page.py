"""In a real browser: a supervisor reads the KPIs against their targets — red/amber/green
rows, a sparkline per KPI — drills from a number down to the tickets behind it, and reads the
page in English."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import Screens

RAG_COLOURS = {
    "rag-green": "rgb(26, 127, 55)",
    "rag-amber": "rgb(138, 90, 0)",
    "rag-red": "rgb(179, 38, 30)",
}


def _rag_rows(page: Page) -> dict[str, str]:
    """The colour of the status cell of each coloured row, by its row's class."""
    found: dict[str, str] = {}
    for rag in RAG_COLOURS:
        cell = page.locator(f"table.kpi-table tr.{rag} td.rag").first
        if cell.count():
            found[rag] = cell.evaluate("c => getComputedStyle(c).color")
    return found


def test_a_supervisor_reads_the_kpis_and_drills_down_to_the_tickets(
    signed_in: Callable[[str], Page], screens: Screens
) -> None:
    page = signed_in("supervisor")
    page.get_by_role("link", name="服务指标").click()
    expect(page.get_by_role("heading", name="服务标准与指标")).to_be_visible()
    table = page.locator("table.kpi-table")
    expect(table.locator("tbody tr").first).to_be_visible()
    coloured = _rag_rows(page)
    assert coloured, "no row is red, amber or green"
    for rag, colour in coloured.items():
        assert colour == RAG_COLOURS[rag], (rag, colour)
    expect(table.locator("tr#kpi-fcr svg.chart")).to_be_visible()  # the sparkline
    screens.shot(page, "kpis")

    counted = table.locator("tr#kpi-fcr td").nth(1).inner_text()
    match = re.match(r"(\d+) / (\d+)", counted)
    assert match, counted
    denominator = int(match.group(2))
    table.locator("tr#kpi-fcr td.value a").click()
    page.wait_for_url(re.compile(r"/console/kpis/fcr/tickets\?start="))
    expect(page.get_by_role("heading", name=re.compile("fcr"))).to_be_visible()
    behind = page.locator("table tbody tr")
    assert behind.count() == min(denominator, 200)  # one row per ticket created
    expect(behind.first.locator("a")).to_have_attribute("href", re.compile(r"/console/tickets/"))
    screens.shot(page, "kpi-tickets")

    page.get_by_role("link", name="返回指标列表").click()
    expect(page.get_by_role("heading", name="服务标准与指标")).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="KPIs and service standards")).to_be_visible()
    expect(page.locator("table.kpi-table tr#kpi-fcr svg.chart")).to_be_visible()
    assert (
        page.locator("table.kpi-table td.rag")
        .filter(has_text=re.compile("On target|Near target|Off target"))
        .count()
    )
    screens.shot(page, "kpis-english")
