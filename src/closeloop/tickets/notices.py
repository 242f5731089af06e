"""Progress notices to customers and the Chinese texts of SLA notices to staff (进度通知)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from closeloop.care.models import CareRule, OptOut
from closeloop.care.outbox import notify_recipient
from closeloop.care.rules import DEFAULT_RULES, TICKET_PROGRESS, overlay
from closeloop.customers.models import Customer
from closeloop.organisation.models import Station
from closeloop.tickets.models import Ticket


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


def notify_progress(
    session: Session, ticket: Ticket, notice: str, now: datetime, tz: ZoneInfo
) -> None:
    """Queue the customer's progress notice of a step, if they are told of it and want it."""
    params = {"customer_id": ticket.customer_id, "station": ticket.station}
    msisdn, declined, rule_row, station_name = session.execute(_RECIPIENT, params).one()
    promised = ticket.work_due_at if notice in ("dispatch", "accept") else None
    text = progress_text(notice, ticket.number, station_name, promised, tz)
    if text:
        settings = overlay(DEFAULT_RULES[TICKET_PROGRESS], rule_row)
        notify_recipient(
            session, ticket.customer_id, msisdn, TICKET_PROGRESS, settings, declined is not None,
            text, now, ticket_id=ticket.id,
        )  # fmt: skip


def prewarn_text(number: str, station_name: str, due: datetime, tz: ZoneInfo) -> str:
    """Staff notice: 80 % of the station's time limit has passed."""
    return (
        f"【预警】工单{number}已用去{station_name}处理时限的80%，请于{_local(due, tz)}前完成处理。"
    )


def breach_text(
    number: str, stage: str, station_name: str | None, due: datetime, tz: ZoneInfo
) -> str:
    """Staff notice: a deadline was missed."""
    stage_names = {"accept": "受理", "work": "处理", "callback": "回访", "resolution": "服务承诺"}
    where = f"（{station_name}）" if station_name else ""
    return (
        f"【超时】工单{number}{where}{stage_names.get(stage, stage)}时限已于"
        f"{_local(due, tz)}到期，请立即处理。"
    )
