"""The KPI report's rows: values beside their names, targets and red/amber/green."""

from __future__ import annotations

from typing import Any

from closeloop.kpis.catalogue import BY_CODE
from closeloop.kpis.periods import Period
from closeloop.kpis.targets import targets_on
from closeloop.kpis.values import Value, kpi_values
from closeloop.runtime.work import Work


def report_rows(
    work: Work, codes: list[str], period: Period, by: str | None, language: str = "zh-CN"
) -> list[dict[str, Any]]:
    """Each value as a row of the report, with the target in force at the period's end."""
    work.actor.require("kpis.read")
    last_day = (period.end.astimezone(period.tz)).date()
    targets = targets_on(work.session, last_day)
    rows: list[dict[str, Any]] = []
    for v in kpi_values(work.session, codes, period, by):
        current = targets[v.code].current
        rows.append(row_of(v, current.value if current else None, language))
    return rows


def row_of(value: Value, target: float | None, language: str) -> dict[str, Any]:
    """One report row."""
    kpi = BY_CODE[value.code]
    return {
        **value.as_dict(),
        "name": kpi.name(language),
        "unit": kpi.unit,
        "target": target,
        "rag": kpi.rag(value.value, target),
    }
