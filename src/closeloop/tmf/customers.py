"""TMF629 Customer v4 over the native customers; the phone is a contactMedium, masked by role.

A customer created without a mobile number gets a reserved placeholder number (`100` and
eight digits: never a mainland mobile, so no notice reaches anyone).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.customers import service
from closeloop.customers.models import Customer, Plan
from closeloop.customers.rules import msisdn_problem
from closeloop.http.deps import AppClock, DbSession, writes_on_read
from closeloop.kit.actor import Actor
from closeloop.kit.errors import Conflict
from closeloop.kit.ids import parse_id
from closeloop.tmf.common import (
    BAD_REQUEST,
    JSON_OBJECT_BODY,
    BadRequest,
    base_url,
    expect,
    json_object,
    list_response,
    paging,
    parse_fields,
    require_scope,
    select_fields,
)
from closeloop.tmf.events import emit, hub_router

PREFIX = "/tmf-api/customerManagement/v4"
API = "Customer"
router = APIRouter(prefix=PREFIX, tags=["tmf"], responses=BAD_REQUEST)
hub = hub_router(PREFIX, API, "customers")
Scoped = Depends(require_scope("customers"))


def to_tmf(session: Session, actor: Actor, customer: Customer, base: str) -> dict[str, Any]:
    """A native customer as a TMF629 Customer (phone masked unless the role may read it)."""
    shown = service.customer_out(session, actor, customer)
    medium: dict[str, Any] = {"phoneNumber": shown.msisdn, "contactType": "mobile"}
    if customer.region:
        medium["city"] = customer.region
    return {
        "id": str(customer.id),
        "href": f"{base}{PREFIX}/customer/{customer.id}",
        "name": customer.name,
        "status": "Approved",
        "engagedParty": {
            "id": str(customer.id),
            "name": customer.name,
            "@referredType": "Individual",
        },
        "contactMedium": [{"mediumType": "phone", "preferred": True, "characteristic": medium}],
        "characteristic": [{"name": "plan", "value": customer.plan.code}],
        "@type": "Customer",
    }


def _phone(body: dict[str, Any]) -> str | None:
    for medium in expect(body, "contactMedium", list) or []:
        characteristic = medium.get("characteristic") if isinstance(medium, dict) else None
        if isinstance(characteristic, dict) and characteristic.get("phoneNumber"):
            return str(characteristic["phoneNumber"])
    return None


def _placeholder(session: Session) -> str:
    last = session.scalar(select(func.max(Customer.id))) or 0
    return f"100{last + 1:08d}"[-11:]


@router.get("/customer")
@writes_on_read
def list_customers(request: Request, session: DbSession, actor: Actor = Scoped) -> JSONResponse:
    """Customers newest first: ?fields=, ?offset=, ?limit=, ?id=, ?name=."""
    q = request.query_params
    offset, limit = paging(
        int(q["offset"]) if q.get("offset", "").isdigit() else None,
        int(q["limit"]) if q.get("limit", "").isdigit() else None,
    )
    actor.require("customers.read")
    query = select(Customer)
    if "id" in q:
        query = query.where(
            Customer.id.in_([n for i in q["id"].split(",") if (n := parse_id(i)) is not None])
        )
    if "name" in q:
        query = query.where(Customer.name == q["name"])
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    page = session.scalars(query.order_by(Customer.id.desc()).offset(offset).limit(limit))
    fields = parse_fields(q.get("fields"))
    base = base_url(request)
    return list_response(
        [select_fields(to_tmf(session, actor, c, base), fields) for c in page], total
    )


@router.get("/customer/{customer_id}")
@writes_on_read
def get_customer(
    customer_id: str, request: Request, session: DbSession, actor: Actor = Scoped
) -> dict[str, Any]:
    """One customer."""
    customer = service.get_customer(session, actor, customer_id)
    fields = parse_fields(request.query_params.get("fields"))
    return select_fields(to_tmf(session, actor, customer, base_url(request)), fields)


@router.post("/customer", status_code=201, openapi_extra=JSON_OBJECT_BODY)
async def create_customer(
    request: Request, session: DbSession, clock: AppClock, actor: Actor = Scoped
) -> JSONResponse:
    """Register a customer (name required; phone from contactMedium)."""
    body = await json_object(request)
    name = expect(body, "name", str, required=True)
    assert name is not None
    actor.require("customers.write")
    phone = _phone(body)
    if phone is not None and msisdn_problem(phone):
        raise BadRequest(f"phoneNumber: {msisdn_problem(phone)}")
    msisdn = phone or _placeholder(session)
    if session.scalar(select(Customer.id).where(Customer.msisdn == msisdn)) is not None:
        raise Conflict("this phone number is already a customer")
    plan = session.scalar(select(Plan).order_by(Plan.code).limit(1))
    if plan is None:
        raise Conflict("no plan exists yet; import plans first")
    customer = Customer(
        msisdn=msisdn, name=name[:64], region="未知", plan=plan, join_date=clock.now().date()
    )
    session.add(customer)
    session.flush()
    audit.record(
        session, actor, "tmf.customer.create", "customer", customer.id, name[:100], clock=clock
    )
    resource = to_tmf(session, actor, customer, base_url(request))
    emit(session, API, "CustomerCreateEvent", str(customer.id), resource, clock.now())
    return JSONResponse(resource, status_code=201, headers={"Location": resource["href"]})


@router.patch("/customer/{customer_id}", openapi_extra=JSON_OBJECT_BODY)
async def patch_customer(
    customer_id: str, request: Request, session: DbSession, clock: AppClock, actor: Actor = Scoped
) -> dict[str, Any]:
    """Merge patch: the name may change; id and href are read-only."""
    body = await json_object(request)
    if set(body) & {"id", "href"}:
        raise BadRequest("id and href are read-only")
    actor.require("customers.write")
    customer = service.get_customer(session, actor, customer_id)
    name = expect(body, "name", str)
    if name is not None and name != customer.name:
        customer.name = name[:64]
        audit.record(
            session, actor, "tmf.customer.update", "customer", customer.id, "name", clock=clock
        )
        resource = to_tmf(session, actor, customer, base_url(request))
        emit(
            session,
            API,
            "CustomerAttributeValueChangeEvent",
            str(customer.id),
            resource,
            clock.now(),
        )
        return resource
    return to_tmf(session, actor, customer, base_url(request))
