"""The ticket workflow as data: which action moves a ticket from which status to which, for whom.

new → expert → dispatched → in_progress → replied → closed, plus pending (the station's clock
stops while waiting on the customer) and cancelled. The API, the console and the CLI all ask
this table; nothing else decides whether an action is allowed. The statuses and actions (with
their names) are declared in closeloop.tickets.choices; the table is checked against them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from closeloop.tickets import choices

STATUSES: tuple[str, ...] = choices.STATUSES.codes
OPEN_STATUSES = choices.STATUSES.tagged(choices.OPEN)
STATION_STATUSES = choices.STATUSES.tagged(choices.AT_STATION)

# Roles that act on behalf of a station must be staff of the ticket's current station.
STATION_ROLE = "station"
ADMIN_ROLE = "admin"


@dataclass(frozen=True)
class Transition:
    """One row of the table: `action` takes a ticket from one of `sources` to `target`."""

    action: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]

    @property
    def station_bound(self) -> bool:
        """Whether only staff of the ticket's current station may take it."""
        return STATION_ROLE in self.roles


def _t(action: str, sources: str, target: str, roles: str) -> Transition:
    return Transition(action, frozenset(sources.split()), target, frozenset(roles.split()))


# callback's target depends on the outcome (see callback_target); "replied" is its default.
TRANSITIONS: tuple[Transition, ...] = (
    _t("resolve", "new", "closed", "agent"),
    _t("resolve", "expert", "closed", "expert"),
    _t("escalate", "new", "expert", "agent"),
    _t("dispatch", "new expert", "dispatched", "expert supervisor"),
    _t("dispatch", "in_progress", "dispatched", "station"),
    _t("accept", "dispatched", "in_progress", "station"),
    _t("return", "dispatched in_progress", "expert", "station"),
    _t("hold", "in_progress", "pending", "station"),
    _t("resume", "pending", "in_progress", "station"),
    _t("reply", "in_progress", "replied", "station"),
    _t("callback", "replied", "replied", "agent callback"),
    _t("cancel", "new expert", "cancelled", "agent expert"),
    _t("reopen", "closed", "expert", "agent supervisor"),
)

ACTIONS: tuple[str, ...] = choices.ACTIONS.codes


def _check_table() -> None:
    """Every row names declared statuses and actions, and every declared action has a row."""
    used = {s for t in TRANSITIONS for s in (*t.sources, t.target)}
    problems = [f"undeclared status {s!r}" for s in sorted(used - set(STATUSES))]
    actions = {t.action for t in TRANSITIONS}
    problems += [f"undeclared action {a!r}" for a in sorted(actions - set(ACTIONS))]
    problems += [f"action {a!r} has no row" for a in ACTIONS if a not in actions]
    if problems:
        raise ValueError(f"the ticket workflow table: {'; '.join(problems)}")


_check_table()

# A closed ticket may be reopened this long after closing.
REOPEN_WITHIN = timedelta(days=7)

SATISFIED = choices.SATISFACTION.tagged(choices.SATISFIED)
SATISFACTIONS = choices.SATISFACTION.codes


def allowed_actions(status: str) -> list[str]:
    """Every action the table allows from this status, whoever takes it."""
    return [a for a in ACTIONS if any(t.action == a and status in t.sources for t in TRANSITIONS)]


def roles_for(action: str) -> frozenset[str]:
    """Every role that may take this action from some status (admin may take every action)."""
    roles = {ADMIN_ROLE}
    for t in TRANSITIONS:
        if t.action == action:
            roles |= t.roles
    return frozenset(roles)


def transition_for(action: str, status: str, roles: tuple[str, ...]) -> Transition | None:
    """The row that lets someone with `roles` take `action` from `status`, if any.

    When the action is allowed from the status but only for other roles, returns None too;
    callers tell the cases apart with `allowed_actions` and `roles_for`.
    """
    is_admin = ADMIN_ROLE in roles
    for t in TRANSITIONS:
        if t.action == action and status in t.sources and (is_admin or t.roles & set(roles)):
            return t
    return None


def callback_target(reached: bool, satisfaction: str | None) -> str:
    """Where a callback leaves the ticket: closed when satisfied, expert when not, else replied."""
    if not reached:
        return "replied"
    if satisfaction in SATISFIED:
        return "closed"
    return "expert"


def actions_for(status: str, roles: tuple[str, ...], station_matches: bool) -> list[str]:
    """The actions this user may take now (for menus): role and, for station rows, station."""
    result = []
    for action in ACTIONS:
        t = transition_for(action, status, roles)
        if t is not None and (station_matches or not needs_own_station(t, roles)):
            result.append(action)
    return result


def needs_own_station(transition: Transition, roles: tuple[str, ...]) -> bool:
    """Whether someone with `roles` may take this row only for their own station's tickets."""
    if not transition.station_bound or ADMIN_ROLE in roles:
        return False
    return not (transition.roles - {STATION_ROLE}) & set(roles)
