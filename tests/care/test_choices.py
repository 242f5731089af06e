"""Care's sets (closeloop.care.choices) feed the outage notice and the TMF681 message state."""

from __future__ import annotations

from closeloop.care import choices, outages
from closeloop.tmf import messages


def test_outage_kinds_name_the_notice() -> None:
    assert outages.KINDS == {"outage": "故障", "cutover": "割接"}


def test_notification_statuses_map_to_tmf_states() -> None:
    assert messages.UNSENT == ("pending", "held", "failed")
    states = {s: messages.STATE[s] for s in choices.NOTIFICATION_STATUSES.codes}
    assert states == {
        "pending": "initial",
        "held": "initial",
        "sending": "inProgress",
        "sent": "completed",
        "delivered": "completed",
        "undelivered": "completed",
        "failed": "inProgress",
        "dead": "completed",
    }
