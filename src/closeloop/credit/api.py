"""Credit endpoints (CONTRACT §11): a customer's credit, the ladder policy, disputes, reports.

Thin handlers: parse, authorise (permission dependencies), call a credit service, answer.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from closeloop.auth.deps import work_requiring
from closeloop.billing.rules import PERIOD
from closeloop.credit import reports
from closeloop.credit.policy_store import change_policy, document_in_force
from closeloop.credit.service import credit_of, open_dispute
from closeloop.customers.service import get_customer
from closeloop.runtime.work import Work

router = APIRouter(prefix="/api/v1", tags=["credit"])

Reader = Annotated[Work, Depends(work_requiring("credit.read"))]
PolicyEditor = Annotated[Work, Depends(work_requiring("credit.policy"))]
Disputer = Annotated[Work, Depends(work_requiring("credit.dispute"))]
ReportReader = Annotated[Work, Depends(work_requiring("credit.reports"))]


class DisputeIn(BaseModel):
    """A customer disputes one bill."""

    period: str = Field(pattern=PERIOD.pattern)
    reason: str = Field(min_length=1, max_length=2000)


@router.get("/customers/{customer_id}/credit")
def customer_credit(customer_id: str, work: Reader) -> dict[str, Any]:
    """Grade, score, limit, arrears, oldest unpaid days, ladder step and line status."""
    customer = get_customer(work.session, work.actor, customer_id)
    return credit_of(work.session, customer).as_dict()


@router.get("/credit/policy")
def read_policy(work: Reader) -> dict[str, Any]:
    """The ladder (and grades, scoring, rewards) in force."""
    return document_in_force(work.session)


@router.put("/credit/policy")
def put_policy(work: PolicyEditor, body: Annotated[Any, Body()]) -> dict[str, Any]:
    """Change the policy: the keys given replace those in force (a new version, audited)."""
    return change_policy(work.session, work.actor, body, work.clock)


@router.post("/customers/{customer_id}/credit/disputes", status_code=201)
def dispute(customer_id: str, body: DisputeIn, work: Disputer) -> JSONResponse:
    """An arrears dispute: a billing ticket, and the ladder paused for that bill."""
    customer = get_customer(work.session, work.actor, customer_id)
    made = open_dispute(work.session, work.actor, customer, body.period, body.reason)
    return JSONResponse(
        {"id": str(made.id), "period": made.period, "ticket_id": str(made.ticket_id)},
        status_code=201,
    )


By = Annotated[str | None, Query(pattern="^(region|segment|sales_channel)$")]


@router.get("/credit/reports/ageing")
def ageing(work: ReportReader, by: By = None) -> dict[str, Any]:
    """Arrears by age bucket (0–30, 31–60, 61–90, > 90 days past due), by region, segment or
    sales channel."""
    return {"items": reports.ageing(work.session, work.today(), by)}


@router.get("/credit/reports/arrears-rate")
def arrears_rate(work: ReportReader, by: By = None) -> dict[str, Any]:
    """Share of customers in arrears (and in long arrears, > 90 days) by region, segment or sales
    channel (销售渠道)."""
    return {"items": reports.arrears_rate(work.session, work.today(), by)}


@router.get("/credit/reports/trend")
def trend(work: ReportReader, months: Annotated[int, Query(ge=1, le=36)] = 12) -> dict[str, Any]:
    """The arrears rate at the end of each of the last months."""
    return {"items": reports.trend(work.session, work.today(), months)}


@router.get("/credit/reports/write-offs")
def write_offs(
    work: ReportReader, after_days: Annotated[int, Query(ge=30, le=3650)] = 180
) -> dict[str, Any]:
    """Bad debts: arrears unpaid longer than `after_days`, by region (to clear from the network)."""
    return {"items": reports.write_offs(work.session, work.today(), after_days)}


@router.get("/credit/reports/recovery")
def recovery(work: ReportReader) -> dict[str, Any]:
    """For each ladder step: how often it was taken and how often the arrears were then paid."""
    return {"items": reports.recovery(work.session)}
