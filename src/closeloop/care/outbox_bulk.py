"""Many notices of one rule to customers at once (批量通知): the same rows `notify_recipient`
would queue one by one — rule switch, opt-outs, dedup keys, the daily cap and quiet hours —
with the lookups made once for all recipients."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.care.models import Notification, OptOut
from closeloop.care.outbox import CAPPED_RULES, Notice
from closeloop.care.quiet import DAILY_CAP, QUIET, capped_today, local_day_start
from closeloop.care.rules import RuleSettings
from closeloop.care.settings import DAILY_CAP as DAILY_CAP_SETTING
from closeloop.care.settings import quiet_hours_in_force
from closeloop.runtime.work import Work


def notify_many(
    session: Session,
    settings: RuleSettings,
    notices: Sequence[tuple[int, str, Notice]],
) -> list[Notification]:
    """Queue one notice per (customer id, msisdn, notice) under the rule `settings`; those
    queued (a notice already sent under its dedup key, or declined, is left out)."""
    if not settings.enabled or not notices:
        return []
    work = Work.of(session)
    ids = [customer_id for customer_id, _msisdn, _notice in notices]
    declined: set[int] = set()
    if settings.opt_out:
        declined = set(
            session.scalars(
                select(OptOut.customer_id).where(
                    OptOut.customer_id.in_(ids), OptOut.rule == settings.rule
                )
            )
        )
    keys = [n.dedup_key for _c, _m, n in notices if n.dedup_key is not None]
    found = select(Notification.dedup_key).where(Notification.dedup_key.in_(keys))
    sent = set(session.scalars(found))
    made = []
    for customer_id, msisdn, notice in notices:
        if customer_id in declined or (notice.dedup_key is not None and notice.dedup_key in sent):
            continue
        made.append((customer_id, msisdn, notice))
    if not made:
        return []
    at = made[0][2].at
    given: dict[int, int] = {}
    if settings.capped:
        given = capped_today(
            session, [c for c, _m, _n in made], CAPPED_RULES, local_day_start(at, work.tz)
        )
    cap = work.business(DAILY_CAP_SETTING.key)
    until = quiet_hours_in_force(work).until(at, work.tz) if settings.quiet_hours else None
    rows = []
    for customer_id, msisdn, notice in made:
        status, send_after, hold = "pending", notice.at, None
        if settings.capped and given.get(customer_id, 0) >= cap:
            status, hold = "held", DAILY_CAP
        elif until is not None:
            send_after, hold = until, QUIET
        rows.append(
            Notification(
                customer_id=customer_id, msisdn=msisdn, recipient="customer",
                channel=settings.channel, rule=notice.rule, period=notice.period,
                threshold=notice.threshold, country=notice.country, ticket_id=notice.ticket_id,
                text=notice.text, status=status, created_at=notice.at, send_after=send_after,
                attempts=0, dedup_key=notice.dedup_key, hold_reason=hold,
            )
        )  # fmt: skip
    session.add_all(rows)
    return rows
