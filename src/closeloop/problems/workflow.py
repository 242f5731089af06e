"""The problem workflow as data (问题单流程): open → investigating → known error → resolved →
closed. Pure: the service asks this table whether a move is allowed."""

from __future__ import annotations

from dataclasses import dataclass

from closeloop.problems.choices import STATUSES


@dataclass(frozen=True)
class Move:
    """One row: `action` takes a problem from one of `sources` to `target`."""

    action: str
    sources: frozenset[str]
    target: str


def _m(action: str, sources: str, target: str) -> Move:
    return Move(action, frozenset(sources.split()), target)


MOVES: tuple[Move, ...] = (
    _m("investigate", "open", "investigating"),
    _m("known_error", "open investigating", "known_error"),
    _m("resolve", "open investigating known_error", "resolved"),
    _m("close", "resolved", "closed"),
)
ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(m.action for m in MOVES))
# The moves taken with a note alone (resolve needs a cause and a resolution).
NOTE_ACTIONS = ("investigate", "known_error", "close")

assert {s for m in MOVES for s in (*m.sources, m.target)} <= set(STATUSES.codes)


def target(action: str, status: str) -> str | None:
    """Where `action` takes a problem that is `status`, or None when it may not."""
    for move in MOVES:
        if move.action == action and status in move.sources:
            return move.target
    return None


def allowed(status: str) -> list[str]:
    """The actions allowed from `status`, in table order."""
    return [a for a in ACTIONS if target(a, status) is not None]
