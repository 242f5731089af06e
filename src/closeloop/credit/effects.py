"""What a ladder move does to one customer: the profile's step and line, the step's action
(remind, collect, legal), the line's work order, restoration, the timeline and the audit log."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import update
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.care.outbox import Notice
from closeloop.credit import notices
from closeloop.credit.batch import Batch
from closeloop.credit.ladder import Move
from closeloop.credit.models import CreditAction, CreditEvent, CreditProfile
from closeloop.credit.policy import LINE_ORDER
from closeloop.credit.work_orders import LADDER_ACTOR, STATUS_NAMES
from closeloop.runtime.work import Work

ACTION_NAMES = {
    "remind": "催缴提醒",
    "restrict": "限制呼出",
    "suspend": "停机",
    "collect": "催收",
    "legal": "法律追缴",
}


@dataclass(frozen=True)
class Situation:
    """One customer as the run found them."""

    customer_id: int
    msisdn: str
    arrears: Decimal
    due: str | None  # the oldest undisputed unpaid bill's due date (YYYY-MM-DD)
    period: str | None
    line_status: str


class Tally(Counter[str]):
    """What a run did, by kind (`remind`, `restricted`, `restored`, `tickets`, …)."""


def _event(work: Work, customer_id: int, kind: str, title: str) -> None:
    work.session.add(CreditEvent(customer_id=customer_id, at=work.now(), kind=kind, title=title))


def _take_action(work: Work, who: Situation, move: Move, batch: Batch, tally: Tally) -> None:
    policy = batch.policy
    step = policy.step(move.step)
    assert step is not None and move.period is not None
    action = CreditAction(
        customer_id=who.customer_id,
        period=move.period,
        step=step.step,
        action=step.action,
        taken_at=work.now(),
        arrears=who.arrears,
        ticket_id=None,
    )
    work.session.add(action)
    customer = (who.customer_id, who.msisdn)
    if step.action == "remind":
        text = notices.reminder_text(who.arrears, move.period, who.due or "")
        key = f"arrears_reminder:{who.customer_id}:{move.period}:{step.step}"
        notice = Notice(
            notices.ARREARS_REMINDER, text, work.now(), period=move.period, dedup_key=key
        )
        batch.remind(customer, notice)
    elif step.action in ("collect", "legal"):
        batch.order(step.action, customer, move.period, who.arrears, "high", action)
        tally["tickets"] += 1
    tally[step.action] += 1
    _event(
        work, who.customer_id, "step",
        f"欠费处置第{step.step}步：{ACTION_NAMES[step.action]}（{move.period}账单，"
        f"逾期欠费{who.arrears:.2f}元）",
    )  # fmt: skip


def _change_line(work: Work, who: Situation, move: Move, batch: Batch, tally: Tally) -> None:
    before, after = who.line_status, move.line_status
    if before == after:
        return
    worse = LINE_ORDER[after] > LINE_ORDER[before]
    kind = after if worse else "restore"
    batch.order(
        kind, (who.customer_id, who.msisdn), move.period, who.arrears,
        "high" if worse else "urgent",
    )  # fmt: skip
    tally["tickets"] += 1
    tally[after if worse else "restored"] += 1
    _event(
        work, who.customer_id, "line",
        f"号码状态：{STATUS_NAMES[before]} → {STATUS_NAMES[after]}",
    )  # fmt: skip
    if after == "active":
        notices.send(
            work.session, who.customer_id, who.msisdn, notices.SERVICE_RESTORED,
            notices.RESTORED_TEXT, work.now(), None,
            f"service_restored:{who.customer_id}:{work.now().isoformat()}",
        )  # fmt: skip


def apply(work: Work, who: Situation, move: Move, batch: Batch, tally: Tally) -> None:
    """Take the customer to `move`: profile, action, line work order, restoration, audit (the
    work orders and reminders are gathered in `batch`, done when the run flushes it)."""
    session: Session = work.session
    session.execute(
        update(CreditProfile)
        .where(CreditProfile.customer_id == who.customer_id)
        .values(
            step=move.step,
            step_period=move.period,
            line_status=move.line_status,
            updated_at=work.now(),
        )
    )
    if move.act:
        _take_action(work, who, move, batch, tally)
    _change_line(work, who, move, batch, tally)
    if move.cleared:
        session.execute(
            update(CreditAction)
            .where(CreditAction.customer_id == who.customer_id, CreditAction.recovered_at.is_(None))
            .values(recovered_at=work.now())
        )
        _event(work, who.customer_id, "cleared", "欠费已结清，欠费处置阶梯清零")
        tally["cleared"] += 1
    audit.record(
        session, LADDER_ACTOR, "credit.step", "customer", who.customer_id,
        f"step {move.step} period {move.period} line {move.line_status}", clock=work.clock,
    )  # fmt: skip
