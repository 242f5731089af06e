"""Balanced scorecards (平衡计分卡): each unit's KPIs against their targets, weighted by the
unit's weights (`weights.py`), scored (`scoring.py`), ranked, beside the period before."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from closeloop.kit.errors import InvalidInput
from closeloop.kpis import scoring
from closeloop.kpis.catalogue import BY_CODE
from closeloop.kpis.named_periods import NamedPeriod
from closeloop.kpis.targets import targets_on
from closeloop.kpis.values import kpi_values
from closeloop.kpis.weights import Weight, all_weights, weights_of
from closeloop.runtime.work import Work

UNITS = ("station", "region", "channel", "category", "agent")


@dataclass(frozen=True)
class Line:
    """One KPI on a unit's card."""

    code: str
    perspective: str
    weight: float
    value: float | None
    target: float | None
    achievement: float | None

    def as_dict(self) -> dict[str, Any]:
        """As the API writes it."""
        points = None if self.achievement is None else round(self.achievement * 100, 2)
        return {
            "code": self.code,
            "perspective": self.perspective,
            "weight": self.weight,
            "value": self.value,
            "target": self.target,
            "achievement": self.achievement,
            "points": points,
        }


@dataclass(frozen=True)
class Card:
    """A unit's scorecard for a period, its rank, and the previous period's."""

    unit: str
    score: float | None
    coverage: float
    rank: int | None
    previous_score: float | None
    previous_rank: int | None
    lines: list[Line] = field(default_factory=list)

    @property
    def rank_change(self) -> int | None:
        """Places moved up since the previous period (negative: down)."""
        return scoring.rank_change(self.rank, self.previous_rank)

    def as_dict(self) -> dict[str, Any]:
        """As the API writes it."""
        change = None
        if self.score is not None and self.previous_score is not None:
            change = round(self.score - self.previous_score, 2)
        return {
            "unit": self.unit,
            "score": self.score,
            "coverage": self.coverage,
            "rank": self.rank,
            "previous_score": self.previous_score,
            "previous_rank": self.previous_rank,
            "score_change": change,
            "rank_change": self.rank_change,
            "kpis": [line.as_dict() for line in self.lines],
        }


@dataclass(frozen=True)
class Scorecards:
    """Every unit's card for a period, best first."""

    unit: str
    period: NamedPeriod
    previous: NamedPeriod
    cards: list[Card]

    def as_dict(self) -> dict[str, Any]:
        """As the API writes it."""
        return {
            "period": self.period.name,
            "from": self.period.first.isoformat(),
            "to": self.period.until.isoformat(),
            "previous_period": self.previous.name,
            "unit": self.unit,
            "items": [c.as_dict() for c in self.cards],
        }


def parse_unit(text: str | None, field: str = "unit") -> str:
    """The kind of unit scored (station by default); 422 for any other word."""
    if not text:
        return "station"
    if text not in UNITS:
        raise InvalidInput.field(["query", field], f"must be one of {', '.join(UNITS)}")
    return text


Table = dict[str, dict[str, float | None]]  # unit → code → value


def _values(work: Work, codes: list[str], named: NamedPeriod, unit: str) -> Table:
    found: Table = {}
    for v in kpi_values(work.session, codes, named.period(work.tz), unit):
        if v.group is not None and v.value is not None:
            found.setdefault(v.group, {})[v.code] = v.value
    return found


def _lines(
    weights: list[Weight], values: dict[str, float | None], targets: dict[str, float | None]
) -> list[Line]:
    lines = []
    for w in weights:
        kpi = BY_CODE[w.code]
        value, target = values.get(w.code), targets.get(w.code)
        lines.append(Line(w.code, w.perspective, w.weight, value, target,
                          scoring.achievement(kpi.direction, value, target)))  # fmt: skip
    return lines


def _targets(session: Session, named: NamedPeriod) -> dict[str, float | None]:
    found = targets_on(session, named.last)
    return {code: (t.current.value if t.current else None) for code, t in found.items()}


def _scores(
    table: dict[str, list[Weight]], values: Table, targets: dict[str, float | None]
) -> dict[str, tuple[scoring.Score, list[Line]]]:
    found = {}
    for unit, figures in values.items():
        lines = _lines(weights_of(table, unit), figures, targets)
        parts = [scoring.Weighted(line.weight, line.achievement) for line in lines]
        found[unit] = (scoring.score(parts), lines)
    return found


def scorecards(work: Work, named: NamedPeriod, unit: str = "station") -> Scorecards:
    """Every unit's card for the period and the one before, ranked best first."""
    work.actor.require("kpis.read")
    table = all_weights(work.session)
    codes = sorted({w.code for ws in table.values() for w in ws} or {"sla_attainment"})
    before = named.previous()
    now = _scores(table, _values(work, codes, named, unit), _targets(work.session, named))
    then = _scores(table, _values(work, codes, before, unit), _targets(work.session, before))
    now_ranks = scoring.ranks({u: s.score for u, (s, _) in now.items()})
    then_ranks = scoring.ranks({u: s.score for u, (s, _) in then.items()})
    cards = []
    for key in sorted(set(now) | set(then)):
        score, lines = now.get(key) or (scoring.Score(None, 0.0), [])
        if not lines:
            lines = _lines(weights_of(table, key), {}, _targets(work.session, named))
        previous = then[key][0].score if key in then else None
        cards.append(Card(key, score.score, score.coverage, now_ranks.get(key),
                          previous, then_ranks.get(key), lines))  # fmt: skip
    cards.sort(key=lambda c: (c.rank is None, c.rank or 0, c.unit))
    return Scorecards(unit, named, before, cards)
