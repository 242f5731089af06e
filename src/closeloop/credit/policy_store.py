"""The credit policy in force and its versions (every change kept, audited, never overwritten)."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.credit.models import CreditPolicyVersion
from closeloop.credit.policy import DEFAULT_DOCUMENT, Policy, PolicyProblem, merged, parse
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock
from closeloop.kit.errors import InvalidInput

_CACHE = "closeloop.credit.policy"


def document_in_force(session: Session) -> dict[str, Any]:
    """The newest policy document (the default until someone changes it)."""
    newest = session.scalar(
        select(CreditPolicyVersion.document).order_by(CreditPolicyVersion.id.desc()).limit(1)
    )
    return copy.deepcopy(newest if newest is not None else DEFAULT_DOCUMENT)


def policy_in_force(session: Session) -> Policy:
    """The policy in force, read once per unit of work."""
    cached = session.info.get(_CACHE)
    if isinstance(cached, Policy):
        return cached
    policy = parse(document_in_force(session))
    session.info[_CACHE] = policy
    return policy


def change_policy(session: Session, actor: Actor, submitted: Any, clock: Clock) -> dict[str, Any]:
    """Store a new version from a (partial) document; a wrong field is a 422 naming it."""
    actor.require("credit.policy")
    try:
        document = merged(document_in_force(session), submitted)
        parse(document)
    except PolicyProblem as problem:
        raise InvalidInput.field(["body", *problem.loc], problem.msg) from None
    session.add(
        CreditPolicyVersion(document=document, created_at=clock.now(), created_by=actor.username)
    )
    session.info.pop(_CACHE, None)
    changed = ", ".join(sorted(submitted)) if isinstance(submitted, dict) else ""
    audit.record(
        session,
        actor,
        "credit.policy",
        "credit_policy",
        "ladder",
        f"changed {changed}",
        clock=clock,
    )
    return document
