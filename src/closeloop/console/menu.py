"""The console's main menu (主菜单) as data: groups of pages, each page shown to the roles whose
permissions open it. base.html draws what `menu_for` returns; a new page adds one entry here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from closeloop.console.labels import N_
from closeloop.kit.actor import Actor


def _can(*permissions: str) -> Callable[[Actor], bool]:
    return lambda actor: any(actor.can(p) for p in permissions)


def _everyone(actor: Actor) -> bool:
    return True


@dataclass(frozen=True)
class MenuEntry:
    """One page in the menu: the `active` key its template sets, where it is, its name, and
    who sees it (`href` may depend on the reader, as the administration's first page does)."""

    key: str
    href: str | Callable[[Actor], str]
    label: str
    shown: Callable[[Actor], bool]

    def link(self, actor: Actor) -> str:
        """Where this entry leads for this reader."""
        return self.href(actor) if callable(self.href) else self.href


@dataclass(frozen=True)
class MenuGroup:
    """A heading of the menu and its pages, in order."""

    label: str
    entries: tuple[MenuEntry, ...]


def _quality_mine(actor: Actor) -> bool:
    return not actor.can("qa.read") and actor.can("qa.own")


def _own_station(actor: Actor) -> bool:
    managing = actor.can("org.manage") or actor.can("users.manage")
    return not managing and actor.can("org.station.own") and bool(actor.station)


def _admin_home(actor: Actor) -> str:
    return "/console/admin/calendars" if actor.can("org.manage") else "/console/admin/users"


MENU: tuple[MenuGroup, ...] = (
    MenuGroup(
        N_("Front line"),
        (
            MenuEntry("work", "/console", N_("My work"), _everyone),
            MenuEntry("intake", "/console/tickets/new", N_("New ticket"), _can("tickets.create")),
            MenuEntry("chats", "/console/chats", N_("Live chat"), _can("chats.handle")),
        ),
    ),
    MenuGroup(
        N_("Service quality"),
        (
            MenuEntry("surveys", "/console/surveys", N_("Surveys"), _can("surveys.read")),
            MenuEntry("qa", "/console/qa", N_("Quality inspection"), _can("qa.read")),
            MenuEntry("qa-mine", "/console/qa/mine", N_("My quality reviews"), _quality_mine),
        ),
    ),
    MenuGroup(
        N_("Operations analysis"),
        (
            MenuEntry("dashboard", "/console/dashboard", N_("Dashboard"), _can("reports.read")),
            MenuEntry("kpis", "/console/kpis", N_("KPIs"), _can("kpis.read")),
            MenuEntry("problems", "/console/problems", N_("Problems"), _can("problems.read")),
            MenuEntry("opinion", "/console/opinion", N_("Public opinion"), _can("opinion.read")),
            MenuEntry(
                "credit", "/console/credit", N_("Credit and arrears"), _can("credit.reports")
            ),
        ),
    ),
    MenuGroup(
        N_("Knowledge base"),
        (
            MenuEntry("knowledge", "/console/knowledge", N_("Knowledge"), _can("kb.search")),
            MenuEntry(
                "kb-manage",
                "/console/knowledge/manage",
                N_("Edit knowledge"),
                _can("kb.draft", "kb.approve"),
            ),
        ),
    ),
    MenuGroup(
        N_("Management"),
        (
            MenuEntry("wfm", "/console/wfm", N_("Workforce"), _can("wfm.read", "wfm.state")),
            MenuEntry(
                "admin", _admin_home, N_("Administration"), _can("org.manage", "users.manage")
            ),
            MenuEntry(
                "admin",
                lambda actor: f"/console/admin/stations/{actor.station}",
                N_("My station"),
                _own_station,
            ),
        ),
    ),
)


@dataclass(frozen=True)
class ShownEntry:
    """A menu entry as one reader sees it."""

    key: str
    href: str
    label: str


def menu_for(actor: Actor) -> list[tuple[str, list[ShownEntry]]]:
    """The groups this reader sees, each with the pages it may open (empty groups left out)."""
    shown: list[tuple[str, list[ShownEntry]]] = []
    for group in MENU:
        entries = [
            ShownEntry(entry.key, entry.link(actor), entry.label)
            for entry in group.entries
            if entry.shown(actor)
        ]
        if entries:
            shown.append((group.label, entries))
    return shown
