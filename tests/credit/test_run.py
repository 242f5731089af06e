"""`closeloop credit run` (CONTRACT §11): the ladder taken once per bill, restoration on payment,
partial payment per policy, disputes pause, good credit gets grace, every step audited."""

from __future__ import annotations

import json

from sqlalchemy import select

from closeloop.auth.models import AuditEntry
from closeloop.care.models import Notification
from closeloop.credit.service import credit_of, open_dispute
from closeloop.customers.models import Customer
from closeloop.db.engine import Database
from closeloop.tickets.models import Ticket
from tests.credit.conftest import Ledger
from tests.support.cli import Cli
from tests.support.factories import Factory


def tickets_of(database: Database, customer_id: str) -> list[tuple[str, str, str | None, str]]:
    with database.unit_of_work(write=False) as session:
        rows = session.scalars(
            select(Ticket).where(Ticket.customer_id == int(customer_id)).order_by(Ticket.id)
        )
        return [(t.type, t.status, t.station, t.severity) for t in rows]


def test_the_ladder_is_taken_once_per_bill_and_payment_restores(
    ledger: Ledger, factory: Factory, database: Database
) -> None:
    c = factory.customer()  # no ID number: grade D (score 540) by the default policy
    ledger.bills(f"{c.msisdn},2026-10,100.00,0,2026-11-15,")
    ledger.run("2026-11-15")  # due today: not past due
    assert ledger.profile(c.id)[:2] == (None, "active")

    ledger.run("2026-11-16")
    assert ledger.profile(c.id) == (1, "active", "D")
    assert ledger.actions(c.id) == [("2026-10", 1, "remind")]
    assert ledger.notices(c.id, "arrears_reminder") == 1
    again = ledger.run("2026-11-16")  # idempotent
    assert again.moved == 0 and ledger.notices(c.id, "arrears_reminder") == 1

    ledger.run("2026-12-05")  # 20 days past due: grade D restricted
    assert ledger.profile(c.id)[:2] == (3, "restricted")
    assert ledger.actions(c.id)[-1] == ("2026-10", 3, "restrict")
    assert tickets_of(database, c.id) == [("request", "dispatched", "billing", "high")]
    ledger.run("2026-12-06")
    assert len(tickets_of(database, c.id)) == 1

    ledger.bills(f"{c.msisdn},2026-10,100.00,100.00,2026-11-15,2026-12-06")
    summary = ledger.run("2026-12-07")
    assert summary.done.get("restored") == 1 and summary.done.get("cleared") == 1
    assert ledger.profile(c.id)[:2] == (None, "active")
    assert ledger.notices(c.id, "service_restored") == 1
    restore = tickets_of(database, c.id)[-1]
    assert restore == ("request", "dispatched", "billing", "urgent")
    assert ledger.run("2026-12-08").moved == 0
    with database.unit_of_work(write=False) as session:
        steps = session.scalars(
            select(AuditEntry.summary).where(
                AuditEntry.action == "credit.step", AuditEntry.entity_id == c.id
            )
        ).all()
    assert len(steps) == 3


def test_a_jump_takes_only_the_reached_step_and_suspends(ledger: Ledger, factory: Factory) -> None:
    c = factory.customer()
    ledger.bills(f"{c.msisdn},2026-08,80.00,0,2026-09-15,")
    ledger.run("2026-11-10")  # 56 days: suspend (step 5)
    assert ledger.profile(c.id)[:2] == (5, "suspended")
    assert ledger.actions(c.id) == [("2026-08", 5, "suspend")]


def test_partial_payment_steps_back_to_the_next_bills_step(
    ledger: Ledger, factory: Factory
) -> None:
    c = factory.customer()
    ledger.bills(
        f"{c.msisdn},2026-08,80.00,0,2026-09-15,", f"{c.msisdn},2026-10,50.00,0,2026-11-15,"
    )
    ledger.run("2026-11-10")
    assert ledger.profile(c.id)[:2] == (5, "suspended")
    ledger.bills(f"{c.msisdn},2026-08,80.00,80.00,2026-09-15,2026-11-10")  # the oldest paid
    summary = ledger.run("2026-11-20")  # October's bill is 5 days late: reminder only
    assert ledger.profile(c.id)[:2] == (1, "active")
    assert summary.done.get("restored") == 1 and "cleared" not in summary.done
    assert ledger.actions(c.id)[-1] == ("2026-10", 1, "remind")


def test_keep_policy_holds_the_step_until_paid_in_full(
    ledger: Ledger, factory: Factory, database: Database, client: object, as_user: object
) -> None:
    from tests.support.personas import Personas

    assert isinstance(as_user, Personas)
    put = as_user.client.put(
        "/api/v1/credit/policy",
        json={"partial_payment": "keep"},
        headers=as_user.headers("supervisor"),
    )
    assert put.status_code == 200, put.text
    c = factory.customer()
    ledger.bills(
        f"{c.msisdn},2026-08,80.00,0,2026-09-15,", f"{c.msisdn},2026-10,50.00,0,2026-11-15,"
    )
    ledger.run("2026-11-10")
    ledger.bills(f"{c.msisdn},2026-08,80.00,80.00,2026-09-15,2026-11-10")
    ledger.run("2026-11-20")
    assert ledger.profile(c.id)[:2] == (5, "suspended")


def test_a_dispute_pauses_the_ladder_for_that_bill(
    ledger: Ledger, factory: Factory, database: Database
) -> None:
    c = factory.customer()
    ledger.bills(f"{c.msisdn},2026-10,100.00,0,2026-11-15,")
    ledger.run("2026-11-16")
    with database.unit_of_work() as session:
        customer = session.get(Customer, int(c.id))
        assert customer is not None
        open_dispute(session, factory.actor("agent"), customer, "2026-10", "没有用过这些业务")
    ledger.run("2026-12-20")  # 35 days: would be restricted, but the bill is disputed
    assert ledger.profile(c.id)[:2] == (1, "active")
    assert tickets_of(database, c.id)[0][:3] == ("complaint", "dispatched", "billing")


def test_good_credit_gets_grace_before_restriction(ledger: Ledger, factory: Factory) -> None:
    from closeloop.customers.rules import id_check_digit

    first17 = "43010219800101123"
    c = factory.customer(id_number=first17 + id_check_digit(first17), join_date="2019-01-01")
    paid = [
        f"{c.msisdn},2026-{m:02d},400.00,400.00,2026-{m + 1:02d}-15,2026-{m + 1:02d}-10"
        for m in range(1, 9)
    ]
    ledger.bills(*paid, f"{c.msisdn},2026-09,150.00,0,2026-10-15,")
    ledger.run("2026-11-25")  # 41 days: B would be restricted at 35, A has 15 days' grace
    step, line, grade = ledger.profile(c.id)
    assert grade == "A" and (step, line) == (2, "active")
    ledger.run("2026-12-05")  # 51 days ≥ 35 + 15
    assert ledger.profile(c.id)[:2] == (4, "restricted")


def test_cli_runs_as_of_at_and_prints_json(cli: Cli, factory: Factory, ledger: Ledger) -> None:
    c = factory.customer()
    ledger.bills(f"{c.msisdn},2026-10,100.00,0,2026-11-15,")
    result = cli("credit", "run", "--at", "2026-11-16T10:00:00+08:00")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["today"] == "2026-11-16" and summary["remind"] >= 1
    assert ledger.profile(c.id)[0] == 1
    bad = cli("credit", "run", "--at", "yesterday")
    assert bad.exit_code != 0 and "--at" in bad.output


def test_reminders_respect_quiet_hours(
    ledger: Ledger, factory: Factory, database: Database
) -> None:
    c = factory.customer()
    ledger.bills(f"{c.msisdn},2026-10,100.00,0,2026-11-15,")
    ledger.run("2026-11-16", hour=15)  # 23:00 in Shanghai
    with database.unit_of_work(write=False) as session:
        notice = session.scalar(
            select(Notification).where(
                Notification.customer_id == int(c.id), Notification.rule == "arrears_reminder"
            )
        )
        assert notice is not None and notice.hold_reason == "quiet_hours"
        assert notice.send_after.hour == 0  # 08:00 in Shanghai
        assert "100.00" in notice.text and notice.period == "2026-10"


def test_credit_of_a_new_customer_is_graded_at_once(factory: Factory, database: Database) -> None:
    c = factory.customer()
    with database.unit_of_work(write=False) as session:
        customer = session.get(Customer, int(c.id))
        assert customer is not None
        credit = credit_of(session, customer)
    assert (credit.grade, credit.score) == ("D", 540)
    assert (credit.line_status, credit.step) == ("active", None)


def test_closing_the_dispute_ticket_resumes_the_ladder(
    ledger: Ledger, factory: Factory, database: Database
) -> None:
    from closeloop.tickets.actions import perform
    from closeloop.tickets.schemas import ReasonBody

    c = factory.customer()
    ledger.bills(f"{c.msisdn},2026-10,100.00,0,2026-11-15,")
    with database.unit_of_work() as session:
        customer = session.get(Customer, int(c.id))
        assert customer is not None
        dispute = open_dispute(session, factory.actor("agent"), customer, "2026-10", "核查")
        ticket_id = dispute.ticket_id
    ledger.run("2026-12-20")
    assert ledger.profile(c.id)[:2] == (None, "active")
    with database.unit_of_work() as session:
        station = factory.actor("station", station="billing")
        perform(session, station, str(ticket_id), "return", ReasonBody(reason="核查无误"),
                if_match=None, tz=factory.tz, clock=factory.clock)  # fmt: skip
        expert = factory.actor("expert")
        perform(session, expert, str(ticket_id), "cancel", ReasonBody(reason="账单无误"),
                if_match=None, tz=factory.tz, clock=factory.clock)  # fmt: skip
    ledger.run("2026-12-20")
    assert ledger.profile(c.id)[:2] == (3, "restricted")


def test_the_summary_counts_customers_and_grade_changes(ledger: Ledger, factory: Factory) -> None:
    first = ledger.run("2026-11-16")
    assert first.customers > 0 and first.graded == first.customers  # everyone graded at first
    factory.customer()
    second = ledger.run("2026-11-17")
    assert (second.customers, second.graded) == (first.customers + 1, 1)
