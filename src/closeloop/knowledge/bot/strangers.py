"""Messages outside any telecom FAQ's scope (范围外消息), written for the bot's calibration.

`data/out_of_scope.txt` holds them: everyday requests and messages made to sound like the
FAQ. Calibration asks all of them of its indexes; a live index is asked an even sample
(`sample`) to learn how its scores look on messages it cannot answer (`chat.limits_for`).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from closeloop.knowledge.bot import decisions as bot

SAMPLE = 120  # messages asked of a live index


@lru_cache(maxsize=1)
def out_of_scope() -> tuple[str, ...]:
    """The shipped out-of-scope messages that no hand-over rule catches first."""
    text = resources.files("closeloop.knowledge").joinpath("data", "out_of_scope.txt")
    lines = [line.strip() for line in text.read_text("utf-8").splitlines()]
    return tuple(
        line
        for line in lines
        if line and not line.startswith("#") and bot.ruled_handoff(line) is None
    )


def sample(messages: tuple[str, ...], size: int = SAMPLE) -> list[str]:
    """An even, fixed sample of the messages (all of them when there are few)."""
    if len(messages) <= size:
        return list(messages)
    step = len(messages) / size
    return [messages[int(i * step)] for i in range(size)]
