"""Building a roster (排班): shifts for agents that cover the required agents per interval.

Pure (no database). Shift templates, breaks, skills (hotline, online, expert), availability and
rest rules are data; a CP-SAT model (Google OR-Tools) picks for every agent and day at most one
shift variant (a template with its break placed in the template's break window) and one of the
agent's skills, such that each skill's requirement is covered in every interval where it can be,
then with the least over-staffing, then with weekends shared fairly (the spread between the
agents with the most and the fewest weekend shifts). Shortfalls that no roster can avoid are
reported, never hidden.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import product

from ortools.sat.python import cp_model

SKILLS = ("hotline", "online", "expert")
# lexicographic weights: uncovered demand ≫ over-staffing ≫ unfair weekends
SHORT_WEIGHT, OVER_WEIGHT, FAIR_WEIGHT = 1_000_000, 1_000, 1


@dataclass(frozen=True)
class ShiftTemplate:
    """A shift: it starts `start` minutes after midnight and lasts `minutes`; its break of
    `break_minutes` starts between `break_earliest` and `break_latest` minutes into the shift."""

    code: str
    start: int
    minutes: int
    break_minutes: int = 0
    break_earliest: int = 0
    break_latest: int = 0


@dataclass(frozen=True)
class Agent:
    """Someone to roster: their skills, the days they cannot work, how many shifts at most."""

    username: str
    skills: tuple[str, ...] = ("hotline",)
    unavailable: frozenset[date] = frozenset()
    max_shifts: int | None = None


@dataclass(frozen=True)
class RestRules:
    """Minimum rest between two shifts and the most days worked in a row."""

    min_rest_minutes: int = 11 * 60
    max_days_in_row: int = 5


@dataclass(frozen=True)
class Problem:
    """What to roster: days, interval length, requirement[skill][day] per interval of the day
    (from midnight), templates, agents and rules."""

    days: tuple[date, ...]
    interval_minutes: int
    required: Mapping[str, Mapping[date, Sequence[int]]]
    templates: tuple[ShiftTemplate, ...]
    agents: tuple[Agent, ...]
    rules: RestRules = field(default_factory=RestRules)
    seconds: float = 5.0


@dataclass(frozen=True)
class Assignment:
    """One agent's shift on one day (minutes from that day's midnight)."""

    agent: str
    day: date
    shift: str
    skill: str
    start: int
    end: int
    break_start: int | None
    break_minutes: int


@dataclass(frozen=True)
class Roster:
    """The solver's roster and what it achieves."""

    status: str
    assignments: list[Assignment]
    covered: dict[str, dict[date, list[int]]]
    over: int
    short: int
    weekend_shifts: dict[str, int]


@dataclass(frozen=True)
class _Variant:
    template: ShiftTemplate
    break_start: int | None  # minutes into the day

    def slots(self, interval: int) -> set[int]:
        first, last = (
            self.template.start // interval,
            (self.template.start + self.template.minutes) // interval,
        )
        working = set(range(first, last))
        if self.break_start is not None:
            b = self.break_start // interval
            working -= set(range(b, b + max(1, self.template.break_minutes // interval)))
        return working


def _variants(templates: Sequence[ShiftTemplate], interval: int) -> list[_Variant]:
    found = []
    for t in templates:
        if not t.break_minutes:
            found.append(_Variant(t, None))
            continue
        for offset in range(t.break_earliest, t.break_latest + 1, interval):
            found.append(_Variant(t, t.start + offset))
    return found


def _rest_ok(first: ShiftTemplate, second: ShiftTemplate, rest: int) -> bool:
    """Whether `second` on the next day leaves enough rest after `first`."""
    return second.start + 24 * 60 - (first.start + first.minutes) >= rest


def _is_weekend(day: date) -> bool:
    return day.weekday() >= 5


Key = tuple[int, int, int, str]  # (agent, day, variant, skill)


def _total(variables: Sequence[cp_model.IntVar]) -> cp_model.LinearExpr:
    return cp_model.LinearExpr.sum(list(variables))


class _Model:
    """The CP-SAT model of one problem, built step by step."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.interval = problem.interval_minutes
        self.variants = _variants(problem.templates, self.interval)
        self.covers = [v.slots(self.interval) for v in self.variants]
        self.slots_per_day = 24 * 60 // self.interval
        self.model = cp_model.CpModel()
        self.x: dict[Key, cp_model.IntVar] = {}
        self.works: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = {}
        self.by_day_skill: dict[tuple[int, str], list[tuple[int, cp_model.IntVar]]] = {}
        self.short: list[cp_model.IntVar] = []
        self.over: list[cp_model.IntVar] = []

    def decisions(self) -> None:
        """One boolean per agent, available day, shift variant and skill of the agent."""
        p = self.problem
        for (a, agent), (d, day), v in product(
            enumerate(p.agents), enumerate(p.days), range(len(self.variants))
        ):
            for skill in agent.skills if day not in agent.unavailable else ():
                if skill in p.required:
                    var = self.model.new_bool_var(f"x{a}_{d}_{v}_{skill}")
                    self.x[a, d, v, skill] = var
                    self.works.setdefault((a, d), []).append((v, var))
                    self.by_day_skill.setdefault((d, skill), []).append((v, var))

    def _day(self, a: int, d: int) -> cp_model.LinearExpr:
        return _total([var for _v, var in self.works.get((a, d), [])])

    def agent_rules(self) -> None:
        """One shift a day, the agent's most shifts, days in a row and rest between shifts."""
        p, days = self.problem, range(len(self.problem.days))
        window = p.rules.max_days_in_row + 1
        for a, agent in enumerate(p.agents):
            for d in days:
                self.model.add_at_most_one(var for _v, var in self.works.get((a, d), []))
            if agent.max_shifts is not None:
                self.model.add(sum(self._day(a, d) for d in days) <= agent.max_shifts)
            for d in range(len(days) - window + 1):
                self.model.add(sum(self._day(a, e) for e in range(d, d + window)) <= window - 1)
        for (a, d), today in self.works.items():
            for (v, var), (v2, other) in product(today, self.works.get((a, d + 1), [])):
                first, second = self.variants[v].template, self.variants[v2].template
                if not _rest_ok(first, second, p.rules.min_rest_minutes):
                    self.model.add_bool_or([var.Not(), other.Not()])

    def coverage(self) -> None:
        """Each skill's agents per interval + shortfall − over-staffing = the requirement."""
        p = self.problem
        for (skill, by_day), (d, day) in product(p.required.items(), enumerate(p.days)):
            need = list(by_day.get(day, ()))
            candidates = self.by_day_skill.get((d, skill), [])
            for slot in range(self.slots_per_day):
                on = [var for v, var in candidates if slot in self.covers[v]]
                required = need[slot] if slot < len(need) else 0
                if not on and not required:
                    continue
                short = self.model.new_int_var(0, max(required, 0), f"short{skill}{d}_{slot}")
                over = self.model.new_int_var(0, len(p.agents), f"over{skill}{d}_{slot}")
                self.model.add(_total(on) + short - over == required)
                self.short.append(short)
                self.over.append(over)

    def fairness(self) -> cp_model.IntVar:
        """The spread of weekend shifts between the agents with the most and the fewest."""
        weekend = [d for d, day in enumerate(self.problem.days) if _is_weekend(day)]
        spread = self.model.new_int_var(0, len(weekend), "weekend_spread")
        if weekend and len(self.problem.agents) > 1:
            most = self.model.new_int_var(0, len(weekend), "weekend_most")
            least = self.model.new_int_var(0, len(weekend), "weekend_least")
            for a in range(len(self.problem.agents)):
                shifts = sum(self._day(a, d) for d in weekend)
                self.model.add(most >= shifts)
                self.model.add(least <= shifts)
            self.model.add(spread == most - least)
        return spread

    def roster(self, solver: cp_model.CpSolver, status: str) -> Roster:
        """Read the solution back as assignments and coverage."""
        p = self.problem
        assignments = []
        covered = {k: {day: [0] * self.slots_per_day for day in p.days} for k in p.required}
        for (a, d, v, k), var in self.x.items():
            if solver.value(var):
                variant, day = self.variants[v], p.days[d]
                t = variant.template
                assignments.append(
                    Assignment(
                        p.agents[a].username, day, t.code, k, t.start, t.start + t.minutes,
                        variant.break_start, t.break_minutes,
                    )
                )  # fmt: skip
                for slot in self.covers[v]:
                    covered[k][day][slot] += 1
        assignments.sort(key=lambda s: (s.day, s.start, s.agent))
        weekends = {agent.username: 0 for agent in p.agents}
        for s in assignments:
            weekends[s.agent] += _is_weekend(s.day)
        return Roster(
            status,
            assignments,
            covered,
            over=sum(solver.value(o) for o in self.over),
            short=sum(solver.value(s) for s in self.short),
            weekend_shifts=weekends,
        )


def solve(problem: Problem) -> Roster:
    """The roster with the fewest uncovered, then over-staffed, agent-intervals, then the
    fairest weekends."""
    built = _Model(problem)
    built.decisions()
    built.agent_rules()
    built.coverage()
    spread = built.fairness()
    built.model.minimize(
        SHORT_WEIGHT * _total(built.short) + OVER_WEIGHT * _total(built.over) + FAIR_WEIGHT * spread
    )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = problem.seconds
    solver.parameters.num_workers = 2
    status = solver.solve(built.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Roster(solver.status_name(status), [], {}, 0, 0, {})
    return built.roster(solver, solver.status_name(status))


def week_of(first: date, days: int = 7) -> tuple[date, ...]:
    """`days` consecutive dates from `first`."""
    return tuple(first + timedelta(days=i) for i in range(days))
