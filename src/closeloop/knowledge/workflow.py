"""The article workflow as a table (知识审核流程): draft → review → approved → published → retired.

Pure data and functions, no database: the service asks `check` before every transition.
"""

from __future__ import annotations

from dataclasses import dataclass

from closeloop.kit.errors import Conflict
from closeloop.knowledge import choices

STATUSES: tuple[str, ...] = choices.STATUSES.codes


@dataclass(frozen=True)
class Transition:
    """One workflow action: the statuses it starts from, where it leads, who may take it."""

    action: str
    from_statuses: tuple[str, ...]
    to_status: str
    permission: str
    needs_live: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("submit", ("draft",), "review", "kb.submit"),
        Transition("reject", ("review",), "draft", "kb.approve"),
        Transition("approve", ("review",), "approved", "kb.approve"),
        Transition("publish", ("approved",), "published", "kb.publish"),
        # A live article can be retired whatever state its next revision is in.
        Transition(
            "retire", ("published", "draft", "review", "approved"), "retired", "kb.retire", True
        ),
    )
}

# Editing the working copy sends it back to draft from any state (approval must be redone).
EDITABLE_FROM = STATUSES


def allowed_actions(status: str, *, live: bool) -> list[str]:
    """The workflow actions possible now, in table order."""
    return [
        t.action
        for t in TRANSITIONS.values()
        if status in t.from_statuses and (live or not t.needs_live)
    ]


def check(action: str, status: str, *, live: bool) -> Transition:
    """The transition for `action`, or 409 naming the actions allowed from `status`."""
    transition = TRANSITIONS[action]
    if status not in transition.from_statuses or (transition.needs_live and not live):
        raise Conflict(
            f"cannot {action} an article that is {status}"
            + ("" if live or not transition.needs_live else " and not published"),
            extra={
                "from_status": status,
                "action": action,
                "allowed": allowed_actions(status, live=live),
            },
        )
    return transition
