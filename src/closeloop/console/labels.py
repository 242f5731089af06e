"""Names shown for the codes the services use (statuses, actions, severities …).

Each set is declared once, with its Chinese and English name and badge tone, in its domain's
`choices.py`. Here the console picks the sets it shows, as code → English name: the English
name is the message id templates translate with `_()`, and `i18n.translations` adds the names
of every set in SHOWN to the catalogues, so they need no entry in messages.po.

Page texts are marked with `N_` so Babel extracts them; templates translate them at render time.
"""

from __future__ import annotations

from closeloop.auth import choices as auth
from closeloop.channels import choices as channels
from closeloop.credit import choices as credit
from closeloop.kit.choices import Choices
from closeloop.knowledge import choices as kb
from closeloop.organisation import choices as org
from closeloop.problems import choices as problems
from closeloop.tickets import choices as tickets
from closeloop.value import choices as value


def N_(message: str) -> str:
    """Mark a message for extraction without translating it here."""
    return message


SHOWN: tuple[Choices, ...] = (
    tickets.STATUSES,
    tickets.ACTIONS,
    tickets.SEVERITIES,
    tickets.CHANNELS,
    tickets.TYPES,
    tickets.SATISFACTION,
    auth.ROLES,
    org.ROLES,
    kb.STATUSES,
    kb.ACTIONS,
    problems.STATUSES,
    problems.SOURCES,
    problems.ALARM_SEVERITIES,
    problems.ROLES,
    credit.LINE_STATUSES,
    credit.ACTIONS,
    channels.TRACKING_STAGES,
    value.TIERS,
    value.STAGES,
    value.STRATEGIES,
    value.GROUPS,
    value.FEATURES,
)

STATUSES = tickets.STATUSES.labels("en")
ACTIONS = tickets.ACTIONS.labels("en")
SEVERITIES = tickets.SEVERITIES.labels("en")
CHANNELS = tickets.CHANNELS.labels("en")
TYPES = tickets.TYPES.labels("en")
SATISFACTION = tickets.SATISFACTION.labels("en")
ROLES = {**auth.ROLES.labels("en"), **org.ROLES.labels("en"), **problems.ROLES.labels("en")}
ARTICLE_STATUSES = kb.STATUSES.labels("en")
ARTICLE_ACTIONS = kb.ACTIONS.labels("en")
PROBLEM_STATUSES = problems.STATUSES.labels("en")
PROBLEM_SOURCES = problems.SOURCES.labels("en")
ALARM_SEVERITIES = problems.ALARM_SEVERITIES.labels("en")
PROBLEM_TONES = problems.STATUSES.tones()
LINE_STATUSES = credit.LINE_STATUSES.labels("en")
CREDIT_ACTIONS = credit.ACTIONS.labels("en")
VALUE_TIERS = value.TIERS.labels("en")
VALUE_TIER_TONES = value.TIERS.tones()
LIFECYCLE_STAGES = value.STAGES.labels("en")
LIFECYCLE_TONES = value.STAGES.tones()
STRATEGIES = value.STRATEGIES.labels("en")
VALUE_GROUPS = value.GROUPS.labels("en")
VALUE_GROUP_TONES = value.GROUPS.tones()
CHURN_FEATURES = value.FEATURES.labels("en")

# The badge class of a ticket status whose tone is not neutral (closed and cancelled are ok).
STATUS_TONES = {code: tone for code, tone in tickets.STATUSES.tones().items() if tone != "neutral"}


def translations(language: str) -> dict[str, str]:
    """English name → name in `language` of every shown choice whose name differs.

    ValueError when two shown choices share an English name but not the other one (the
    catalogue translates a message id one way only).
    """
    found: dict[str, str] = {}
    for choices in SHOWN:
        for choice in choices:
            name = choice.label(language)
            if found.setdefault(choice.en, name) != name:
                raise ValueError(
                    f"{choice.en!r} is shown as both {found[choice.en]!r} and {name!r}"
                )
    return {en: name for en, name in found.items() if name != en}
