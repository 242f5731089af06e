"""Rollups that never saw the older history (a database upgraded with tickets in it) are not
trusted: values for the days before their mark are recomputed exactly; `report rebuild` sums
everything again set-based (with a progress report) and removes the marks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select

from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.kpis import rebuild
from closeloop.kpis.models import KpiRollup, KpiRollupMark
from closeloop.kpis.rollups import ROLLED
from closeloop.kpis.values import ROLLED_UP
from tests.kpis.test_rollups import _same, clock_tz
from tests.tickets.helpers import Desk

CODES = ",".join(sorted(ROLLED_UP))


def _values(desk: Desk, **params: Any) -> dict[tuple[str, Any], tuple[float, float]]:
    response = desk.client.get("/api/v1/kpis/values", params={"codes": CODES, **params},
                               headers=desk.headers("admin"))  # fmt: skip
    assert response.status_code == 200, response.text
    return {(i["code"], i["group"]): (i["numerator"], i["denominator"])
            for i in response.json()["items"]}  # fmt: skip


def _history(desk: Desk) -> None:
    for _ in range(2):
        ticket = desk.create(type="complaint")
        desk.advance(timedelta(hours=2))
        desk.act(ticket["id"], "resolve", "agent")
    body = {"channel": "hotline", "summary": "来电", "duration_seconds": 200,
            "started_at": (desk.clock.now() - timedelta(minutes=5)).isoformat()}  # fmt: skip
    made = desk.client.post(f"/api/v1/customers/{desk.customer_id()}/contacts", json=body,
                            headers=desk.headers("agent"))  # fmt: skip
    assert made.status_code == 201, made.text
    desk.advance(timedelta(days=2))


def test_days_before_a_mark_are_recomputed_then_rebuilt(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    desk = Desk(client, database, clock)
    _history(desk)
    period = {"from": "2026-11-01", "to": "2027-01-01"}
    exact = {by: _values(desk, **period, by=by, exact=True) for by in ("day", "region")}
    with database.unit_of_work() as session:  # the rollups never saw that history
        session.execute(delete(KpiRollup))
        for code in ROLLED:
            session.add(KpiRollupMark(code=code, exact_before=clock.now() - timedelta(days=1)))
    _history(desk)  # later history, kept by the events
    for by in exact:
        _same(_values(desk, **period, by=by), _values(desk, **period, by=by, exact=True))
        assert _values(desk, **period, by=by) != exact[by]  # the later history counts too
    steps: list[tuple[int, int]] = []
    with database.unit_of_work() as session:
        written = rebuild.rebuild(
            session, clock_tz(), lambda done, total: steps.append((done, total))
        )
        assert written > 0
        assert session.scalar(select(func.count()).select_from(KpiRollupMark)) == 0
    assert steps and steps[-1][0] == steps[-1][1]
    for by in exact:
        _same(_values(desk, **period, by=by), _values(desk, **period, by=by, exact=True))
