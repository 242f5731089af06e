"""The scorecard page: units ranked by their weighted score with a bar chart and the previous
month's rank, in Chinese and English, for those who may read KPIs."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from tests.console.ticket_helpers import as_user, text_of
from tests.kpis.scorecard_story import two_months


def test_the_page_ranks_stations_with_a_chart(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    two_months(client, database, clock)
    as_user(client, "supervisor")
    page = client.get("/console/kpis/scorecards", params={"period": "2027-02"})
    assert page.status_code == 200, page.text
    assert "平衡计分卡" in page.text and "<svg" in page.text
    rows = re.findall(r'<tr id="unit-(\w+)">', page.text)
    assert rows == ["field", "wireless"]
    field = text_of(re.search(r'<tr id="unit-field">(.*?)</tr>', page.text, re.S).group(1))  # type: ignore[union-attr]
    assert "装维中心" in field and "▲ 1" in field
    assert "style=" not in page.text and "<script>" not in page.text
    english = client.get("/console/kpis/scorecards", params={"period": "2027-02", "lang": "en"})
    assert "Balanced scorecards" in english.text and "Rank change" in english.text
    bad = client.get("/console/kpis/scorecards", params={"period": "soon", "unit": "planet"})
    assert bad.status_code == 200  # this month, by station


def test_the_page_is_for_those_who_read_kpis(client: TestClient) -> None:
    as_user(client, "agent")
    assert client.get("/console/kpis/scorecards").status_code == 403
    as_user(client, "expert")
    assert client.get("/console/kpis/scorecards").status_code == 200
