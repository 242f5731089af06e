"""The care rules as operators see and change them (关怀规则设置): on or off, and parameters.

The defaults live in care/rules.py; an operator's changes are a `care_rules` row per rule,
overlaid on the defaults when the rules are loaded. Every change is audited.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.care.models import CareRule
from closeloop.care.rules import DEFAULT_RULES, RuleSettings, load_rules, validate_params
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock, system_clock
from closeloop.kit.errors import InvalidInput, NotFound

PERMISSION = "care.rules"


def rules_in_force(session: Session, actor: Actor) -> list[RuleSettings]:
    """Every care rule as it works now: its defaults overlaid with operators' changes."""
    actor.require(PERMISSION)
    return list(load_rules(session).values())


def edit_rule(
    session: Session,
    actor: Actor,
    rule: str,
    *,
    enabled: bool | None = None,
    params: dict[str, Any] | None = None,
    clock: Clock = system_clock,
) -> RuleSettings:
    """Switch a rule on or off and/or change some of its parameters; the rule as it now works.

    `None` leaves a setting as it is; given parameters are merged over those changed before.
    404 for a rule that does not exist; 422 (at `body.params`) for parameters the rule does
    not take or values out of range, and then nothing changes.
    """
    actor.require(PERMISSION)
    if rule not in DEFAULT_RULES:
        raise NotFound(f"no rule {rule!r}")
    current = load_rules(session)[rule]
    row = session.get(CareRule, rule)
    stored = json.loads(row.params) if row else {}
    if params is not None:
        problem = validate_params(rule, params)
        if problem:
            raise InvalidInput.field(["body", "params"], problem)
        stored.update(params)
    on = current.enabled if enabled is None else enabled
    if row is None:
        row = CareRule(rule=rule)
        session.add(row)
    row.enabled, row.params = on, json.dumps(stored)
    row.updated_at, row.updated_by = clock.now(), actor.username
    audit.record(
        session, actor, "care.rule", "care_rule", rule,
        f"enabled={on} params={json.dumps(stored)}", clock=clock,
    )  # fmt: skip
    session.flush()
    return load_rules(session)[rule]
