"""Value endpoints (CONTRACT §10): a customer's value picture and the retention candidates."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlalchemy import select

from closeloop.auth.deps import work_requiring
from closeloop.customers import service as customers
from closeloop.kit.errors import NotFound
from closeloop.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT
from closeloop.runtime.work import Work
from closeloop.value.models import CustomerValue, RetentionTask
from closeloop.value.retention import offer_tasks, record_outcome

router = APIRouter(prefix="/api/v1", tags=["value"])
Reader = Annotated[Work, Depends(work_requiring("value.read"))]
Caller = Annotated[Work, Depends(work_requiring("retention.work"))]
Planner = Annotated[Work, Depends(work_requiring("retention.plan"))]


class Rfm(BaseModel):
    """RFM scores, 1–5 each."""

    r: int
    f: int
    m: int


class ValueOut(BaseModel):
    """A customer's value picture."""

    segment: str
    groups: list[str]
    rfm: Rfm
    clv: float
    lifecycle_stage: str
    churn_risk: float
    churn_factors: list[dict[str, Any]]
    computed_at: str


class Candidate(BaseModel):
    """A customer worth a retention call."""

    customer_id: str
    churn_risk: float
    clv: float
    expected_value: float
    reasons: list[dict[str, Any]]


class Candidates(BaseModel):
    """Retention candidates, highest expected value first."""

    items: list[Candidate]


@router.get("/customers/{customer_id}/value", response_model=ValueOut)
def customer_value(customer_id: str, work: Reader) -> ValueOut:
    """Segment, RFM, CLV, lifecycle stage and churn risk with its reasons."""
    customer = customers.get_customer(work.session, work.actor, customer_id)
    row = work.session.get(CustomerValue, customer.id)
    if row is None:
        raise NotFound("no value picture yet for this customer: it is computed nightly")
    return ValueOut(
        segment=row.segment,
        groups=[g for g in row.groups.split(",") if g],
        rfm=Rfm(r=row.r, f=row.f, m=row.m),
        clv=float(row.clv),
        lifecycle_stage=row.lifecycle_stage,
        churn_risk=row.churn_risk,
        churn_factors=row.churn_factors,
        computed_at=row.computed_at.isoformat(),
    )


@router.get("/retention/candidates", response_model=Candidates)
def retention_candidates(
    work: Reader, limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT
) -> Candidates:
    """Customers ranked by the expected value of keeping them (risk × CLV × effect)."""
    rows = work.session.scalars(
        select(CustomerValue)
        .where(CustomerValue.lifecycle_stage != "churned", CustomerValue.expected_value > 0)
        .order_by(CustomerValue.expected_value.desc(), CustomerValue.customer_id)
        .limit(limit)
    )
    return Candidates(
        items=[
            Candidate(
                customer_id=str(v.customer_id),
                churn_risk=v.churn_risk,
                clv=float(v.clv),
                expected_value=float(v.expected_value),
                reasons=v.churn_factors,
            )
            for v in rows
        ]
    )


class TaskOut(BaseModel):
    """A retention call to make, with its script and (once made) its outcome."""

    id: str
    customer_id: str
    churn_risk: float
    clv: float
    expected_value: float
    reasons: list[dict[str, Any]]
    script: str
    status: str
    outcome: str | None
    created_at: str


class TaskPage(BaseModel):
    """Retention tasks, highest expected value first."""

    items: list[TaskOut]


class OutcomeIn(BaseModel):
    """What came of the call: kept, left or declined."""

    outcome: str
    note: str = ""


class Offered(BaseModel):
    """How many tasks were opened."""

    opened: int


def _task(t: RetentionTask) -> TaskOut:
    return TaskOut(
        id=str(t.id), customer_id=str(t.customer_id), churn_risk=t.churn_risk,
        clv=float(t.clv), expected_value=float(t.expected_value), reasons=t.reasons,
        script=t.script, status=t.status, outcome=t.outcome,
        created_at=t.created_at.isoformat(),
    )  # fmt: skip


@router.post("/retention/tasks", status_code=201, response_model=Offered)
def offer(work: Planner, limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20) -> Offered:
    """Open retention tasks for the best candidates without one."""
    return Offered(opened=offer_tasks(work.session, work, limit))


@router.get("/retention/tasks", response_model=TaskPage)
def list_tasks(
    work: Caller,
    status: str = "open",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> TaskPage:
    """Retention tasks of a status (open by default), highest expected value first."""
    rows = work.session.scalars(
        select(RetentionTask)
        .where(RetentionTask.status == status)
        .order_by(RetentionTask.expected_value.desc(), RetentionTask.id)
        .limit(limit)
    )
    return TaskPage(items=[_task(t) for t in rows])


@router.post("/retention/tasks/{task_id}/outcome", response_model=TaskOut)
def outcome(task_id: int, body: OutcomeIn, work: Caller) -> TaskOut:
    """Record a call's outcome (kept, left, declined); it feeds the retention effect."""
    record_outcome(work.session, work, task_id, body.outcome, body.note)
    task = work.session.get(RetentionTask, task_id)
    assert task is not None
    return _task(task)
