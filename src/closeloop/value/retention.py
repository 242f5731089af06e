"""Retention work (挽留): tasks for callback agents with a script, and their outcomes.

The best candidates (risk × CLV × the learnt effect) without an open task become tasks; an
agent records kept, left or declined, which feeds `retention_effect` (the uplift estimate).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.kit.errors import Conflict, InvalidInput, NotFound
from closeloop.runtime.work import Work
from closeloop.value.models import CustomerValue, RetentionTask

OUTCOMES = ("kept", "left", "declined")
# what an agent says about each reason (churn model features), Chinese first
REASON_WORDS: dict[str, tuple[str, str]] = {
    "late_bills": ("多次逾期缴费", "介绍自动缴费与缴费提醒"),
    "arrears": ("有欠费", "说明分期缴清与信用奖励"),
    "trend": ("消费明显下降", "推荐更合适的套餐"),
    "monthly_spend": ("月消费水平", "核对套餐是否匹配用量"),
    "last_bill": ("最近一期账单", "解释账单明细"),
    "complaints_90d": ("近90天有投诉", "先致歉并确认投诉已解决"),
    "unsatisfied_90d": ("回访不满意", "了解不满意原因并跟进"),
    "tickets_90d": ("近90天工单较多", "确认问题已彻底解决"),
    "tenure_months": ("网龄", "感谢长期支持，介绍老客户权益"),
    "months_billed": ("在网月数", "介绍在网权益"),
    "plan_fee": ("套餐月费", "比较同档位套餐"),
}


def script_for(risk: float, reasons: list[dict[str, Any]]) -> str:
    """The call script: greet, name the risk's reasons, offer what answers each."""
    lines = [f"您好，我是客服回访专员。（流失风险 {risk:.0%}）"]
    for reason in reasons:
        said, offer = REASON_WORDS.get(str(reason["feature"]), (str(reason["feature"]), ""))
        lines.append(f"· {said}（{reason['value']}）：{offer}")
    lines.append("记录结果：留住(kept) / 已离网(left) / 拒绝(declined)。")
    return "\n".join(lines)


def offer_tasks(session: Session, work: Work, limit: int) -> int:
    """Open tasks for the best candidates that have none open; how many were opened."""
    open_for = select(RetentionTask.customer_id).where(RetentionTask.status == "open")
    best = session.scalars(
        select(CustomerValue)
        .where(
            CustomerValue.lifecycle_stage != "churned",
            CustomerValue.expected_value > 0,
            CustomerValue.customer_id.not_in(open_for),
        )
        .order_by(CustomerValue.expected_value.desc(), CustomerValue.customer_id)
        .limit(limit)
    ).all()
    for value in best:
        task = RetentionTask(
            customer_id=value.customer_id,
            created_at=work.now(),
            churn_risk=value.churn_risk,
            clv=value.clv,
            expected_value=value.expected_value,
            reasons=value.churn_factors,
            script=script_for(value.churn_risk, value.churn_factors),
            status="open",
            note="",
        )
        session.add(task)
        session.flush()
        audit.record(session, work.actor, "retention.offer", "retention_task", task.id,
                     f"customer {value.customer_id}", clock=work.clock)  # fmt: skip
    return len(best)


def record_outcome(session: Session, work: Work, task_id: int, outcome: str, note: str) -> None:
    """Record what came of a retention call (once)."""
    if outcome not in OUTCOMES:
        raise InvalidInput.field(["body", "outcome"], f"one of {', '.join(OUTCOMES)}")
    task = session.get(RetentionTask, task_id)
    if task is None:
        raise NotFound("no such retention task")
    if task.status != "open":
        raise Conflict(f"this task already has its outcome: {task.outcome}")
    task.status, task.outcome, task.note = "done", outcome, note
    task.outcome_by, task.outcome_at = work.actor.username, work.now()
    audit.record(session, work.actor, "retention.outcome", "retention_task", task.id, outcome,
                 clock=work.clock)  # fmt: skip
