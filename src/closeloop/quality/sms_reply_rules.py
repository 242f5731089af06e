"""Reading a survey answer from an SMS reply (短信回复评价), pure: "1"–"5" (any width of digit,
a trailing 分) or, for satisfaction, the words 非常满意 … 非常不满意 — only a whole reply that is
an answer counts; anything else is a message for an agent."""

from __future__ import annotations

from closeloop.quality.instruments import Item

# satisfaction in words, on the CSAT scale (1 = 非常不满意 … 5 = 非常满意)
SATISFACTION_WORDS: dict[str, int] = {
    "非常满意": 5,
    "很满意": 5,
    "满意": 4,
    "一般": 3,
    "不满意": 2,
    "很不满意": 1,
    "非常不满意": 1,
}
_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_TRIM = " \t\r\n。.!！~～"


def read_score(text: str, item: Item) -> int | None:
    """The score a reply gives `item`, or None when the reply is not an answer to it."""
    reply = text.translate(_FULL_WIDTH).strip(_TRIM).removesuffix("分").strip()
    if reply.isascii() and reply.isdigit() and len(reply) <= 2:
        score = int(reply)
        return score if item.min <= score <= item.max else None
    if item.dimension == "satisfaction" and (item.min, item.max) == (1, 5):
        return SATISFACTION_WORDS.get(reply)
    return None


def thanks_text(score: int, item: Item) -> str:
    """The thank-you SMS after an answer by SMS."""
    return f"【服务调查】已收到您的评价（{score}分，满分{item.max}分），感谢您的反馈！"
