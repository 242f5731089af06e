"""Hypothesis: any sequence of bills, payments and runs takes each customer to exactly the step
the policy gives (the step the oldest unpaid bill has reached, the line status of that step), and
each step's action is taken once per bill — the set-based SQL against the pure rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from closeloop.credit import ladder
from closeloop.credit.policy import DEFAULT
from closeloop.credit.scoring import Features, grade_of, rewarded, score
from closeloop.credit.scratch import spend_since
from tests.credit.conftest import Ledger
from tests.support.factories import Factory

START = date(2026, 2, 1)
MONTHS = ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05")
EDGES = sorted({s.after_days + d for s in DEFAULT.steps for d in (-1, 0, 1)} | {0})


def due_of(period: str) -> date:
    year, month = int(period[:4]), int(period[5:])
    return date(year, month + 1, 15)


@dataclass
class Bill:
    due: Decimal
    paid: Decimal = Decimal("0.00")
    paid_on: date | None = None


@dataclass
class Model:
    """The customer's bills as the test wrote them."""

    bills: dict[str, Bill] = field(default_factory=dict)
    actions: set[tuple[str, int]] = field(default_factory=set)

    def past_due(self, today: date) -> list[tuple[date, str, Bill]]:
        return sorted(
            (due_of(p), p, b) for p, b in self.bills.items() if due_of(p) < today and b.paid < b.due
        )

    def features(self, join: date, today: date) -> Features:
        late = [(p, b) for p, b in self.bills.items() if due_of(p) < today]
        recent = [b for p, b in self.bills.items() if p >= spend_since(today)]
        return Features(
            id_number=None,
            id_lines=0,
            join_date=join,
            due_bills=len(late),
            on_time=sum(
                1 for p, b in late if b.paid >= b.due and b.paid_on and b.paid_on <= due_of(p)
            ),
            arrears=sum((b.due - b.paid for _d, _p, b in self.past_due(today)), Decimal(0)),
            spend_sum=sum((b.due for b in recent), Decimal(0)),
            spend_bills=len(recent),
        )


operation = st.one_of(
    st.tuples(st.just("bill"), st.sampled_from(MONTHS), st.integers(1, 400)),
    st.tuples(st.just("pay"), st.sampled_from(MONTHS), st.sampled_from([25, 50, 100])),
    # runs land on the ladder's edges: a step's day, the day before and after
    st.tuples(st.just("run"), st.sampled_from(MONTHS), st.sampled_from(EDGES)),
)


@settings(
    max_examples=40,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(operation, min_size=1, max_size=10))
def test_any_sequence_reaches_exactly_the_policy_step_once(
    ops: list[tuple[str, str, int]], ledger: Ledger, factory: Factory
) -> None:
    join = date(2025, 6, 1)
    c = factory.customer(join_date=join.isoformat())
    model, today = Model(), START
    for kind, period, number in ops:
        if kind == "bill" and period not in model.bills:
            model.bills[period] = Bill(Decimal(number))
            ledger.bills(f"{c.msisdn},{period},{number}.00,0,{due_of(period)},")
        elif kind == "pay" and period in model.bills:
            bill = model.bills[period]
            bill.paid = (bill.due * number / 100).quantize(Decimal("0.01"))
            bill.paid_on = today if bill.paid >= bill.due else None
            paid_on = bill.paid_on.isoformat() if bill.paid_on else ""
            ledger.bills(f"{c.msisdn},{period},{bill.due},{bill.paid},{due_of(period)},{paid_on}")
        elif kind == "run":  # the clock never goes back
            today = max(today + timedelta(days=1), due_of(period) + timedelta(days=number))
            ledger.run(today.isoformat(), customer_ids=[int(c.id)])
            _check(ledger, c.id, model, join, today)


def _check(ledger: Ledger, customer_id: str, model: Model, join: date, today: date) -> None:
    points, _reasons = score(model.features(join, today), DEFAULT.scoring, today)
    grade = grade_of(DEFAULT, points)
    late = model.past_due(today)
    oldest = late[0] if late else None
    target = ladder.reached(
        DEFAULT, grade, rewarded(DEFAULT, grade, join, today), oldest[0] if oldest else None, today
    )
    step, line, stored_grade = ledger.profile(customer_id)
    assert stored_grade == grade
    if target is None or oldest is None:
        assert (step, line) == (None, "active")
    else:
        assert (step, line) == (target.step, ladder.line_status(DEFAULT, grade, target.step))
        model.actions.add((oldest[1], target.step))
    taken = [(period, number) for period, number, _action in ledger.actions(customer_id)]
    assert len(taken) == len(set(taken)), "a step was taken twice for one bill"
    assert set(taken) == model.actions
