"""Staffing to a service level (人力测算): Erlang C, and Erlang A with customers' patience.

Pure functions. Erlang C (M/M/N) assumes nobody hangs up; Erlang A (M/M/N+M, Palm 1943,
Garnett–Mandelbaum–Reiman 2002) adds exponential patience with mean `patience` seconds.

Erlang A, exactly: the stationary distribution π of the birth–death chain (arrivals λ, service
μ·min(n, N), abandonment θ·max(n − N, 0)) gives, by PASTA, the state an arrival finds. An arrival
that finds n = N + k − 1 (k ≥ 1) waits at position k; its virtual wait V_k is a sum of
exponentials with rates Nμ + (i − 1)θ, i = 1…k, whose density is
c·e^(−Nμ v)·(1 − e^(−θv))^(k−1). It is answered within t when V_k ≤ t and its own patience
outlasts V_k, which integrates to s/(s + k) · (1 − I_{e^(−θt)}(s + 1, k)) with s = Nμ/θ and I
the regularised incomplete beta function; its mean wait when answered follows from the digamma
function. Service level = answered within t ÷ all arrivals (abandoned ones included); ASA is
the mean wait over answered contacts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import betainc, digamma, gammaln

# Truncate the queue where the stationary probabilities fall below this (relative) mass.
_TAIL = 1e-15
_MAX_AGENTS = 100_000


class StaffingInputError(ValueError):
    """An input to the Erlang formulas is out of range (names the field)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class Demand:
    """One interval's load and the service-level target (all times in seconds)."""

    contacts: float
    aht: float
    interval_seconds: float
    target_sl: float = 0.8
    target_seconds: float = 20.0
    patience: float | None = None

    def check(self) -> None:
        """Raise StaffingInputError naming the first field out of range."""
        if not math.isfinite(self.contacts) or self.contacts < 0:
            raise StaffingInputError("contacts", "must be a number ≥ 0")
        if not math.isfinite(self.aht) or self.aht <= 0:
            raise StaffingInputError("aht", "must be > 0 seconds")
        if not math.isfinite(self.interval_seconds) or self.interval_seconds <= 0:
            raise StaffingInputError("interval", "must be > 0 minutes")
        if not 0 < self.target_sl < 1:
            raise StaffingInputError("target_sl", "must be a fraction between 0 and 1")
        if not math.isfinite(self.target_seconds) or self.target_seconds < 0:
            raise StaffingInputError("target_seconds", "must be ≥ 0 seconds")
        if self.patience is not None and (not math.isfinite(self.patience) or self.patience <= 0):
            raise StaffingInputError("patience", "must be > 0 seconds")

    @property
    def erlangs(self) -> float:
        """The offered load A = λ·AHT in Erlangs."""
        return self.contacts * self.aht / self.interval_seconds


@dataclass(frozen=True)
class Performance:
    """What N agents achieve for a demand (fractions 0–1, seconds)."""

    agents: int
    service_level: float
    asa_seconds: float
    occupancy: float
    abandoned: float = 0.0


def _log_erlang_b_terms(load: float, agents: int) -> np.ndarray:
    """log(A^n / n!) for n = 0…agents."""
    n = np.arange(agents + 1, dtype=float)
    logs: np.ndarray = n * math.log(load) - gammaln(n + 1)
    return logs


def erlang_c(demand: Demand, agents: int) -> Performance:
    """Erlang C performance of `agents` (an overloaded queue, N ≤ A, serves nobody in time)."""
    load = demand.erlangs
    if load == 0:
        return Performance(agents, 1.0, 0.0, 0.0)
    if agents <= load:
        return Performance(agents, 0.0, math.inf, 1.0)
    # Erlang B by its stable recursion, then C from B.
    b = 1.0
    for n in range(1, agents + 1):
        b = load * b / (n + load * b)
    wait = agents * b / (agents - load * (1 - b))
    rate = (agents - load) / demand.aht
    sl = 1 - wait * math.exp(-rate * demand.target_seconds)
    return Performance(agents, sl, wait / rate, load / agents)


def _queue_tail(lam: float, service: float, theta: float, log_top: float) -> np.ndarray:
    """log π_{N+j} − log π_0 for j = 1… until negligible (abandonment makes it finite)."""
    chunks: list[np.ndarray] = []
    start, last, peak = 1, log_top, log_top
    while True:
        j = np.arange(start, start + 4096, dtype=float)
        logs = last + np.cumsum(math.log(lam) - np.log(service + j * theta))
        chunks.append(logs)
        peak = max(peak, float(logs.max()))
        last = float(logs[-1])
        if last < peak + math.log(_TAIL) and logs[-1] <= logs[0]:
            break
        start += 4096
    tail = np.concatenate(chunks)
    keep = tail >= peak + math.log(_TAIL) - 20
    return tail[: int(np.max(np.nonzero(keep))) + 1]


def erlang_a(demand: Demand, agents: int) -> Performance:
    """Erlang A (Palm/Garnett) performance of `agents` for customers of mean `patience`."""
    if demand.patience is None:
        raise StaffingInputError("patience", "Erlang A needs the customers' mean patience")
    load = demand.erlangs
    if load == 0:
        return Performance(agents, 1.0, 0.0, 0.0)
    if agents == 0:
        return Performance(0, 0.0, math.inf, 0.0, 1.0)
    lam, mu, theta = demand.contacts / demand.interval_seconds, 1 / demand.aht, 1 / demand.patience
    head = _log_erlang_b_terms(load, agents)  # states 0…N
    tail = _queue_tail(lam, agents * mu, theta, float(head[-1]))  # states N+1…
    logs = np.concatenate([head, tail])
    weights = np.exp(logs - logs.max())
    pi = weights / weights.sum()
    immediate = float(pi[:agents].sum())
    waiting = pi[agents:]  # an arrival finding N + k − 1 waits at position k
    k = np.arange(1, waiting.size + 1, dtype=float)
    s = agents * mu / theta
    answered_if_waiting = s / (s + k)
    within = answered_if_waiting * (1 - betainc(s + 1, k, math.exp(-theta * demand.target_seconds)))
    answered = immediate + float(waiting @ answered_if_waiting)
    mean_wait_answered = answered_if_waiting * (digamma(s + k + 1) - digamma(s + 1)) / theta
    asa = float(waiting @ mean_wait_answered) / answered if answered > 0 else math.inf
    return Performance(
        agents,
        service_level=min(1.0, immediate + float(waiting @ within)),
        asa_seconds=asa,
        occupancy=min(1.0, load * answered / agents),
        abandoned=max(0.0, 1 - answered),
    )


def performance(demand: Demand, agents: int) -> Performance:
    """Erlang A when the demand has a patience, else Erlang C."""
    return erlang_c(demand, agents) if demand.patience is None else erlang_a(demand, agents)


def _meets(demand: Demand, agents: int) -> bool:
    return performance(demand, agents).service_level >= demand.target_sl - 1e-12


def fewest_agents(demand: Demand) -> Performance:
    """The fewest agents whose service level reaches the target, with what they achieve."""
    demand.check()
    if demand.erlangs == 0:
        return Performance(0, 1.0, 0.0, 0.0)
    low = math.floor(demand.erlangs) + 1 if demand.patience is None else 1
    if _meets(demand, low):
        return performance(demand, low)
    high = low + 1 + int(4 * math.sqrt(demand.erlangs)) + 4
    while not _meets(demand, high):
        low, high = high, high * 2
        if high > _MAX_AGENTS:
            raise StaffingInputError("contacts", "needs more than 100,000 agents")
    while high - low > 1:  # service level rises with agents: bisect
        middle = (low + high) // 2
        low, high = (low, middle) if _meets(demand, middle) else (middle, high)
    return performance(demand, high)


def scheduled_agents(agents: int, shrinkage: float) -> int:
    """Agents to schedule so that `agents` are on the phones after shrinkage: ⌈N ÷ (1 − s)⌉."""
    if not 0 <= shrinkage < 1:
        raise StaffingInputError("shrinkage", "must be a fraction in [0, 1)")
    # round first so that 7 / 0.7 is 10, not 11, despite binary floating point
    return math.ceil(round(agents / (1 - shrinkage), 9))


def staff_day(demands: Sequence[Demand], shrinkage: float = 0.0) -> list[tuple[Performance, int]]:
    """Each interval's fewest agents and agents to schedule."""
    plans = []
    for demand in demands:
        found = fewest_agents(demand)
        plans.append((found, scheduled_agents(found.agents, shrinkage)))
    return plans
