"""Customer and plan endpoints (/api/v1/plans, /api/v1/customers)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from closeloop.auth.deps import work_requiring
from closeloop.customers import service
from closeloop.customers.schemas import (
    ContactEnd,
    ContactIn,
    ContactOut,
    CustomerIn,
    CustomerOut,
    CustomerPage,
    Msisdn,
    PlanOut,
    Timeline,
)
from closeloop.customers.timeline import build_timeline
from closeloop.http.deps import writes_on_read
from closeloop.http.params import Cursor
from closeloop.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT, decode_id_cursor, id_page
from closeloop.runtime.work import Work

router = APIRouter(prefix="/api/v1", tags=["customers"])

Reader = Annotated[Work, Depends(work_requiring("customers.read"))]
Writer = Annotated[Work, Depends(work_requiring("customers.write"))]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]


@router.get("/plans", response_model=list[PlanOut])
def list_plans(work: Reader) -> list[dict[str, Any]]:
    """Every tariff plan."""
    return [service.plan_out(p) for p in service.list_plans(work.session)]


@router.post("/customers", status_code=201, response_model=CustomerOut)
def create_customer(body: CustomerIn, work: Writer) -> CustomerOut:
    """Register a customer."""
    session, actor, clock = work.session, work.actor, work.clock
    customer = service.create_customer(session, actor, body, clock=clock)
    return service.customer_out(session, actor, customer, clock=clock)


@router.get("/customers", response_model=CustomerPage)
@writes_on_read
def list_customers(
    work: Reader,
    msisdn: Annotated[Msisdn | None, Query(description="exact lookup by number")] = None,
    region: str | None = None,
    plan_code: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> CustomerPage:
    """Exact lookup by number (`?msisdn=`), or a page of customers."""
    session, actor, clock = work.session, work.actor, work.clock
    if msisdn is not None:
        found = service.find_by_msisdn(session, actor, msisdn)
        items = [service.customer_out(session, actor, found, clock=clock)] if found else []
        return CustomerPage(items=items, next_cursor=None)
    after = decode_id_cursor(cursor)
    rows = service.list_customers(
        session, actor, region=region, plan_code=plan_code, after_id=after, limit=limit + 1
    )
    page, next_cursor = id_page(rows, limit)
    return CustomerPage(
        items=[service.customer_out(session, actor, c, clock=clock) for c in page],
        next_cursor=next_cursor,
    )


@router.get("/customers/{customer_id}", response_model=CustomerOut)
@writes_on_read
def get_customer(customer_id: str, work: Reader) -> CustomerOut:
    """One customer."""
    customer = service.get_customer(work.session, work.actor, customer_id)
    return service.customer_out(work.session, work.actor, customer, clock=work.clock)


@router.get("/customers/{customer_id}/timeline", response_model=Timeline)
def customer_timeline(customer_id: str, work: Reader, limit: Limit = DEFAULT_LIMIT) -> Timeline:
    """The customer's contacts, tickets and notifications, newest first."""
    customer = service.get_customer(work.session, work.actor, customer_id)
    return Timeline(
        customer_id=str(customer.id), items=build_timeline(work.session, customer, limit=limit)
    )


ContactWriter = Annotated[Work, Depends(work_requiring("contacts.write"))]


@router.post("/customers/{customer_id}/contacts", status_code=201, response_model=ContactOut)
def record_contact(customer_id: str, body: ContactIn, work: ContactWriter) -> ContactOut:
    """Record a contact with the customer (with its end or duration when it is over)."""
    customer = service.get_customer(work.session, work.actor, customer_id)
    contact = service.record_contact(work.session, work.actor, customer, body, clock=work.clock)
    return service.contact_out(contact)


@router.post("/contacts/{contact_id}/end", response_model=ContactOut)
def end_contact(contact_id: str, work: ContactWriter, body: ContactEnd | None = None) -> ContactOut:
    """End an open contact now (or `at`): its handling time is recorded; 409 if it has ended."""
    contact = service.get_contact(work.session, work.actor, contact_id)
    at = body.at if body is not None else None
    contact = service.end_contact(work.session, work.actor, contact, at=at, clock=work.clock)
    return service.contact_out(contact)
