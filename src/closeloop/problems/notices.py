"""What customers of a problem are told (问题单通知): the fault is known, and it is fixed.

Each notice is queued through care's outbox under its own rule (`known_problem`,
`problem_resolved`), so opt-outs, switches and quiet hours apply as to every other notice,
and a dedup key per problem, ticket and phase keeps it to once.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from closeloop.care.outbox import Notice, notify_customer
from closeloop.care.rules import KNOWN_PROBLEM, PROBLEM_RESOLVED
from closeloop.customers.models import Customer
from closeloop.problems.area import cells_of
from closeloop.problems.models import Problem
from closeloop.runtime.work import Work
from closeloop.tickets.arrivals import TicketRow


def _local(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%m月%d日%H:%M")


def area_text(problem: Problem) -> str:
    """The problem's area as a customer reads it."""
    cells = cells_of(problem.cell_ids)
    if cells:
        more = "等" if len(cells) > 3 else ""
        return f"{problem.region or ''}基站{'、'.join(cells[:3])}{more}覆盖区域"
    return problem.region or "您所在区域"


def known_text(problem: Problem, number: str, tz: ZoneInfo) -> str:
    """The customer's notice that their fault is a known problem, with the expected restoration."""
    when = (
        f"预计{_local(problem.expected_restore_at, tz)}前恢复"
        if problem.expected_restore_at
        else "我们将尽快恢复"
    )
    return (
        f"【客服】您反映的问题（工单{number}）系{area_text(problem)}的已知网络故障"
        f"（问题单{problem.number}），技术人员正在抢修，{when}，恢复后将短信告知您，"
        "给您带来不便，敬请谅解。"
    )


def resolved_text(problem: Problem, number: str) -> str:
    """The customer's notice that the problem behind their ticket is fixed."""
    return (
        f"【客服】您反映的问题（工单{number}）所涉{area_text(problem)}网络故障已修复："
        f"{problem.resolution or ''}。我们将回访确认，感谢您的耐心等待。"
    )


def _customers(work: Work, rows: list[TicketRow]) -> dict[int, Customer]:
    ids = sorted({r.customer_id for r in rows})
    if not ids:
        return {}
    found = work.session.scalars(select(Customer).where(Customer.id.in_(ids)))
    return {c.id: c for c in found}


def tell_known(work: Work, problem: Problem, rows: list[TicketRow]) -> int:
    """Tell each ticket's customer at once that the fault is known; how many notices queued."""
    customers, now, sent = _customers(work, rows), work.now(), 0
    for row in rows:
        notice = Notice(
            rule=KNOWN_PROBLEM, text=known_text(problem, row.number, work.tz), at=now,
            ticket_id=row.id, dedup_key=f"problem:{problem.id}:known:{row.id}",
        )  # fmt: skip
        sent += notify_customer(work.session, customers[row.customer_id], notice) is not None
    return sent


def tell_resolved(work: Work, problem: Problem, rows: list[TicketRow]) -> int:
    """Tell each ticket's customer the problem is fixed; how many notices queued."""
    customers, now, sent = _customers(work, rows), work.now(), 0
    for row in rows:
        notice = Notice(
            rule=PROBLEM_RESOLVED, text=resolved_text(problem, row.number), at=now,
            ticket_id=row.id, dedup_key=f"problem:{problem.id}:resolved:{row.id}",
        )  # fmt: skip
        sent += notify_customer(work.session, customers[row.customer_id], notice) is not None
    return sent
