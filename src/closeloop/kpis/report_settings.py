"""Who the monthly and quarterly reports are mailed to (报告收件人), as a business setting: a
list of e-mail addresses, each checked, the bad one named by its place in the list."""

from __future__ import annotations

import re
from typing import Any

from closeloop.runtime.business import BusinessSetting

KEY = "kpis.report_recipients"
ADDRESS = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\".]+$")


def addresses(value: Any, field: str = KEY) -> list[str]:
    """A list of e-mail addresses (a comma-separated text is split), duplicates dropped;
    ValueError naming the field and the place of the first bad one."""
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if not isinstance(value, list):
        raise ValueError(f"{field} must be a list of e-mail addresses")
    found: list[str] = []
    for place, item in enumerate(value):
        text = item.strip() if isinstance(item, str) else ""
        if not ADDRESS.match(text):
            raise ValueError(f"{field}[{place}] is not an e-mail address: {item!r}")
        if text.lower() not in (f.lower() for f in found):
            found.append(text)
    return found


REPORT_RECIPIENTS = BusinessSetting(
    key=KEY,
    name="月度/季度报告收件人",
    name_en="Monthly and quarterly report recipients",
    default=lambda _settings: [],
    parse=addresses,
)
