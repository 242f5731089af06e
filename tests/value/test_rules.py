"""Pure value rules: tiers from spend and tenure, behavioural groups, stages, RFM, CLV, effect."""

from __future__ import annotations

import numpy as np

from closeloop.value import rules
from closeloop.value.clv import lifetime_value, monthly_hazard
from closeloop.value.retention_effect import PRIOR_EFFECT, estimate
from closeloop.value.settings import DEFAULT_LIMITS, DEFAULT_TIERS


def history(**given: object) -> rules.History:
    base: dict[str, object] = {
        "tenure_months": 30, "spend": [100.0] * 12, "months_since_last_bill": 0,
        "late_bills": 0, "complaints": 0, "unsatisfied": 0,
    }  # fmt: skip
    base.update(given)
    return rules.History(**base)  # type: ignore[arg-type]


def test_tier_needs_both_spend_and_tenure() -> None:
    assert rules.tier(history(spend=[350.0] * 12), DEFAULT_TIERS) == "diamond"
    assert rules.tier(history(spend=[350.0] * 12, tenure_months=13), DEFAULT_TIERS) == "gold"
    assert rules.tier(history(spend=[90.0] * 12, tenure_months=7), DEFAULT_TIERS) == "silver"
    assert rules.tier(history(spend=[350.0] * 12, tenure_months=1), DEFAULT_TIERS) == "regular"
    # the mean of the last six bills counts, not older months
    assert rules.tier(history(spend=[900.0] * 6 + [10.0] * 6), DEFAULT_TIERS) == "regular"


def test_groups_by_the_operators_limits() -> None:
    shrinking = [100.0] * 9 + [60.0] * 3
    found = rules.groups(history(late_bills=2, complaints=1, unsatisfied=1, spend=shrinking),
                         DEFAULT_LIMITS)  # fmt: skip
    assert found == ["late_payer", "complainer", "shrinking"]
    assert rules.groups(history(spend=[100.0] * 9 + [130.0] * 3), DEFAULT_LIMITS) == ["growing"]
    assert rules.groups(history(), DEFAULT_LIMITS) == []


def test_lifecycle_stages() -> None:
    assert rules.stage(history(months_since_last_bill=2), DEFAULT_LIMITS) == "churned"
    assert rules.stage(history(tenure_months=2, spend=[50.0]), DEFAULT_LIMITS) == "onboarding"
    assert rules.stage(history(spend=[100.0] * 9 + [80.0] * 3), DEFAULT_LIMITS) == "decline"
    assert rules.stage(history(spend=[100.0] * 9 + [115.0] * 3), DEFAULT_LIMITS) == "growth"
    assert rules.stage(history(), DEFAULT_LIMITS) == "stable"
    assert rules.stage(history(spend=[100.0] * 4), DEFAULT_LIMITS) == "stable"  # no trend yet


def test_rfm_quintiles() -> None:
    r, f, m = rules.rfm(np.array([0.0, 0, 0, 5, 11]), np.array([12.0, 12, 6, 3, 1]), np.arange(5.0))
    assert r.tolist() == [5, 5, 5, 2, 1]  # paid this month = most recent
    assert f.tolist() == [5, 5, 3, 2, 1]
    assert m.tolist() == [1, 2, 3, 4, 5]


def test_clv_is_a_discounted_geometric_survival() -> None:
    hazard = monthly_hazard(np.array([0.271]), 3)
    assert abs(hazard[0] - 0.1) < 1e-3  # 1 − 0.9³ = 0.271
    value = lifetime_value(np.array([100.0]), np.array([0.0]), 3, horizon=12, discount=0.0)
    assert abs(value[0] - 1200) < 1e-6  # stays for sure: twelve bills
    risky, safe = lifetime_value(np.array([100.0, 100.0]), np.array([0.6, 0.05]), 3)
    assert 0 < risky < safe < 3600


def test_retention_effect_learns_from_outcomes() -> None:
    assert estimate(0, 0.0, 0).effect == PRIOR_EFFECT
    # 200 calls expected 100 leavers and 40 left: effect moves from the prior toward 0.6
    learnt = estimate(200, 100.0, 40).effect
    assert 0.5 < learnt < 0.6
    # the calls changed nothing: effect toward zero
    assert estimate(200, 100.0, 100).effect < 0.1
