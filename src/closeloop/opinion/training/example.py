"""One labelled training post (标注样本)."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Example:
    """One labelled post."""

    text: str
    sentiment: str
    complaint: bool
    category: str
    urgent: bool

    def as_dict(self) -> dict[str, object]:
        return asdict(self)
