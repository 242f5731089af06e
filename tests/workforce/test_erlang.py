"""Erlang C and Erlang A staffing against textbook values, pyworkforce and an independent
Markov-chain computation; monotonicity by hypothesis."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyworkforce.queuing import ErlangC
from scipy.linalg import expm

from closeloop.workforce.erlang import (
    Demand,
    StaffingInputError,
    erlang_a,
    erlang_c,
    fewest_agents,
    scheduled_agents,
    staff_day,
)


def test_textbook_case_100_calls_in_half_an_hour_of_three_minutes_needs_14_agents() -> None:
    # 10 Erlangs, 80 % in 20 s: the classic worked example (11 → 39.8 %, 14 → 88.8 %)
    demand = Demand(contacts=100, aht=180, interval_seconds=1800, target_sl=0.8)
    assert erlang_c(demand, 11).service_level == pytest.approx(0.3896, abs=1e-4)
    assert erlang_c(demand, 13).service_level == pytest.approx(0.7956, abs=1e-4)
    found = fewest_agents(demand)
    assert found.agents == 14
    assert found.service_level == pytest.approx(0.8884, abs=1e-4)
    assert found.asa_seconds == pytest.approx(7.84, abs=0.01)
    assert found.occupancy == pytest.approx(10 / 14)
    assert scheduled_agents(found.agents, 0.3) == 20


@pytest.mark.parametrize("contacts", [5, 40, 100, 333, 1200])
@pytest.mark.parametrize("aht", [60, 240, 600])
@pytest.mark.parametrize(("target", "seconds"), [(0.8, 20), (0.9, 15), (0.7, 60)])
def test_erlang_c_matches_pyworkforce(contacts: int, aht: int, target: float, seconds: int) -> None:
    ours = fewest_agents(Demand(contacts, aht, 1800, target, seconds))
    theirs = ErlangC(
        transactions=contacts, aht=aht / 60, asa=seconds / 60, interval=30, shrinkage=0.25
    ).required_positions(target)
    assert ours.agents == theirs["raw_positions"]
    assert ours.service_level == pytest.approx(theirs["service_level"], abs=1e-9)
    assert ours.occupancy == pytest.approx(theirs["occupancy"], abs=1e-9)
    assert scheduled_agents(ours.agents, 0.25) == theirs["positions"]


def test_erlang_a_tends_to_erlang_c_as_patience_grows() -> None:
    patient = Demand(100, 180, 1800, 0.8, 20, patience=1e8)
    for agents in (11, 12, 14, 18):
        a, c = erlang_a(patient, agents), erlang_c(Demand(100, 180, 1800, 0.8, 20), agents)
        assert a.service_level == pytest.approx(c.service_level, abs=1e-5)
        assert a.asa_seconds == pytest.approx(c.asa_seconds, rel=1e-4)
        assert a.abandoned < 1e-5


def _markov_chain_reference(demand: Demand, agents: int) -> tuple[float, float]:
    """Service level and abandonment by brute force: the truncated chain's stationary vector
    by linear algebra, and each waiting position's chance of being answered within the target
    by the matrix exponential of the tagged customer's chain."""
    lam, mu = demand.contacts / demand.interval_seconds, 1 / demand.aht
    assert demand.patience is not None
    theta, size = 1 / demand.patience, agents + 400
    generator = np.zeros((size, size))
    for n in range(size - 1):
        generator[n, n + 1] = lam
        generator[n + 1, n] = mu * min(n + 1, agents) + theta * max(n + 1 - agents, 0)
    np.fill_diagonal(generator, -generator.sum(axis=1))
    system = np.vstack([generator.T, np.ones(size)])
    pi = np.linalg.lstsq(system, np.r_[np.zeros(size), 1.0], rcond=None)[0]
    positions = size - agents
    # tagged chain: states 1…K (position), K+1 served, K+2 abandoned
    tagged = np.zeros((positions + 2, positions + 2))
    for k in range(1, positions + 1):
        ahead = mu * agents + (k - 1) * theta
        tagged[k - 1, k - 2 if k > 1 else positions] = ahead
        tagged[k - 1, positions + 1] = theta
    np.fill_diagonal(tagged, -tagged.sum(axis=1))
    served = expm(tagged * demand.target_seconds)[:positions, positions]
    served_ever = expm(tagged * 1e5)[:positions, positions]
    waiting = pi[agents:]
    service_level = pi[:agents].sum() + waiting @ served
    abandoned = 1 - pi[:agents].sum() - waiting @ served_ever
    return float(service_level), float(abandoned)


@pytest.mark.parametrize(
    ("contacts", "aht", "patience", "agents"),
    [(100, 180, 120, 10), (100, 180, 120, 12), (60, 300, 60, 9), (30, 200, 300, 3)],
)
def test_erlang_a_matches_the_markov_chain(
    contacts: int, aht: int, patience: int, agents: int
) -> None:
    demand = Demand(contacts, aht, 1800, 0.8, 20, patience=patience)
    ours = erlang_a(demand, agents)
    sl, abandoned = _markov_chain_reference(demand, agents)
    assert ours.service_level == pytest.approx(sl, abs=1e-7)
    assert ours.abandoned == pytest.approx(abandoned, abs=1e-7)


def test_erlang_a_serves_an_overloaded_queue_because_people_hang_up() -> None:
    demand = Demand(100, 180, 1800, 0.8, 20, patience=60)
    eight = erlang_a(demand, 8)  # 10 Erlangs on 8 agents: Erlang C would be unstable
    assert 0 < eight.service_level < 0.8
    assert 0.1 < eight.abandoned < 1
    assert erlang_c(Demand(100, 180, 1800), 8).service_level == 0
    assert fewest_agents(demand).agents <= fewest_agents(Demand(100, 180, 1800)).agents


def test_no_contacts_needs_no_agents() -> None:
    assert fewest_agents(Demand(0, 180, 1800)).agents == 0
    assert fewest_agents(Demand(0, 180, 1800, patience=30)).agents == 0


@pytest.mark.parametrize(
    ("demand", "field"),
    [
        (Demand(-1, 180, 1800), "contacts"),
        (Demand(10, 0, 1800), "aht"),
        (Demand(10, 180, 0), "interval"),
        (Demand(10, 180, 1800, target_sl=1.2), "target_sl"),
        (Demand(10, 180, 1800, patience=-5), "patience"),
    ],
)
def test_bad_input_names_the_field(demand: Demand, field: str) -> None:
    with pytest.raises(StaffingInputError) as raised:
        fewest_agents(demand)
    assert raised.value.field == field


def test_shrinkage_rounds_up_and_is_checked() -> None:
    assert scheduled_agents(7, 0.3) == 10
    assert scheduled_agents(14, 0.3) == 20
    assert scheduled_agents(11, 0.35) == math.ceil(11 / 0.65)
    with pytest.raises(StaffingInputError):
        scheduled_agents(3, 1.0)


def test_a_day_of_intervals() -> None:
    demands = [Demand(c, 240, 1800) for c in (0, 20, 200)]
    plans = staff_day(demands, shrinkage=0.2)
    assert [p.agents for p, _ in plans] == [fewest_agents(d).agents for d in demands]
    assert plans[0][0].agents == 0 < plans[1][0].agents < plans[2][0].agents
    assert [s for _, s in plans] == [scheduled_agents(p.agents, 0.2) for p, _ in plans]


loads = st.floats(min_value=0.5, max_value=600)
ahts = st.floats(min_value=20, max_value=900)
patiences = st.one_of(st.none(), st.floats(min_value=5, max_value=1200))


@settings(max_examples=60, deadline=None)
@given(contacts=loads, aht=ahts, patience=patiences, extra=st.integers(0, 5))
def test_service_level_rises_and_asa_falls_with_agents(
    contacts: float, aht: float, patience: float | None, extra: int
) -> None:
    demand = Demand(contacts, aht, 1800, 0.8, 20, patience=patience)
    found = fewest_agents(demand)
    assert found.service_level >= 0.8 - 1e-9
    if found.agents > 1:
        fewer = (
            erlang_c(demand, found.agents - 1)
            if patience is None
            else erlang_a(demand, found.agents - 1)
        )
        assert fewer.service_level < 0.8
    more = (erlang_c if patience is None else erlang_a)(demand, found.agents + extra + 1)
    assert more.service_level >= found.service_level - 1e-12
    assert more.asa_seconds <= found.asa_seconds + 1e-9
    assert 0 <= found.occupancy <= 1


@settings(max_examples=60, deadline=None)
@given(contacts=loads, more=st.floats(0, 300), aht=ahts, patience=patiences)
def test_more_contacts_never_need_fewer_agents(
    contacts: float, more: float, aht: float, patience: float | None
) -> None:
    few = fewest_agents(Demand(contacts, aht, 1800, patience=patience)).agents
    many = fewest_agents(Demand(contacts + more, aht, 1800, patience=patience)).agents
    assert many >= few


@settings(max_examples=40, deadline=None)
@given(contacts=loads, aht=ahts, stricter=st.floats(0.0, 0.15))
def test_a_stricter_target_never_needs_fewer_agents(
    contacts: float, aht: float, stricter: float
) -> None:
    loose = fewest_agents(Demand(contacts, aht, 1800, 0.8, 20)).agents
    strict = fewest_agents(Demand(contacts, aht, 1800, 0.8 + stricter, 20)).agents
    assert strict >= loose
