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
from closeloop.value.models import CustomerValue

router = APIRouter(prefix="/api/v1", tags=["value"])
Reader = Annotated[Work, Depends(work_requiring("value.read"))]


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
