"""Changing the watch rules (监测词管理); defaults written at install."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.kit.clock import system_clock
from closeloop.kit.errors import Conflict, InvalidInput, NotFound
from closeloop.opinion.models import WatchRule
from closeloop.opinion.watch import KINDS, default_rules
from closeloop.runtime.work import Work


def list_rules(work: Work) -> list[WatchRule]:
    work.actor.require("opinion.read")
    return list(work.session.scalars(select(WatchRule).order_by(WatchRule.kind, WatchRule.term)))


def add_rule(work: Work, kind: str, term: str) -> WatchRule:
    """A new active term; an inactive one with the same text is switched back on."""
    work.actor.require("opinion.watch")
    if kind not in KINDS:
        raise InvalidInput.field("kind", f"one of {', '.join(KINDS)}")
    term = term.strip()
    if not term:
        raise InvalidInput.field("term", "must not be empty")
    rule = work.session.scalar(select(WatchRule).where(WatchRule.term == term))
    if rule is not None and rule.active:
        raise Conflict(f"{term!r} is already watched ({rule.kind})")
    if rule is None:
        rule = WatchRule(kind=kind, term=term, active=True, created_at=work.now())
        work.session.add(rule)
    rule.kind, rule.active = kind, True
    work.session.flush()
    audit.record(work.session, work.actor, "opinion.watch.add", "opinion_watch_rule", rule.id,
                 f"{kind} {term}", clock=work.clock)  # fmt: skip
    return rule


def retire_rule(work: Work, rule_id: int) -> WatchRule:
    work.actor.require("opinion.watch")
    rule = work.session.get(WatchRule, rule_id)
    if rule is None:
        raise NotFound(f"no watch rule {rule_id}")
    rule.active = False
    audit.record(work.session, work.actor, "opinion.watch.retire", "opinion_watch_rule",
                 rule.id, f"{rule.kind} {rule.term}", clock=work.clock)  # fmt: skip
    return rule


def write_defaults(session: Session) -> int:
    """The default watch terms (written once; an operator's changes are kept)."""
    if session.scalar(select(WatchRule.id).limit(1)) is not None:
        return 0
    now = system_clock.now()
    rules = [WatchRule(kind=k, term=t, active=True, created_at=now) for k, t in default_rules()]
    session.add_all(rules)
    return len(rules)
