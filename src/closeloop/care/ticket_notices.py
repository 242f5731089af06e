"""Notices about tickets (工单通知): the customer's progress messages and the staff's deadline
pre-warnings and breach notices, sent by listening to the ticket domain's events."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, select

from closeloop.care.models import CareRule, OptOut
from closeloop.care.outbox import Notice, Recipient, notify_recipient, notify_staff
from closeloop.care.rules import DEFAULT_RULES, TICKET_PROGRESS, overlay
from closeloop.customers.models import Customer
from closeloop.organisation.models import Station
from closeloop.runtime.work import Work
from closeloop.tickets.appointment_rules import window_text
from closeloop.tickets.events import (
    AppointmentSet,
    DeadlineMissed,
    DeadlineNearing,
    TicketChanged,
)
from closeloop.tickets.tracking import tracking_link
from closeloop.tickets.workflow import STATION_STATUSES

if TYPE_CHECKING:
    from closeloop.tickets.models import Ticket

STAGE_NAMES = {"accept": "受理", "work": "处理", "callback": "回访", "resolution": "服务承诺"}


def _local(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%m月%d日%H:%M")


def progress_text(
    action: str, number: str, station_name: str | None, promised: datetime | None, tz: ZoneInfo
) -> str | None:
    """The customer's message for a step of their ticket, or None for steps they aren't told."""
    when = f"，预计{_local(promised, tz)}前处理完毕" if promised else ""
    texts = {
        "dispatch": f"【客服】您的工单{number}已转{station_name or '专业部门'}处理{when}。"
        "如有疑问请拨打客服热线。",
        "accept": f"【客服】您的工单{number}已由{station_name or '专业部门'}受理，"
        f"正在处理中{when}。",
        "reply": f"【客服】您的工单{number}已处理完毕，我们将尽快回访确认处理结果，感谢您的耐心。",
        "close": f"【客服】您的工单{number}已办结。感谢您的支持，如仍有问题请随时联系我们。",
    }
    return texts.get(action)


def prewarn_text(number: str, station_name: str, due: datetime, tz: ZoneInfo) -> str:
    """Staff notice: 80 % of the station's time limit has passed."""
    return (
        f"【预警】工单{number}已用去{station_name}处理时限的80%，请于{_local(due, tz)}前完成处理。"
    )


def breach_text(
    number: str, stage: str, station_name: str | None, due: datetime, tz: ZoneInfo
) -> str:
    """Staff notice: a deadline was missed."""
    where = f"（{station_name}）" if station_name else ""
    return (
        f"【超时】工单{number}{where}{STAGE_NAMES.get(stage, stage)}时限已于"
        f"{_local(due, tz)}到期，请立即处理。"
    )


# Built once: the customer's number, their opt-out of progress notices, the operator's setting
# of the rule and the station's name, as one row (bound parameters: customer_id, station).
_RECIPIENT = (
    select(Customer.msisdn, OptOut.rule, CareRule, Station.name)
    .select_from(Customer)
    .outerjoin(OptOut, and_(OptOut.customer_id == Customer.id, OptOut.rule == TICKET_PROGRESS))
    .outerjoin(CareRule, CareRule.rule == TICKET_PROGRESS)
    .outerjoin(Station, Station.code == bindparam("station"))
    .where(Customer.id == bindparam("customer_id"))
)


def tell_customer_of_progress(work: Work, event: TicketChanged) -> None:
    """Queue the customer's progress notice of a step, if they are told of it and want it."""
    if not event.notice:
        return
    ticket = event.ticket
    params = {"customer_id": ticket.customer_id, "station": ticket.station}
    msisdn, declined, rule_row, station_name = work.session.execute(_RECIPIENT, params).one()
    promised = ticket.work_due_at if event.notice in ("dispatch", "accept") else None
    text = progress_text(event.notice, ticket.number, station_name, promised, work.tz)
    if text and event.notice == "accept" and ticket.appointment_start and ticket.appointment_end:
        text += visit_text(ticket.appointment_start, ticket.appointment_end, work.tz)
    if text:
        _send_progress(work, ticket, (msisdn, declined, rule_row), text, event.at)


def _send_progress(
    work: Work, ticket: Ticket, row: tuple[Any, Any, Any], text: str, at: datetime
) -> None:
    msisdn, declined, rule_row = row
    settings = work.settings
    text += " 查看进度：" + tracking_link(settings.public_url, ticket.id, settings.secret_key)
    rule = overlay(DEFAULT_RULES[TICKET_PROGRESS], rule_row)
    recipient = Recipient(ticket.customer_id, msisdn, declined=declined is not None)
    notice = Notice(TICKET_PROGRESS, text, at, ticket_id=ticket.id)
    notify_recipient(work.session, recipient, rule, notice)


def visit_text(start: datetime, end: datetime, tz: ZoneInfo) -> str:
    """The sentence telling the customer when the technician comes."""
    return f"工程师将于{window_text(start, end, tz)}上门，请保持电话畅通。"


def tell_customer_of_appointment(work: Work, event: AppointmentSet) -> None:
    """Queue the customer's notice of the technician's visit window (set or moved)."""
    ticket = event.ticket
    if ticket.appointment_start is None or ticket.appointment_end is None:
        return
    params = {"customer_id": ticket.customer_id, "station": ticket.station}
    msisdn, declined, rule_row, _station = work.session.execute(_RECIPIENT, params).one()
    text = f"【客服】您的工单{ticket.number}：" + visit_text(
        ticket.appointment_start, ticket.appointment_end, work.tz
    )
    _send_progress(work, ticket, (msisdn, declined, rule_row), text, event.at)


def _station_name(work: Work, code: str | None) -> str | None:
    return work.session.scalar(select(Station.name).where(Station.code == code)) if code else None


def _tell_staff(work: Work, ticket: Ticket, rule: str, text: str, at: datetime) -> None:
    if ticket.station and ticket.status in STATION_STATUSES:
        notify_staff(work.session, f"station:{ticket.station}", rule, text, at, ticket_id=ticket.id)
    notify_staff(work.session, "role:supervisor", rule, text, at, ticket_id=ticket.id)


def warn_of_deadline(work: Work, event: DeadlineNearing) -> None:
    """Tell the station and the supervisors that 80 % of the time limit has passed."""
    ticket = event.ticket
    name = _station_name(work, ticket.station) or ""
    text = prewarn_text(ticket.number, name, event.due, work.tz)
    _tell_staff(work, ticket, "sla_prewarning", text, event.at)


def report_missed_deadline(work: Work, event: DeadlineMissed) -> None:
    """Tell the station and the supervisors that a deadline passed unmet."""
    ticket = event.ticket
    name = _station_name(work, ticket.station) if event.charged_to else None
    text = breach_text(ticket.number, event.stage, name, event.due, work.tz)
    _tell_staff(work, ticket, "sla_breach", text, event.at)
