"""The monthly or quarterly report (月度/季度报告) as data: every KPI against its target with
red/amber/green and the change against the period before, the station scorecards ranked, the
Pareto of problem categories and causes over the period, and the hotspot regions. The console
page, the HTML file and the e-mail all draw the same `MonthlyReport`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from closeloop.kpis import named_periods
from closeloop.kpis.catalogue import BY_CODE, CATALOGUE
from closeloop.kpis.named_periods import NamedPeriod
from closeloop.kpis.review import Review, weekly_review
from closeloop.kpis.scorecards import Scorecards, scorecards
from closeloop.kpis.targets import targets_on
from closeloop.kpis.values import kpi_values
from closeloop.runtime.work import Work

KINDS = ("month", "quarter")


@dataclass(frozen=True)
class KpiLine:
    """One KPI of the report: its value, the period before's, the target in force at the
    period's end and its colour."""

    code: str
    name: str
    unit: str
    direction: str
    value: float | None
    previous: float | None
    target: float | None
    rag: str | None

    @property
    def change(self) -> float | None:
        """Value minus the previous period's (None when either has no data)."""
        if self.value is None or self.previous is None:
            return None
        return round(self.value - self.previous, 6)

    @property
    def trend(self) -> str | None:
        """better, worse or same against the period before, in the KPI's direction."""
        change = self.change
        if change is None:
            return None
        if change == 0:
            return "same"
        up_is_good = self.direction == "higher"
        return "better" if (change > 0) == up_is_good else "worse"

    def as_dict(self) -> dict[str, Any]:
        """As the JSON and the templates read it."""
        return {
            "code": self.code,
            "name": self.name,
            "unit": self.unit,
            "value": self.value,
            "previous": self.previous,
            "change": self.change,
            "trend": self.trend,
            "target": self.target,
            "rag": self.rag,
        }


@dataclass(frozen=True)
class MonthlyReport:
    """A month's or a quarter's report beside the period before."""

    period: NamedPeriod
    previous: NamedPeriod
    language: str
    kpis: list[KpiLine]
    scorecards: Scorecards
    problems: Review

    @property
    def rag_counts(self) -> dict[str, int]:
        """How many KPIs are green, amber, red, and without data."""
        counts = {"green": 0, "amber": 0, "red": 0, "none": 0}
        for line in self.kpis:
            counts[line.rag or "none"] += 1
        return counts

    def as_dict(self) -> dict[str, Any]:
        """The whole report as plain data."""
        problems = self.problems.as_dict()
        return {
            "period": self.period.name,
            "kind": self.period.kind,
            "from": self.period.first.isoformat(),
            "to": self.period.until.isoformat(),
            "previous_period": self.previous.name,
            "rag_counts": self.rag_counts,
            "kpis": [line.as_dict() for line in self.kpis],
            "scorecards": self.scorecards.as_dict()["items"],
            "categories": problems["categories"],
            "causes": problems["causes"],
            "hotspots": problems["hotspots"],
        }


def parse_period(text: str, field: str | list[str | int] = "period") -> NamedPeriod:
    """A month `2026-11` or a quarter `2026-Q4`; 422 naming the field otherwise."""
    return named_periods.parse(text, field, KINDS)


def _values(work: Work, named: NamedPeriod) -> dict[str, float | None]:
    codes = [k.code for k in CATALOGUE]
    return {v.code: v.value for v in kpi_values(work.session, codes, named.period(work.tz), None)}


def _lines(work: Work, named: NamedPeriod, language: str) -> list[KpiLine]:
    now, before = _values(work, named), _values(work, named.previous())
    targets = targets_on(work.session, named.last)
    lines = []
    for kpi in CATALOGUE:
        current = targets[kpi.code].current if kpi.code in targets else None
        target = current.value if current else None
        value = now.get(kpi.code)
        rag = BY_CODE[kpi.code].rag(value, target)
        lines.append(KpiLine(kpi.code, kpi.name(language), kpi.unit, kpi.direction, value,
                             before.get(kpi.code), target, rag))  # fmt: skip
    return lines


def monthly_report(work: Work, named: NamedPeriod, language: str = "zh-CN") -> MonthlyReport:
    """The report of a month or a quarter (kpis.read)."""
    work.actor.require("kpis.read")
    if named.kind not in KINDS:
        named = parse_period(named.name)  # a week is refused, naming the field
    return MonthlyReport(
        period=named,
        previous=named.previous(),
        language=language,
        kpis=_lines(work, named, language),
        scorecards=scorecards(work, named, "station"),
        problems=weekly_review(work, named, language),
    )
