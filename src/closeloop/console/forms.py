"""Console forms: what a ticket form posts, turned into the services' bodies, and the
field messages shown when the input is refused (表单校验)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from closeloop.console.labels import N_
from closeloop.customers.rules import msisdn_problem
from closeloop.kit.errors import InvalidInput
from closeloop.tickets.actions import HANDLERS
from closeloop.tickets.schemas import AppointmentIn, TicketIn

REQUIRED = N_("Please fill in this field.")
TOO_LONG = N_("This is too long.")
CHOOSE = N_("Please choose one of the options.")
SCORE = N_("Enter a whole number from 1 to 5.")
NO_CUSTOMER = N_("No customer has this number.")
USED_FORM = N_("This form already opened a ticket. Reload the page to open another.")
BAD_NUMBER = N_("Not a mainland mobile number (11 digits starting with 13–19).")
SATISFACTION = N_("Choose how satisfied the customer is.")
VISIT_DAY = N_("Choose the day of the visit.")
VISIT_TIME = N_("Give the time as hh:mm.")
# the visit window's rules (tickets.appointment_rules), as the console shows them
VISIT_RULES = (
    N_("the visit cannot start in the past"),
    N_("the visit window must end after it starts"),
    N_("the visit window must last at least 15 minutes"),
    N_("the visit window may last at most 8 hours"),
    N_("the visit window must lie within the station's business hours"),
)
VISIT_FIELDS = {"start": "visit_from", "end": "visit_to"}
BY_FIELD: dict[str, str] = {
    "category": N_("Choose a category from the list."),
    "cause_code": N_("Choose a cause from the list."),
    "station": N_("Choose a station from the list."),
    "satisfaction": SATISFACTION,
    "score": SCORE,
}
CHOICE_FIELDS = frozenset({"category", "cause_code", "station", "channel", "type", "severity"})
# A rule about the whole body (loc empty) is shown beside this field.
MODEL_FIELD: dict[str, str] = {"callback": "satisfaction", "intake": "msisdn"}


class ActionForm(BaseModel):
    """Every field an action form of the ticket page may post (all text, checked later)."""

    csrf_token: str = ""
    version: str = ""  # the ticket's version when the form was shown (sent as If-Match)
    seen: str = ""  # how many history entries the page showed
    note: str = ""
    reason: str = ""
    station: str = ""
    cause_code: str = ""
    resolution: str = ""
    reached: str = ""
    satisfaction: str = ""
    score: str = ""
    comment: str = ""


class VisitForm(BaseModel):
    """The technician's visit form: a local day and the window's two times."""

    csrf_token: str = ""
    version: str = ""
    visit_date: str = ""
    visit_from: str = ""
    visit_to: str = ""


class IntakeForm(BaseModel):
    """The intake form: the customer, the ticket, and what to do next."""

    csrf_token: str = ""
    msisdn: str = ""
    channel: str = ""
    type: str = ""
    category: str = ""
    severity: str = ""
    title: str = ""
    description: str = ""
    region: str = ""
    cell_id: str = ""
    address: str = ""
    resolution: str = ""
    cause_code: str = ""
    note: str = ""
    then: str = "create"  # create, resolve (resolved on this contact), escalate, preview
    intake_key: str = ""  # one per form shown: a second click opens no second ticket
    opened_at: str = ""  # when the form was first shown: the call's handling time starts there
    contact_id: str = ""  # the incoming contact (an SMS, a mail, a call) the form started from


class FormRefused(Exception):
    """Input refused before any service ran: messages by field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


def whole_number(value: str) -> int | None:
    """A non-negative integer typed in a form, or None."""
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def action_body(action: str, form: ActionForm) -> BaseModel:
    """The body of `action` from the posted form; FormRefused when it does not validate."""
    body_type = HANDLERS[action][0]
    posted = form.model_dump()
    values: dict[str, Any] = {}
    for name, field in body_type.model_fields.items():
        raw = str(posted.get(name, "")).strip()
        if raw or field.is_required():
            values[name] = raw
    if action == "callback":
        values["reached"] = form.reached.strip().lower() not in ("no", "false", "0")
    try:
        return body_type.model_validate(values)
    except ValidationError as exc:
        raise FormRefused(problems(exc, MODEL_FIELD.get(action, "note"))) from exc


def ticket_in(form: IntakeForm) -> TicketIn:
    """The new ticket from the intake form; FormRefused when it does not validate."""
    where = {"region": form.region, "cell_id": form.cell_id, "address": form.address}
    given = {k: v.strip() for k, v in where.items() if v.strip()}
    values: dict[str, Any] = {
        "msisdn": form.msisdn.strip() or None,
        "channel": form.channel,
        "type": form.type,
        "category": form.category,
        "severity": form.severity,
        "title": form.title,
        "description": form.description,
        "location": given or None,
    }
    number = form.msisdn.strip()
    errors = {"msisdn": REQUIRED if not number else BAD_NUMBER} if msisdn_problem(number) else {}
    try:
        data = TicketIn.model_validate(values)
    except ValidationError as exc:
        raise FormRefused({**problems(exc, "msisdn"), **errors}) from exc
    if errors:
        raise FormRefused(errors)
    return data


def problems(exc: ValidationError | InvalidInput, fallback: str) -> dict[str, str]:
    """A message (an English message id) for each refused field; whole-body rules go to
    `fallback`."""
    found: dict[str, str] = {}
    if isinstance(exc, ValidationError):
        for error in exc.errors():
            loc = [str(part) for part in error["loc"]]
            field = loc[-1] if loc else fallback
            found.setdefault(field, _message(field, error["type"], str(error["msg"])))
        return found
    for error in exc.extra.get("errors", []):
        loc = [str(part) for part in error.get("loc", [])]
        field = loc[-1] if loc else fallback
        found.setdefault(field, _message(field, "service", str(error.get("msg", ""))))
    return found or {fallback: exc.detail}


def _message(field: str, kind: str, text: str) -> str:
    if field == "Idempotency-Key":
        return USED_FORM
    if field == "msisdn":
        if "give customer_id" in text:
            return REQUIRED
        return NO_CUSTOMER if "no customer" in text else BAD_NUMBER
    if kind in ("missing", "string_too_short"):
        return BY_FIELD.get(field, CHOOSE) if field in CHOICE_FIELDS else REQUIRED
    if kind == "string_too_long":
        return TOO_LONG
    if kind in ("literal_error", "enum"):
        return CHOOSE
    return BY_FIELD.get(field, text)


def visit_window(form: VisitForm, tz: ZoneInfo) -> AppointmentIn:
    """The visit window typed as a local day and two times; FormRefused naming the field."""
    errors: dict[str, str] = {}
    try:
        day = date.fromisoformat(form.visit_date.strip())
    except ValueError:
        errors["visit_date"] = VISIT_DAY
    times: dict[str, time] = {}
    for name in ("visit_from", "visit_to"):
        try:
            times[name] = time.fromisoformat(getattr(form, name).strip())
        except ValueError:
            errors[name] = VISIT_TIME
    if errors:
        raise FormRefused(errors)
    return AppointmentIn(
        start=datetime.combine(day, times["visit_from"], tz),
        end=datetime.combine(day, times["visit_to"], tz),
    )
