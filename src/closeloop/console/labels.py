"""Names shown for the codes the services use (statuses, actions, severities …).

Marked with `N_` so Babel extracts them; templates translate them at render time.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a message for extraction without translating it here."""
    return message


STATUSES: dict[str, str] = {
    "new": N_("New"),
    "expert": N_("At expert seat"),
    "dispatched": N_("Dispatched"),
    "in_progress": N_("In progress"),
    "pending": N_("Pending"),
    "replied": N_("Replied"),
    "closed": N_("Closed"),
    "cancelled": N_("Cancelled"),
}

ACTIONS: dict[str, str] = {
    "resolve": N_("Resolve"),
    "escalate": N_("Escalate to expert"),
    "dispatch": N_("Dispatch to station"),
    "accept": N_("Accept"),
    "return": N_("Return (misrouted)"),
    "hold": N_("Put on hold"),
    "resume": N_("Resume"),
    "reply": N_("Reply"),
    "callback": N_("Record callback"),
    "cancel": N_("Cancel"),
    "reopen": N_("Reopen"),
}

SEVERITIES: dict[str, str] = {
    "urgent": N_("Urgent"),
    "high": N_("High"),
    "normal": N_("Normal"),
    "low": N_("Low"),
}

CHANNELS: dict[str, str] = {
    "hotline": N_("Hotline"),
    "online": N_("Online"),
    "app": N_("App"),
    "sms": N_("SMS"),
    "social": N_("Social media"),
    "store": N_("Store"),
}

TYPES: dict[str, str] = {
    "fault": N_("Fault"),
    "complaint": N_("Complaint"),
    "inquiry": N_("Inquiry"),
    "request": N_("Request"),
    "suggestion": N_("Suggestion"),
}

SATISFACTION: dict[str, str] = {
    "satisfied": N_("Satisfied"),
    "basically_satisfied": N_("Basically satisfied"),
    "unsatisfied": N_("Unsatisfied"),
}

ROLES: dict[str, str] = {
    "admin": N_("Administrator"),
    "supervisor": N_("Supervisor"),
    "agent": N_("Front-line agent"),
    "expert": N_("Expert seat"),
    "callback": N_("Callback agent"),
    "editor": N_("Knowledge editor"),
    "station": N_("Station staff"),
    "client": N_("Machine client"),
}

ARTICLE_STATUSES: dict[str, str] = {
    "draft": N_("Draft"),
    "review": N_("In review"),
    "approved": N_("Approved"),
    "published": N_("Published"),
    "retired": N_("Retired"),
}

ARTICLE_ACTIONS: dict[str, str] = {
    "submit": N_("Submit for review"),
    "reject": N_("Send back to draft"),
    "approve": N_("Approve"),
    "publish": N_("Publish"),
    "retire": N_("Retire"),
}
