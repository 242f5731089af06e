"""Staff never read a one-time code: the outbox and the timeline show its SMS with the digits
hidden (the transport alone sends the text as written)."""

from __future__ import annotations

import re

VERIFICATION_RULE = "verification_code"
_DIGITS = re.compile(r"\d{4,}")


def readable_text(rule: str, text: str) -> str:
    """The text as staff may read it: a verification SMS with its code replaced by stars."""
    if rule != VERIFICATION_RULE:
        return text
    return _DIGITS.sub(lambda m: "*" * len(m.group()), text)
