"""Care endpoints (CONTRACT §4 notifications): the notification outbox and customers'
opt-outs, value-added subscriptions, outages and cut-overs, the care rules.

Thin handlers: parse, authorise (the permission dependencies), call a care service, answer
with a shape of closeloop.care.schemas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response

from closeloop.auth.deps import require, work_requiring
from closeloop.care import outages, outbox, rule_settings, subscriptions
from closeloop.care.catalogue import CATALOGUE
from closeloop.care.rules import OPT_OUT_RULES
from closeloop.care.schemas import (
    CancelIn,
    NotificationPage,
    OptOutsOut,
    OutageIn,
    OutageOut,
    OutagePage,
    RuleOut,
    RulePatch,
    ServiceOut,
    SubscribeIn,
    SubscriptionOut,
    SubscriptionPage,
)
from closeloop.customers.service import get_customer
from closeloop.http.deps import AppClock, AppSettings, DbSession, writes_on_read
from closeloop.http.params import Cursor
from closeloop.kit.actor import Actor
from closeloop.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT, decode_id_cursor
from closeloop.runtime.work import Work

router = APIRouter(prefix="/api/v1")

NoticeReader = Annotated[Work, Depends(work_requiring("notifications.read"))]
OptOutActor = Annotated[Actor, Depends(require("customers.opt_out"))]
SubReader = Annotated[Actor, Depends(require("subscriptions.read"))]
SubWriter = Annotated[Actor, Depends(require("subscriptions.write"))]
OutageReader = Annotated[Actor, Depends(require("care.outages.read"))]
OutageWriter = Annotated[Actor, Depends(require("care.outages"))]
RuleEditor = Annotated[Actor, Depends(require("care.rules"))]

# The rules a customer may decline, as the path declares and checks them.
if TYPE_CHECKING:
    OptOutRule = str
else:
    OptOutRule = Literal[OPT_OUT_RULES]


# --- notifications and opt-outs ------------------------------------------------------------


@router.get("/notifications", tags=["notifications"])
@writes_on_read
def list_notifications(
    work: NoticeReader,
    msisdn: str | None = None,
    rule: str | None = None,
    recipient: str | None = None,
    ticket_id: Annotated[int | None, Query(ge=1)] = None,
    status: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> NotificationPage:
    """Outbox entries, newest first; numbers masked unless the role may read personal data."""
    where = outbox.NotificationFilter(
        msisdn=msisdn, rule=rule, recipient=recipient, ticket_id=ticket_id, status=status
    )
    return outbox.read_notifications(
        work.session, work.actor, where, before_id=decode_id_cursor(cursor), limit=limit,
        clock=work.clock,
    )  # fmt: skip


@router.get("/customers/{customer_id}/opt-outs", tags=["notifications"])
def list_opt_outs(customer_id: str, session: DbSession, actor: OptOutActor) -> OptOutsOut:
    """The notice rules a customer declined."""
    customer = get_customer(session, actor, customer_id)
    return OptOutsOut(customer_id=str(customer.id), rules=outbox.opt_outs(session, customer.id))


@router.put("/customers/{customer_id}/opt-outs/{rule}", status_code=204, tags=["notifications"])
def opt_out(
    customer_id: str, rule: OptOutRule, session: DbSession, actor: OptOutActor, clock: AppClock
) -> Response:
    """The customer declines notices of this rule."""
    customer = get_customer(session, actor, customer_id)
    outbox.set_opt_out(session, actor, customer, rule, True, clock=clock)
    return Response(status_code=204)


@router.delete("/customers/{customer_id}/opt-outs/{rule}", status_code=204, tags=["notifications"])
def opt_in(
    customer_id: str, rule: OptOutRule, session: DbSession, actor: OptOutActor, clock: AppClock
) -> Response:
    """The customer wants notices of this rule again."""
    customer = get_customer(session, actor, customer_id)
    outbox.set_opt_out(session, actor, customer, rule, False, clock=clock)
    return Response(status_code=204)


# --- value-added subscriptions -------------------------------------------------------------


@router.get("/care/services", tags=["care"])
def list_services(_actor: SubReader) -> list[ServiceOut]:
    """The value-added services on offer."""
    return [ServiceOut.of(s) for s in CATALOGUE.values()]


@router.get("/customers/{customer_id}/subscriptions", tags=["care"])
def customer_subscriptions(
    customer_id: str, session: DbSession, actor: SubReader
) -> SubscriptionPage:
    """A customer's subscriptions, newest first."""
    customer = get_customer(session, actor, customer_id)
    items = subscriptions.list_subscriptions(session, customer.id)
    return SubscriptionPage(items=[SubscriptionOut.of(s) for s in items])


@router.post("/customers/{customer_id}/subscriptions", status_code=201, tags=["care"])
def subscribe(
    customer_id: str, body: SubscribeIn, session: DbSession, actor: SubWriter, clock: AppClock
) -> SubscriptionOut:
    """Subscribe; the customer gets a confirmation with the fee and how to cancel."""
    customer = get_customer(session, actor, customer_id)
    created = subscriptions.subscribe(
        session, actor, customer, body.service, trial=body.trial, clock=clock
    )
    return SubscriptionOut.of(created)


@router.post("/customers/{customer_id}/subscriptions/{subscription_id}/cancel", tags=["care"])
def cancel_subscription(
    customer_id: str,
    subscription_id: str,
    session: DbSession,
    actor: SubWriter,
    clock: AppClock,
    body: CancelIn | None = None,
) -> SubscriptionOut:
    """Cancel; the customer gets a confirmation."""
    customer = get_customer(session, actor, customer_id)
    found = subscriptions.get_subscription(session, customer, subscription_id)
    reason = body.reason if body else "customer request"
    return SubscriptionOut.of(
        subscriptions.cancel(session, actor, customer, found, reason=reason, clock=clock)
    )


@router.post("/customers/{customer_id}/subscriptions/{subscription_id}/renew", tags=["care"])
def renew_subscription(
    customer_id: str, subscription_id: str, session: DbSession, actor: SubWriter, clock: AppClock
) -> SubscriptionOut:
    """Keep a trial service after the trial."""
    customer = get_customer(session, actor, customer_id)
    found = subscriptions.get_subscription(session, customer, subscription_id)
    return SubscriptionOut.of(subscriptions.renew(session, actor, found, clock=clock))


# --- outages and cut-overs -----------------------------------------------------------------


@router.post("/care/outages", status_code=201, tags=["care"])
def open_outage(
    body: OutageIn, session: DbSession, actor: OutageWriter, clock: AppClock, settings: AppSettings
) -> OutageOut:
    """Declare an outage or cut-over: its customers are told once, its open tickets linked."""
    spec = outages.OutageSpec(
        kind=body.kind, regions=body.regions, cell_ids=body.cell_ids, starts_at=body.start,
        expected_end_at=body.expected_end, description=body.description,
    )  # fmt: skip
    outage = outages.open_outage(session, actor, settings, spec, clock=clock)
    return outages.shown(session, [outage])[0]


@router.get("/care/outages", tags=["care"])
def list_outages(session: DbSession, _actor: OutageReader, status: str | None = None) -> OutagePage:
    """Outages and cut-overs, newest first."""
    return OutagePage(items=outages.shown(session, outages.list_outages(session, status)))


@router.get("/care/outages/{outage_id}", tags=["care"])
def get_outage(outage_id: str, session: DbSession, _actor: OutageReader) -> OutageOut:
    """One outage with its linked tickets."""
    return outages.shown(session, [outages.get_outage(session, outage_id)])[0]


@router.post("/care/outages/{outage_id}/close", tags=["care"])
def close_outage(
    outage_id: str, session: DbSession, actor: OutageWriter, clock: AppClock, settings: AppSettings
) -> OutageOut:
    """Service is back: close the outage and tell its customers."""
    found = outages.get_outage(session, outage_id)
    outage = outages.close_outage(session, actor, settings, found, clock=clock)
    return outages.shown(session, [outage])[0]


# --- the care rules ------------------------------------------------------------------------


@router.get("/care/rules", tags=["care"])
def list_rules(session: DbSession, actor: RuleEditor) -> list[RuleOut]:
    """The care rules in force."""
    return [RuleOut.of(r) for r in rule_settings.rules_in_force(session, actor)]


@router.patch("/care/rules/{rule}", tags=["care"])
def patch_rule(
    rule: str, body: RulePatch, session: DbSession, actor: RuleEditor, clock: AppClock
) -> RuleOut:
    """Switch a rule on or off or change its thresholds / roaming step."""
    changed = rule_settings.edit_rule(
        session, actor, rule, enabled=body.enabled, params=body.params, clock=clock
    )
    return RuleOut.of(changed)
