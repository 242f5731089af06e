"""The monthly/quarterly report's content on two hand-built months: KPIs against their targets
and the month before, the scorecard ranking, the Pareto of problems and the hotspots."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from closeloop.config import Settings
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.kit.errors import InvalidInput
from closeloop.kpis.catalogue import CATALOGUE
from closeloop.kpis.cli import REPORT_ACTOR
from closeloop.kpis.monthly_report import KpiLine, MonthlyReport, monthly_report, parse_period
from closeloop.runtime.work import Work
from tests.kpis.scorecard_story import two_months
from tests.tickets.helpers import CATEGORY


def _report(database: Database, settings: Settings, period: str) -> MonthlyReport:
    with database.unit_of_work() as session:
        work = Work(session, settings, actor=REPORT_ACTOR)
        return monthly_report(work, parse_period(period), "en")


def test_february_against_january(
    client: TestClient, database: Database, clock: FixedClock, settings: Settings
) -> None:
    two_months(client, database, clock)
    report = _report(database, settings, "2027-02")
    assert (report.period.name, report.previous.name) == ("2027-02", "2027-01")
    lines = {line.code: line for line in report.kpis}
    assert list(lines) == [k.code for k in CATALOGUE]
    # one of two callbacks satisfied in February, both in January: worse by half
    callback = lines["callback_satisfaction"]
    assert (callback.value, callback.previous, callback.change) == (0.5, 1.0, -0.5)
    assert callback.trend == "worse" and callback.rag == "red"
    sla = lines["sla_attainment"]
    assert (sla.value, sla.previous, sla.trend) == (0.5, 0.5, "same")
    assert lines["csat"].value is None and lines["csat"].rag is None  # no data, never 0
    counts = report.rag_counts
    assert sum(counts.values()) == len(CATALOGUE) and counts["none"] >= 1
    # field kept its time limits in February and wireless did not: field first
    ranks = [(c.unit, c.rank) for c in report.scorecards.cards]
    assert ranks == [("field", 1), ("wireless", 2)]
    assert report.scorecards.cards[0].rank_change == 1
    data = report.as_dict()
    assert (data["categories"]["total"], data["categories"]["previous_total"]) == (2, 2)
    assert data["categories"]["items"][0]["key"] == CATEGORY
    assert data["kpis"][0]["name"] == CATALOGUE[0].name_en


def test_a_quarter_against_the_quarter_before(
    client: TestClient, database: Database, clock: FixedClock, settings: Settings
) -> None:
    two_months(client, database, clock)
    report = _report(database, settings, "2027-Q1")
    assert (report.period.kind, report.previous.name) == ("quarter", "2026-Q4")
    data = report.as_dict()
    assert data["categories"]["total"] == 4  # both months' tickets
    callback = next(line for line in report.kpis if line.code == "callback_satisfaction")
    assert callback.value == 0.75


def test_the_trend_follows_the_kpis_direction() -> None:
    lower = KpiLine("misroute_rate", "m", "ratio", "lower", 0.1, 0.2, 0.05, "red")
    higher = KpiLine("fcr", "f", "ratio", "higher", 0.1, 0.2, 0.7, "red")
    assert (lower.trend, higher.trend) == ("better", "worse")


@pytest.mark.parametrize("text", ["2026-W49", "2026-13", "soon", ""])
def test_only_a_month_or_a_quarter_is_a_report_period(text: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_period(text, ["query", "period"])
    assert raised.value.detail.startswith("query.period:") and "2026-Q4" in raised.value.detail
