"""What the users and roles pages (用户与角色) show and read: users as rows of a paged list, the
user form as typed with its problems by field, the role → permission matrix grouped by domain,
a user's audit trail, and the services' English reasons said in the page's language."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.auth import accounts, audit, roles
from closeloop.auth.models import AuditEntry, Role, User
from closeloop.auth.passwords import MIN_PASSWORD_LENGTH
from closeloop.console.admin_views import Reasons, say_reason
from closeloop.console.labels import N_
from closeloop.kit.errors import CloseLoopError, Conflict, InvalidInput
from closeloop.organisation.service import list_stations
from closeloop.runtime.work import Work

Gettext = Callable[[str], str]

PAGE_SIZE = 50
AUDIT_SHOWN = 20
STATES = {"": N_("All"), "active": N_("Enabled"), "disabled": N_("Disabled")}

# Permissions grouped by the domain their code starts with, in the order the matrix shows them.
DOMAINS: dict[str, str] = {
    "users": N_("Users, roles and audit"),
    "audit": N_("Users, roles and audit"),
    "org": N_("Organisation"),
    "customers": N_("Customers"),
    "contacts": N_("Customers"),
    "tickets": N_("Tickets and reports"),
    "compensations": N_("Tickets and reports"),
    "reports": N_("Tickets and reports"),
    "kb": N_("Knowledge base"),
    "care": N_("Proactive care"),
    "notifications": N_("Proactive care"),
    "subscriptions": N_("Proactive care"),
    "tmf": N_("TM Forum interfaces"),
    "problems": N_("Problem management"),
    "alarms": N_("Problem management"),
    "credit": N_("Credit and arrears"),
    "surveys": N_("Surveys and quality inspection"),
    "qa": N_("Surveys and quality inspection"),
    "wfm": N_("Workforce"),
    "chats": N_("Channels"),
    "cti": N_("Channels"),
    "opinion": N_("Public opinion"),
    "kpis": N_("KPIs"),
    "value": N_("Customer value and retention"),
    "retention": N_("Customer value and retention"),
}
OTHER_DOMAIN = N_("Other")
TYPE_OR_GENERATE = N_("Type a password of at least %(count)s characters, or let one be generated.")

# What each permission allows, as the matrix says it (the catalogue's English text otherwise).
PERMISSION_TEXTS: dict[str, str] = {
    "audit.read": N_("Read the audit log"),
    "users.manage": N_("Create, change and disable users; edit what each role may do"),
    "org.read": N_("Read stations, calendars and taxonomies"),
    "org.manage": N_("Change stations, calendars and taxonomies"),
    "org.station.own": N_("Change the members and calendar of one's own station (station heads)"),
    "customers.read": N_("Read customers, plans and timelines (personal data masked)"),
    "customers.read_personal": N_("Read phone and ID numbers unmasked (every read audited)"),
    "customers.write": N_("Create and change customers"),
    "contacts.write": N_("Record a customer contact"),
    "customers.opt_out": N_("Record a customer's notification opt-outs"),
    "tickets.read": N_("Read tickets (station staff: those dispatched to their station)"),
    "tickets.create": N_("Open tickets"),
    "compensations.read": N_("Read compensation proposals"),
    "compensations.decide": N_("Approve or reject compensation proposals"),
    "reports.read": N_("Read operational reports (overtime, KPIs)"),
    "kb.read": N_("Read published knowledge articles and their scripts"),
    "kb.search": N_("Search the knowledge base and get suggestions for a ticket"),
    "kb.use": N_("Record that an article's answer was used in a ticket"),
    "kb.feedback": N_("Mark an article helpful or not helpful"),
    "kb.draft": N_("Write and change knowledge drafts, import articles"),
    "kb.submit": N_("Submit a draft for review"),
    "kb.approve": N_("Approve or reject an article in review"),
    "kb.publish": N_("Publish an approved article, roll back to an earlier version"),
    "kb.retire": N_("Retire a published article"),
    "notifications.read": N_("Read the notification outbox"),
    "subscriptions.read": N_("Read a customer's value-added service subscriptions"),
    "subscriptions.write": N_("Subscribe, cancel and renew value-added services for a customer"),
    "care.outages.read": N_("Read outage and cut-over notices"),
    "care.outages": N_("Declare and close outages and cut-overs (notifies the affected customers)"),
    "care.rules": N_("Read and change the proactive-care rules"),
    "tmf.tickets": N_("Use the TMF621 trouble-ticket API and its hub"),
    "tmf.customers": N_("Use the TMF629 customer API and its hub"),
    "tmf.communication": N_("Use the TMF681 communication API and its hub"),
    "problems.read": N_("Read problems, their linked tickets and alarms"),
    "problems.manage": N_(
        "Open, link, move and resolve problems (resolving replies their tickets)"
    ),
    "alarms.raise": N_("Send network alarms (monitoring systems: raise, update, clear)"),
    "credit.read": N_("Read customers' credit, arrears and ladder step, and the credit policy"),
    "credit.dispute": N_("Record a customer's arrears dispute (pauses the ladder for that bill)"),
    "credit.policy": N_("Change the credit policy (ladder, grades, scoring, rewards)"),
    "credit.reports": N_("Read the credit reports (ageing, arrears rate, write-offs, recovery)"),
    "surveys.read": N_("Read survey campaigns and their results"),
    "surveys.write": N_("Start survey campaigns"),
    "qa.read": N_("Read every agent's quality reviews and scores"),
    "qa.review": N_("Score sampled tickets against a rubric"),
    "qa.manage": N_("Write rubrics, draw samples, assign coaching"),
    "qa.settle": N_("Settle an agent's dispute of a review as the second reviewer"),
    "qa.own": N_("Read one's own quality reviews and score"),
    "qa.dispute": N_("Dispute one's own review once, with a reason"),
    "wfm.read": N_("Read contact volumes, forecasts, intraday load, occupancy and the roster"),
    "wfm.plan": N_("Build and publish rosters, import volume history, set agents' states"),
    "wfm.state": N_("Record one's own state (signed in, on contact, after-contact work, break)"),
    "chats.handle": N_("Take and answer live chats handed over by the bot"),
    "chats.oversee": N_("See every agent's live chats"),
    "cti.events": N_("Report phone calls (ringing, answered, ended) as the phone system"),
    "mail.read": N_("Read the mails of the tickets one may see"),
    "mail.reply": N_("Answer a ticket's customer by e-mail"),
    "mail.attachments": N_("Download the files customers sent by e-mail"),
    "opinion.ingest": N_("Send social posts to the opinion webhook (a crawler's scope)"),
    "opinion.read": N_("Read watched posts and the opinion report"),
    "opinion.reply": N_("Record the public reply given to a post"),
    "opinion.watch": N_("Change the watch rules (brand, product and hotline terms, exclusions)"),
    "kpis.read": N_("Read KPIs, targets, scorecards and reports"),
    "kpis.targets": N_("Set KPI targets and scorecard weights"),
    "value.read": N_("Read customers' value, lifecycle, churn risk and retention candidates"),
    "value.reports": N_("Read the value page: segment sizes, lifecycle flows, churn risk"),
    "retention.work": N_("Read retention tasks and record their outcomes"),
    "retention.plan": N_("Open retention tasks for the best candidates"),
}
# The permissions the admin role keeps whatever is posted (else nobody could manage users).
KEPT_BY_ADMIN = frozenset({accounts.MANAGE})


# -- the services' reasons in the page's language ----------------------------------------------

_REASONS: Reasons = (
    (re.compile(r"^use 2–64 lowercase letters"),
     N_("Use 2–64 lowercase letters, digits, dot, dash or underscore, starting with a letter "
        "or digit.")),
    (re.compile(r"^must be at least (?P<count>\d+) characters long$"),
     N_("At least %(count)s characters.")),
    (re.compile(r"^at least one role is required$"), N_("Choose at least one role.")),
    (re.compile(r"^unknown role\(s\): (?P<value>.*)$"), N_("Unknown role(s): %(value)s.")),
    (re.compile(r"^station staff must be bound to a station$"),
     N_("Station staff must be bound to a station.")),
    (re.compile(r"^no station '(?P<value>.*)'$"), N_("Choose a station from the list.")),
    (re.compile(r"^station '(?P<value>.*)' is retired$"),
     N_("Station %(value)s is retired; choose another.")),
    (re.compile(r"^(1–64|at most 64) characters$"), N_("At most 64 characters, not empty.")),
    (re.compile(r"^user '(?P<value>.*)' already exists$"),
     N_("The username %(value)s is taken.")),
    (re.compile(r"^(?P<value>\S+) is the last active user who can manage users"),
     N_("%(value)s is the last active user who can manage users; give another user that "
        "permission first.")),
    (re.compile(r"^the admin role must keep"),
     N_("The administrator role must keep “Create, change and disable users; edit what each "
        "role may do”, or nobody could manage users.")),
    (re.compile(r"^permissions: unknown permission\(s\): (?P<value>.*)$"),
     N_("Unknown permission(s): %(value)s.")),
)  # fmt: skip


def say(gettext: Gettext, reason: str) -> str:
    """A users-or-roles reason (English) in the page's language; unknown ones as they are."""
    return say_reason(_REASONS, gettext, reason)


def refusal(exc: CloseLoopError) -> tuple[str, str]:
    """The form field a service's refusal is about ("" for the whole form) and its reason."""
    if isinstance(exc, InvalidInput):
        errors = exc.extra.get("errors") or [{}]
        loc = [str(part) for part in errors[0].get("loc", [])]
        if loc and errors[0].get("msg"):
            return loc[0], str(errors[0]["msg"])
        return "", exc.detail
    if isinstance(exc, Conflict) and exc.detail.endswith("already exists"):
        return "username", exc.detail
    return "", exc.detail


# -- the list of users ---------------------------------------------------------------------------


@dataclass(frozen=True)
class UserFilter:
    """What the list is searched for: text in the name, a role, a station, enabled or not."""

    text: str = ""
    role: str = ""
    station: str = ""
    state: str = ""
    page: int = 1

    @classmethod
    def of(cls, query: Mapping[str, str]) -> UserFilter:
        """The filter a list URL's query asks for (unknown values ignored)."""
        page = query.get("page", "1")
        state = query.get("state", "")
        return cls(
            text=query.get("q", "").strip()[:64],
            role=query.get("role", "").strip()[:32],
            station=query.get("station", "").strip()[:32],
            state=state if state in STATES else "",
            page=max(1, int(page)) if page.isascii() and page.isdigit() and len(page) < 6 else 1,
        )


@dataclass(frozen=True)
class UserRow:
    """A user as the user page shows them."""

    user: User
    recent_failures: int  # failed sign-ins of the last ten minutes (what the throttle counts)


@dataclass(frozen=True)
class UserPage:
    """One page of the list: its rows and whether there is a next one."""

    rows: list[User]
    page: int
    has_next: bool


def user_page(work: Work, wanted: UserFilter) -> UserPage:
    """The page of users the filter asks for (PAGE_SIZE of them; one more read to know whether
    another page follows)."""
    active = {"active": True, "disabled": False}.get(wanted.state)
    found = accounts.find_users(
        work.session,
        role=wanted.role or None,
        station=wanted.station or None,
        active=active,
        text=wanted.text or None,
        offset=(wanted.page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE + 1,
    )
    return UserPage(found[:PAGE_SIZE], wanted.page, len(found) > PAGE_SIZE)


@dataclass(frozen=True)
class StationChoice:
    """A station a user may be bound to (a retired one only where a user still is)."""

    code: str
    name: str
    retired: bool


def station_choices(session: Session) -> list[StationChoice]:
    """Every station by code, retired ones marked."""
    return [StationChoice(s.code, s.name, s.retired_at is not None) for s in list_stations(session)]


def role_codes(session: Session) -> list[str]:
    """Every role's code, in the order the pages list them (the administrator first)."""
    codes = list(session.scalars(select(Role.code)))
    return sorted(codes, key=lambda code: (code != "admin", code))


# -- the user form -------------------------------------------------------------------------------


@dataclass
class UserForm:
    """The create or edit form as typed, and its problems by field ("form": the whole form)."""

    username: str = ""
    display_name: str = ""
    roles: list[str] = field(default_factory=list)
    station: str = ""
    password: str = ""
    generate: bool = True
    problems: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of_user(cls, user: User) -> UserForm:
        """The edit form filled with the user as stored."""
        return cls(
            username=user.username,
            display_name=user.display_name,
            roles=user.role_codes,
            station=user.station_code or "",
        )

    def check_new(self, gettext: Gettext) -> bool:
        """Whether the create form can go to the service (the problems found before it)."""
        if not self.username:
            self.problems["username"] = gettext(N_("Please fill in this field."))
        if not self.generate and not self.password:
            self.problems["password"] = gettext(TYPE_OR_GENERATE) % {"count": MIN_PASSWORD_LENGTH}
        return not self.problems

    def refused(self, gettext: Gettext, exc: CloseLoopError) -> None:
        """Keep a service's refusal under the field it names."""
        name, reason = refusal(exc)
        known = {"username", "display_name", "roles", "station", "password"}
        self.problems[name if name in known else "form"] = say(gettext, reason)


# -- the role → permission matrix --------------------------------------------------------------


@dataclass(frozen=True)
class PermissionRow:
    """One permission of the matrix: its code, what it allows, the roles holding it."""

    code: str
    text: str  # message id, or the catalogue's English text
    granted: frozenset[str]


@dataclass(frozen=True)
class PermissionGroup:
    """The permissions of one domain."""

    name: str  # message id
    rows: list[PermissionRow]


@dataclass(frozen=True)
class Matrix:
    """Roles as columns, permissions grouped by domain as rows."""

    roles: list[roles.RoleGrants]
    groups: list[PermissionGroup]


def domain_of(permission: str) -> str:
    """The domain (message id) a permission is listed under."""
    return DOMAINS.get(permission.split(".", 1)[0], OTHER_DOMAIN)


def matrix(session: Session, posted: Mapping[str, Sequence[str]] | None = None) -> Matrix:
    """The matrix as stored, or as posted (a refused save shows what was ticked)."""
    grants = sorted(roles.matrix(session), key=lambda r: (r.code != "admin", r.code))
    if posted is not None:
        grants = [roles.RoleGrants(r.code, r.name, list(posted.get(r.code, ()))) for r in grants]
    holders: dict[str, set[str]] = {}
    for role in grants:
        for permission in role.permissions:
            holders.setdefault(permission, set()).add(role.code)
    order = [*dict.fromkeys(DOMAINS.values()), OTHER_DOMAIN]
    groups: dict[str, list[PermissionRow]] = {name: [] for name in order}
    for code, description in roles.catalogue(session).items():
        text = PERMISSION_TEXTS.get(code, description)
        groups[domain_of(code)].append(PermissionRow(code, text, frozenset(holders.get(code, ()))))
    return Matrix(grants, [PermissionGroup(name, rows) for name, rows in groups.items() if rows])


def posted_grants(
    form: Mapping[str, Sequence[str]], shown: Iterable[str], only: str = ""
) -> dict[str, list[str]]:
    """The permissions ticked for each role shown (checkboxes `grant.<role>`), or for `only`
    one."""
    codes = [only[:32]] if only else list(dict.fromkeys(code[:32] for code in shown))
    return {code: list(form.get(f"grant.{code}", ())) for code in codes}


# -- a user's audit trail ----------------------------------------------------------------------


@dataclass(frozen=True)
class Trail:
    """What was done to a user's account, and what they did, newest first."""

    about: list[AuditEntry]
    by: list[AuditEntry]


def trail(session: Session, user: User) -> Trail:
    """The user's recent audit entries: changes to their account and their own actions."""
    return Trail(
        about=audit.list_entries(
            session, entity_type="user", entity_id=str(user.id), limit=AUDIT_SHOWN
        ),
        by=audit.list_entries(session, actor=user.username, limit=AUDIT_SHOWN),
    )


def shown_once_headers() -> dict[str, str]:
    """Headers of a page showing a generated password: no cache keeps it."""
    return {"Cache-Control": "no-store", "Pragma": "no-cache"}
