"""The labels of a classified post (标签), as in `data/opinion-dev/README.md`."""

from __future__ import annotations

from dataclasses import dataclass

SENTIMENTS = ("negative", "neutral", "positive")
CATEGORIES = ("signal", "activation", "sms", "ringback", "billing", "broadband", "service", "other")


@dataclass(frozen=True)
class Verdict:
    """What the classifier says about one post."""

    sentiment: str
    complaint: bool
    category: str
    urgent: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "sentiment": self.sentiment,
            "complaint": self.complaint,
            "category": self.category,
            "urgent": self.urgent,
        }
