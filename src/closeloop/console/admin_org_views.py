"""What the organisation pages of the administration show and read (工位与分类管理): stations
as rows with their time limits typed as hours and minutes, a station's members, history and
the categories that suggest it, and the category and cause trees.

Durations are business time (the station's calendar): an administrator types `4h`, `90m`,
`4h30m`, `4:30`, `4 小时 30 分` or just `4` (hours); days are not offered, since a working day is
not 24 hours."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from closeloop.auth import audit, users
from closeloop.auth.models import AuditEntry, User
from closeloop.console import labels
from closeloop.console.admin_views import Gettext
from closeloop.console.labels import N_
from closeloop.kit.durations import iso_to_minutes, minutes_to_iso
from closeloop.kit.errors import InvalidInput
from closeloop.organisation import calendars, service, stations
from closeloop.organisation.choices import SEVERITIES
from closeloop.organisation.models import Category, Cause, Station
from closeloop.tickets.choices import AT_STATION, STATUSES
from closeloop.tickets.models import Ticket, TicketStationVisit

ACCEPT = "accept_within"
LIMIT_FIELDS = tuple(SEVERITIES.codes)  # urgent, high, normal, low: one input each
DURATION_FIELDS = (ACCEPT, *LIMIT_FIELDS)
HISTORY_SHOWN = 50

# -- durations typed the way an administrator thinks ------------------------------------------

_HOURS = r"(?P<h>\d+(?:\.\d+)?)\s*(?:h|hr|hrs|hour|hours|小时|个小时|时)"
_MINUTES = r"(?P<m>\d+)\s*(?:m|min|mins|minute|minutes|分钟|分)"
_SPELLED = re.compile(rf"^(?:{_HOURS})?\s*(?:{_MINUTES})?$")
_CLOCK = re.compile(r"^(?P<h>\d+):(?P<m>[0-5]\d)$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９：．", "0123456789:.")

CONFIRM = N_("Tick the box to confirm.")  # a retire form sent without its box ticked


def parse_duration(text: str) -> int | None:
    """Minutes in a duration as typed (`4h30m`, `90m`, `4:30`, `4.5`, `4 小时`, or ISO `PT4H`);
    None when it is not one."""
    text = text.strip().lower().translate(_FULL_WIDTH)
    if _NUMBER.match(text):
        return _hour_minutes(text)
    found = _CLOCK.match(text) or _SPELLED.match(text)
    if text and found and (found.group("h") or found.group("m")):
        hours = _hour_minutes(found.group("h") or "0")
        return None if hours is None else hours + int(found.group("m") or 0)
    if text.startswith("p"):
        try:
            return iso_to_minutes(text.upper())
        except ValueError:
            return None
    return None


def _hour_minutes(hours: str) -> int | None:
    """Minutes in a number of hours (4.5 → 270), None unless a whole number of minutes."""
    minutes = round(float(hours) * 60, 6)
    return int(minutes) if minutes.is_integer() else None


def duration_input(minutes: int) -> str:
    """A duration as the form shows it to be typed again: `4h`, `30m`, `4h30m`."""
    hours, rest = divmod(minutes, 60)
    return (f"{hours}h" if hours else "") + (f"{rest}m" if rest or not hours else "")


def duration_text(gettext: Gettext, minutes: int) -> str:
    """A duration in words of the page's language: 4 小时 30 分钟 / 4 h 30 min."""
    hours, rest = divmod(minutes, 60)
    parts = [gettext(N_("%(num)s h")) % {"num": hours}] if hours else []
    if rest or not hours:
        parts.append(gettext(N_("%(num)s min")) % {"num": rest})
    return " ".join(parts)


# -- the station form -------------------------------------------------------------------------

# A refused field's message in the page's language (the services word theirs in English).
FIELD_MESSAGES = {
    "code": N_("Use 2–32 lowercase letters, digits, dash or underscore, a letter first."),
    "name": N_("Please fill in this field (at most 64 characters)."),
    "name_en": N_("At most 128 characters."),
    "department": N_("Choose a department from the list."),
    "calendar": N_("Choose a calendar from the list."),
}
BAD_DURATION = N_("Enter hours and minutes, like 4h, 90m or 4h30m (a number alone is hours).")
DURATION_RANGE = N_("Enter at least 1 minute and at most 8784 hours.")
TAKEN = N_("A station with this code already exists.")


@dataclass
class StationForm:
    """A station's name and terms as typed; problems by field."""

    values: dict[str, str]
    problems: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, station: Station) -> StationForm:
        """The form filled with the station's values."""
        values = {
            "code": station.code,
            "name": station.name,
            "name_en": station.name_en or "",
            "department": station.department_code,
            "calendar": station.calendar_code,
            ACCEPT: duration_input(station.accept_minutes),
        }
        values |= {s: duration_input(station.limit_minutes(s)) for s in LIMIT_FIELDS}
        return cls(values)

    @classmethod
    def blank(cls) -> StationForm:
        """The create form with the usual terms (the model's defaults: 30 minutes to accept,
        4/8/24/72 hours to reply)."""
        columns = Station.__table__.c
        defaults = {ACCEPT: columns.accept_minutes.default}
        defaults |= {s: columns[f"limit_{s}_minutes"].default for s in LIMIT_FIELDS}
        values = {k: "" for k in ("code", "name", "name_en", "department", "calendar")}
        return cls(values | {k: duration_input(d.arg) for k, d in defaults.items() if d})

    def terms(self, gettext: Gettext, *, creating: bool) -> stations.StationTerms | None:
        """The terms for the stations service; None when a field is refused (kept by field)."""
        durations: dict[str, str] = {}
        for name in DURATION_FIELDS:
            minutes = parse_duration(self.values.get(name, ""))
            if minutes is None:
                self.problems[name] = gettext(BAD_DURATION)
            elif not 1 <= minutes <= stations.MAX_MINUTES:
                self.problems[name] = gettext(DURATION_RANGE)
            else:
                durations[name] = minutes_to_iso(minutes)
        if not self.values.get("name", "").strip():
            self.problems["name"] = gettext(FIELD_MESSAGES["name"])
        if self.problems:
            return None
        chosen = {k: self.values.get(k) or None for k in ("department", "calendar")}
        try:
            return stations.parse_terms(
                name=self.values["name"],
                name_en=self.values.get("name_en", ""),
                department=chosen["department"] if creating else None,
                calendar=chosen["calendar"] if creating else None,
                accept_within=durations[ACCEPT],
                time_limits={s: durations[s] for s in LIMIT_FIELDS},
            )
        except InvalidInput as exc:
            self.refused(gettext, exc)
            return None

    def refused(self, gettext: Gettext, exc: InvalidInput) -> None:
        """Keep a service's refusal under the field it names."""
        for name, reason in field_reasons(exc).items():
            message = FIELD_MESSAGES.get(name)
            self.problems[name] = gettext(message) if message else reason


def field_reasons(exc: InvalidInput) -> dict[str, str]:
    """A refusal's reasons by the last part of their location (`time_limits.urgent` → urgent)."""
    found: dict[str, str] = {}
    for error in exc.extra.get("errors", []):
        loc = [str(part) for part in error.get("loc", [])]
        name = next((p for p in reversed(loc) if not p.isdigit()), "") if loc else ""
        found.setdefault(name, str(error.get("msg", "")))
    return found or {"": exc.detail}


# -- stations as the pages show them ----------------------------------------------------------


@dataclass(frozen=True)
class StationRow:
    """A station as the stations page lists it."""

    code: str
    name: str
    name_en: str | None
    retired_at: datetime | None
    department: str
    calendar: str
    calendar_name: str
    accept_minutes: int
    limits: list[tuple[str, int]]  # (severity message id, minutes)
    members: int
    categories: list[tuple[str, str]]  # (code, names from the top level)


def _chain(by_code: Mapping[str, Category | Cause], code: str) -> list[Category | Cause]:
    """The node and those above it, following parents (three at most)."""
    found: list[Category | Cause] = []
    node = by_code.get(code)
    while node is not None and len(found) < 3:
        found.append(node)
        node = by_code.get(node.parent or "")
    return found


def paths(nodes: Sequence[Category | Cause]) -> dict[str, str]:
    """Every node's names from the top level, `信号 › 室内 › 弱覆盖`, following parents."""
    by_code = {n.code: n for n in nodes}
    return {code: " › ".join(n.name for n in reversed(_chain(by_code, code))) for code in by_code}


def _category_paths(session: Session) -> dict[str, str]:
    return paths(list(session.scalars(select(Category))))


def station_rows(session: Session) -> list[StationRow]:
    """Every station (retired ones last) with its terms, calendar, members and the categories
    that suggest it (five queries however many stations)."""
    calendar_names = calendars.calendar_names(session)
    departments = {d.code: d.name for d in service.list_departments(session)}
    counted: Counter[str] = Counter()
    for station, count in session.execute(
        select(User.station_code, func.count())
        .where(User.station_code.is_not(None))
        .group_by(User.station_code)
    ):
        counted[station or ""] = count
    paths = _category_paths(session)
    suggested: dict[str, list[tuple[str, str]]] = {}
    for code, station in session.execute(
        select(Category.code, Category.station_code)
        .where(Category.station_code.is_not(None), Category.retired_at.is_(None))
        .order_by(Category.code)
    ):
        suggested.setdefault(station or "", []).append((code, paths[code]))
    rows = [
        StationRow(
            code=s.code,
            name=s.name,
            name_en=s.name_en,
            retired_at=s.retired_at,
            department=departments.get(s.department_code, s.department_code),
            calendar=s.calendar_code,
            calendar_name=calendar_names.get(s.calendar_code, s.calendar_code),
            accept_minutes=s.accept_minutes,
            limits=[(labels.SEVERITIES[v], s.limit_minutes(v)) for v in LIMIT_FIELDS],
            members=counted[s.code],
            categories=suggested.get(s.code, []),
        )
        for s in service.list_stations(session)
    ]
    return sorted(rows, key=lambda r: (r.retired_at is not None, r.code))


@dataclass(frozen=True)
class Member:
    """A user bound to a station."""

    username: str
    name: str
    roles: list[str]  # role message ids


def members(session: Session, code: str) -> list[Member]:
    """The station's members by username."""
    return [
        Member(u.username, u.display_name or u.username,
               [labels.ROLES.get(r, r) for r in u.role_codes])
        for u in users.station_members(session, code)
    ]  # fmt: skip


@dataclass(frozen=True)
class TicketCounts:
    """What a station worked: tickets ever dispatched to it, and those open there now."""

    visited: int
    open_here: int


def ticket_counts(session: Session, code: str) -> TicketCounts:
    """How many tickets the station has had, and has open now."""
    visited = session.scalar(
        select(func.count())
        .select_from(TicketStationVisit)
        .where(TicketStationVisit.station == code)
    )
    open_here = session.scalar(
        select(func.count())
        .select_from(Ticket)
        .where(Ticket.station == code, Ticket.status.in_(STATUSES.tagged(AT_STATION)))
    )
    return TicketCounts(int(visited or 0), int(open_here or 0))


def history(session: Session, entity_type: str, code: str) -> list[AuditEntry]:
    """The record's audited changes, newest first."""
    return audit.list_entries(session, entity_type=entity_type, entity_id=code, limit=HISTORY_SHOWN)


def department_choices(session: Session) -> list[tuple[str, str]]:
    """(code, name) of every department."""
    return [(d.code, d.name) for d in service.list_departments(session)]


def calendar_choices(session: Session) -> list[tuple[str, str]]:
    """(code, name) of every calendar."""
    return list(calendars.calendar_names(session).items())


def category_choices(session: Session, station: str) -> list[tuple[str, str]]:
    """Active categories that do not suggest this station yet, with their names' paths."""
    paths = _category_paths(session)
    codes = session.scalars(
        select(Category.code)
        .where(Category.retired_at.is_(None))
        .where((Category.station_code != station) | Category.station_code.is_(None))
        .order_by(Category.code)
    )
    return [(code, paths[code]) for code in codes]


# -- the taxonomy trees -----------------------------------------------------------------------

TAXONOMIES: dict[str, type[Category] | type[Cause]] = {"categories": Category, "causes": Cause}
TREE_NAMES = {"categories": N_("Categories"), "causes": N_("Causes")}
NODE_MESSAGES = {
    "code": N_("Use lowercase letters, digits, dash or underscore, in up to three parts "
               "separated by / (e.g. signal/indoor/weak)."),
    "name": N_("Please fill in this field (at most 64 characters)."),
    "name_en": N_("At most 128 characters."),
    "station": N_("Choose a working station from the list."),
}  # fmt: skip
NODE_TAKEN = N_("This code is taken.")
PARENT_REASONS: tuple[tuple[str, str], ...] = (
    ("under itself", N_("A node cannot move under itself or under a node below it.")),
    ("would pass level", N_("The nodes below it would pass the third level there.")),
    ("the taxonomy has", N_("A node at the third level takes no children.")),
    ("is retired", N_("The chosen parent is retired.")),
    ("no ", N_("Choose a parent from the list.")),
)


def node_problems(gettext: Gettext, exc: InvalidInput) -> dict[str, str]:
    """A taxonomy service's refusal in the page's language, by field."""
    found: dict[str, str] = {}
    for name, reason in field_reasons(exc).items():
        if name == "parent":
            message = next((m for key, m in PARENT_REASONS if key in reason), None)
        else:
            message = NODE_MESSAGES.get(name)
        found[name] = gettext(message) if message else reason
    return found


@dataclass
class TreeNode:
    """A node of a taxonomy tree with the nodes under it."""

    code: str
    name: str
    name_en: str | None
    level: int
    retired: bool
    station: str | None
    children: list[TreeNode] = field(default_factory=list)


def tree(nodes: Sequence[Category | Cause]) -> list[TreeNode]:
    """The nodes (retired ones too) as a tree following `parent`, each level by code."""
    made = {
        n.code: TreeNode(
            n.code, n.name, n.name_en, n.level, n.retired_at is not None,
            n.station_code if isinstance(n, Category) else None,
        )
        for n in sorted(nodes, key=lambda n: n.code)
    }  # fmt: skip
    tops: list[TreeNode] = []
    for n in sorted(nodes, key=lambda n: n.code):
        parent = made.get(n.parent or "")
        (parent.children if parent else tops).append(made[n.code])
    return tops


def parent_choices(
    nodes: Sequence[Category | Cause], moving: str | None = None
) -> list[tuple[str, str]]:
    """Active nodes of the first two levels a node may go under, as (code, names' path); when
    `moving`, not that node nor those under it."""
    by_code = {n.code: n for n in nodes}
    choices = []
    for n in sorted(nodes, key=lambda n: n.code):
        above = _chain(by_code, n.code)
        if n.retired_at is not None or n.level >= 3:
            continue
        if moving is not None and any(a.code == moving for a in above):
            continue
        choices.append((n.code, " › ".join(a.name for a in reversed(above))))
    return choices


def node_form(node: Category | Cause | None = None) -> dict[str, Any]:
    """A node's editable fields as the forms show them."""
    if node is None:
        return {"code": "", "name": "", "name_en": "", "parent": "", "station": ""}
    return {
        "code": node.code,
        "name": node.name,
        "name_en": node.name_en or "",
        "parent": node.parent or "",
        "station": (node.station_code or "") if isinstance(node, Category) else "",
    }
