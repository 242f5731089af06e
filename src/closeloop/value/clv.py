"""Customer lifetime value (客户终身价值) for monthly contractual bills.

Why a survival model and not BG/NBD: BG/NBD (and Pareto/NBD) are for non-contractual settings
where a customer's leaving is never seen and purchases come at random times. A telecom line is
contractual and discrete: one bill a month while the customer stays, and leaving is observed
(the bills stop). The fitting model is a discrete-time survival model of the months left: each
month a customer stays with probability 1 − h, so the expected bill of month t is
m · (1 − h)^t, discounted. Heterogeneity between customers — what the shifted-beta-geometric
model spreads with a beta distribution — comes here from the churn model: each customer's own
monthly hazard h is derived from their calibrated churn risk over the model's horizon.

Assumptions (checked by `benchmarks/value_clv.py` on held-out months): a customer's hazard is
constant over the horizon; their bill stays at the mean of their last six bills; margin is
the whole bill (operators multiply by their own margin); 1 % discount a month; 36 months.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float64]
HORIZON_MONTHS = 36
MONTHLY_DISCOUNT = 0.01


def monthly_hazard(risk: Vector, risk_months: int) -> Vector:
    """The constant monthly leaving probability that gives `risk` over `risk_months`."""
    risk = np.clip(risk, 0.0, 1.0 - 1e-9)
    return np.asarray(1.0 - (1.0 - risk) ** (1.0 / risk_months), dtype=float)


def expected_months(hazard: Vector, horizon: int) -> Vector:
    """Expected billed months of the next `horizon` (undiscounted)."""
    stay = 1.0 - hazard
    return np.asarray(stay * (1 - stay**horizon) / np.maximum(hazard, 1e-12), dtype=float)


def lifetime_value(
    monthly_spend: Vector,
    risk: Vector,
    risk_months: int,
    horizon: int = HORIZON_MONTHS,
    discount: float = MONTHLY_DISCOUNT,
) -> Vector:
    """Discounted expected bills over the horizon: Σₜ m · ((1 − h)/(1 + d))ᵗ, t = 1…horizon."""
    q = (1.0 - monthly_hazard(risk, risk_months)) / (1.0 + discount)
    near_one = np.abs(1.0 - q) < 1e-12  # no leaving and no discount: every month's bill
    safe = np.where(near_one, 0.5, q)
    months = np.where(near_one, float(horizon), safe * (1 - safe**horizon) / (1 - safe))
    return np.asarray(monthly_spend * months, dtype=float)
