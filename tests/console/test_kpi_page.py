"""The KPI page: every KPI against its target in red/amber/green with a daily sparkline, no
data shown as such, a drill-down to the tickets behind a number, Chinese and English."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from tests.console.ticket_helpers import as_user, text_of
from tests.tickets.helpers import Desk


def _row(page: str, code: str) -> str:
    match = re.search(rf'<tr id="kpi-{code}" class="rag-(\w+)">(.*?)</tr>', page, flags=re.S)
    assert match, code
    return match.group(1) + " " + match.group(2)


def test_the_page_shows_kpis_against_targets_and_drills_down(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    desk = Desk(client, database, clock)
    solved = desk.create()
    desk.advance(timedelta(minutes=5))
    desk.do(solved["id"], "resolve", "agent")
    escalated = desk.create()
    desk.do(escalated["id"], "escalate", "agent")
    as_user(client, "supervisor")
    page = client.get("/console/kpis", params={"start": "2026-11-23", "end": "2026-11-24"})
    assert page.status_code == 200, page.text
    assert "服务标准与指标" in page.text and 'href="/console/static/kpis.css"' in page.text
    fcr = _row(page.text, "fcr")
    assert fcr.startswith(("green", "amber", "red")) and "<svg" in fcr
    assert "一次解决率" in fcr and "70.0%" in fcr  # the starting target
    assert _row(page.text, "csat").startswith("none") and "无数据" in _row(page.text, "csat")
    assert "style=" not in page.text and "<script>" not in page.text
    drill = client.get(
        "/console/kpis/fcr/tickets", params={"start": "2026-11-23", "end": "2026-11-24"}
    )
    assert drill.status_code == 200
    text = text_of(drill.text)
    assert solved["number"] in text and escalated["number"] in text
    assert f'href="/console/tickets/{solved["id"]}"' in drill.text
    english = client.get("/console/kpis", params={"lang": "en"})
    assert (
        "KPIs and service standards" in english.text and "First-contact resolution" in english.text
    )


def test_the_page_is_for_supervisors(client: TestClient) -> None:
    as_user(client, "agent")
    assert client.get("/console/kpis").status_code == 403
    assert "/console/kpis" not in client.get("/console").text
    as_user(client, "supervisor")
    assert 'href="/console/kpis"' in client.get("/console").text
    assert client.get("/console/kpis/nope/tickets").status_code == 404
