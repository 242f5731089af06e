"""The contract's eight KPIs (CONTRACT.md §8) computed the way an outside check would: from the
tickets' histories and breaches as the API shows them, in plain Python."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

ACTIONS = {"resolve", "escalate", "dispatch", "accept", "return", "hold", "resume", "reply",
           "callback", "cancel", "reopen"}  # fmt: skip
Ratio = tuple[float, float]


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _in(at: str, start: datetime, end: datetime) -> bool:
    return start <= _t(at) < end


def _acts(ticket: dict[str, Any]) -> list[dict[str, Any]]:
    return [h for h in ticket["history"] if h["action"] in ACTIONS]


def _is_close(h: dict[str, Any]) -> bool:
    return h["action"] in ACTIONS and h["to_status"] == "closed"


def _is_back(h: dict[str, Any]) -> bool:
    return h["to_status"] == "expert" and h["from_status"] in ("replied", "closed")


def reference(
    tickets: Iterable[dict[str, Any]], start: datetime, end: datetime, customers: int
) -> dict[str, Ratio]:
    """(numerator, denominator) of each contract KPI over [start, end)."""
    sums: dict[str, list[float]] = {
        code: [0.0, 0.0]
        for code in ("fcr", "preprocessing_rate", "misroute_rate", "reopen_rate",
                     "callback_satisfaction", "complaints_per_10k", "sla_attainment",
                     "avg_resolution_hours")
    }  # fmt: skip
    for t in tickets:
        _one_ticket(t, start, end, sums)
    sums["complaints_per_10k"][1] = customers
    return {code: (n, d) for code, (n, d) in sums.items()}


def _one_ticket(
    t: dict[str, Any], start: datetime, end: datetime, sums: dict[str, list[float]]
) -> None:
    acts = _acts(t)
    if _in(t["created_at"], start, end):
        sums["fcr"][1] += 1
        first = acts[0] if acts else None
        if first and first["action"] == "resolve" and first["from_status"] == "new":
            sums["fcr"][0] += 1
        if t["type"] == "complaint":
            sums["complaints_per_10k"][0] += 10000
    stay: tuple[str, datetime] | None = None
    for i, h in enumerate(t["history"]):
        if _in(h["at"], start, end):
            _entry(t, h, t["history"][:i], stay, sums)
        if h["action"] == "dispatch":
            stay = (h["station"], _t(h["at"]))


def _late(t: dict[str, Any], stay: tuple[str, datetime], at: datetime) -> bool:
    station, began = stay
    return any(
        b["stage"] == "work" and b["station"] == station and _t(b["due_at"]) > began
        and _t(b["detected_at"]) <= at
        for b in t["breaches"]
    )  # fmt: skip


def _entry(
    t: dict[str, Any],
    h: dict[str, Any],
    before: list[dict[str, Any]],
    stay: tuple[str, datetime] | None,
    sums: dict[str, list[float]],
) -> None:
    sums["misroute_rate"][0] += h["action"] == "return"
    sums["misroute_rate"][1] += h["action"] == "dispatch"
    ends_stay = h["action"] in ("reply", "return") or (
        h["action"] == "dispatch" and h["from_status"] == "in_progress"
    )
    if ends_stay and stay is not None:
        sums["sla_attainment"][0] += not _late(t, stay, _t(h["at"]))
        sums["sla_attainment"][1] += 1
    sums["reopen_rate"][0] += _is_back(h)
    if h["action"] == "callback" and h["to_status"] != "replied":
        sums["callback_satisfaction"][1] += 1
        sums["callback_satisfaction"][0] += h["to_status"] == "closed"
    if _is_close(h):
        sums["reopen_rate"][1] += 1
        sums["preprocessing_rate"][1] += 1
        sums["preprocessing_rate"][0] += not any(p["action"] == "dispatch" for p in before)
        hours = (_t(h["at"]) - _t(t["created_at"])).total_seconds() / 3600
        sums["avg_resolution_hours"][0] += hours
        sums["avg_resolution_hours"][1] += 1
