"""Credit in the console: the customer panel's grade, arrears, step, line and next step (Chinese
and English), and the credit reports page with its charts (supervisors only)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from closeloop.config import Settings
from closeloop.db.engine import Database
from tests.console.helpers import sign_in
from tests.credit.conftest import Ledger
from tests.support.factories import Factory


@pytest.fixture
def ledger(database: Database, settings: Settings, tmp_path: Path) -> Ledger:
    return Ledger(database, settings, tmp_path)


def test_the_customer_panel_shows_credit_in_both_languages(
    client: TestClient, factory: Factory, ledger: Ledger
) -> None:
    c = factory.customer()
    ledger.bills(f"{c.msisdn},2026-10,100.00,0,2026-11-01,")
    ledger.run("2026-11-22")  # 21 days: grade D restricted
    ticket = factory.ticket(customer=c)
    sign_in(client, "agent")
    page = client.get(f"/console/tickets/{ticket.id}")
    assert page.status_code == 200
    html = page.text
    assert "信用与欠费" in html and "限制呼出" in html and "100.00" in html
    assert "逾期22天" in html or "22" in html
    english = client.get(f"/console/tickets/{ticket.id}?lang=en").text
    assert "Credit and arrears" in english and "Outgoing calls barred" in english
    assert "Step 3: Bar outgoing calls" in english and "Step 5: Suspend the line" in english


def test_credit_reports_page_has_charts_and_is_refused_to_agents(
    client: TestClient, factory: Factory, ledger: Ledger
) -> None:
    c = factory.customer(region="株洲市")
    ledger.bills(f"{c.msisdn},2026-06,100.00,0,2026-07-15,")
    ledger.run("2026-11-22")
    sign_in(client, "agent")
    assert client.get("/console/credit").status_code == 403
    client.cookies.clear()
    sign_in(client, "supervisor")
    page = client.get("/console/credit")
    assert page.status_code == 200
    assert page.text.count('<svg class="chart"') == 4
    assert "账龄" in page.text and "株洲市" in page.text
    assert 'href="/console/credit"' in page.text
