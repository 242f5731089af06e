"""The training-post generator (语料生成): labelled posts built from the phrase banks.

Every kind of post is one small function that picks pieces and knows the labels they imply;
`generate` draws kinds with fixed weights from a seeded random generator, so the same seed always
gives the same corpus.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from closeloop.opinion.training import borderline
from closeloop.opinion.training import calm_phrases as calm
from closeloop.opinion.training import trouble_phrases as trouble
from closeloop.opinion.training.example import Example

__all__ = ["KINDS", "Example", "generate"]

Kind = Callable[[random.Random], Example]

_PROBLEM_CATEGORIES = tuple(trouble.PROBLEMS)


def _problem(rng: random.Random) -> tuple[str, str]:
    category = rng.choice(_PROBLEM_CATEGORIES)
    return category, rng.choice(trouble.PROBLEMS[category])


def _brand(rng: random.Random) -> str:
    return rng.choice(trouble.BRANDS)


def _noise(rng: random.Random, text: str) -> str:
    """Social-media surface: emoji, repeated marks, the odd typo."""
    roll = rng.random()
    if roll < 0.1:
        text = text.replace("的", "滴", 1)
    elif roll < 0.2:
        text = text.rstrip("。") + rng.choice(("！！！", "？？", "。。。", "!!", "..."))
    elif roll < 0.27:
        text = text + rng.choice(("😭", "😤", "🙃", "💢", "😅", "[怒]", "[汗]"))
    return text


def complaint_angry(rng: random.Random) -> Example:
    category, problem = _problem(rng)
    text = (
        rng.choice(trouble.OPENERS)
        + rng.choice(("", _brand(rng)))
        + problem
        + rng.choice(trouble.DURATIONS)
        + "，"
        + rng.choice(trouble.ANGRY_TAILS)
    )
    return Example(_noise(rng, text), "negative", True, category, False)


def complaint_calm(rng: random.Random) -> Example:
    """A problem reported without attitude: neutral, but still a complaint."""
    category, problem = _problem(rng)
    frame = rng.choice(
        ("请问{p}是怎么回事？", "{p}，{t}", "有人知道{p}怎么办吗", "{p}，是卡的问题还是{b}的问题？")
    )
    text = frame.format(p=problem, t=rng.choice(trouble.CALM_TAILS), b=_brand(rng))
    return Example(text, "neutral", True, category, False)


def complaint_sarcastic(rng: random.Random) -> Example:
    category, problem = _problem(rng)
    text = rng.choice(trouble.SARCASM).format(p=problem, b=_brand(rng))
    return Example(_noise(rng, text), "negative", True, category, False)


def complaint_mixed(rng: random.Random) -> Example:
    category, problem = _problem(rng)
    text = rng.choice(trouble.MIXED_NEG).format(p=problem, b=_brand(rng))
    return Example(_noise(rng, text), "negative", True, category, False)


def complaint_escalated(rng: random.Random) -> Example:
    """A problem with a threat to go to a regulator, the media or a court (urgent)."""
    category, problem = _problem(rng)
    threat = rng.choice(trouble.ESCALATIONS)
    text = (
        f"{threat}。{problem}{rng.choice(trouble.DURATIONS)}"
        if rng.random() < 0.3
        else f"{problem}{rng.choice(trouble.DURATIONS)}，{rng.choice(trouble.ANGRY_TAILS)}"
        f"，{threat}"
    )
    return Example(_noise(rng, text), "negative", True, category, True)


def complaint_rage(rng: random.Random) -> Example:
    category, problem = _problem(rng)
    text = f"{problem}{rng.choice(trouble.DURATIONS)}！！！{rng.choice(trouble.RAGES)}"
    return Example(text, "negative", True, category, True)


def mass_outage(rng: random.Random) -> Example:
    category, what = rng.choice(trouble.MASS_OUTAGES)
    sentiment, tail = rng.choice(
        (
            ("negative", "，到现在没人管"),
            ("negative", "，热线打爆了也没人给个说法"),
            ("neutral", "，请问是出故障了吗？"),
            ("negative", "，求求快点抢修"),
            ("negative", "，官方连个说明都没有？"),
        )
    )
    return Example(rng.choice(("", "#大面积故障# ")) + what + tail, sentiment, True, category, True)


def safety(rng: random.Random) -> Example:
    category, what = rng.choice(trouble.SAFETY)
    tail = rng.choice(
        ("，快派人来看看", "，出了事谁负责？", "，吓死人了", "，打了电话两天了还没人来")
    )
    return Example(what + tail, "negative", True, category, True)


def praise(rng: random.Random) -> Example:
    category = rng.choice(tuple(calm.PRAISE))
    text = rng.choice(("", _brand(rng) + "的")) + rng.choice(calm.PRAISE[category])
    text += rng.choice(("", "，点赞👍", "，好评", "！", "，必须表扬一下", "，继续保持"))
    return Example(text, "positive", False, category, False)


def praise_mixed(rng: random.Random) -> Example:
    category = rng.choice(tuple(calm.PRAISE))
    text = rng.choice(trouble.MIXED_POS).format(praise=rng.choice(calm.PRAISE[category]))
    return Example(text, "positive", False, category, False)


def question(rng: random.Random) -> Example:
    category = rng.choice(tuple(calm.QUESTIONS))
    text = rng.choice(("请问", "", "问一下，", "小白求问：", _brand(rng))) + rng.choice(
        calm.QUESTIONS[category]
    )
    return Example(text + rng.choice(("？", "?", "", "，谢谢")), "neutral", False, category, False)


def rant(rng: random.Random) -> Example:
    """A general opinion on prices or operators: negative, but nothing to follow up."""
    text = rng.choice(calm.RANTS).format(b=_brand(rng))
    category = "billing" if any(w in text for w in ("资费", "价格", "贵", "降费")) else "other"
    category = "broadband" if "宽带" in text else category
    return Example(_noise(rng, text), "negative", False, category, False)


def news(rng: random.Random) -> Example:
    text = rng.choice(calm.NEWS).format(b=_brand(rng))
    return Example(text, "neutral", False, _category_of(text, "other"), False)


def advert(rng: random.Random) -> Example:
    return Example(rng.choice(calm.ADS).format(b=_brand(rng)), "neutral", False, "other", False)


def off_topic(rng: random.Random) -> Example:
    return Example(rng.choice(calm.OFF_TOPIC), "neutral", False, "other", False)


def callback(rng: random.Random) -> Example:
    if rng.random() < 0.5:
        return Example(rng.choice(calm.CALLBACK_POS), "positive", False, "service", False)
    category, problem = _problem(rng)
    return Example(
        rng.choice(calm.CALLBACK_NEG).format(p=problem), "negative", True, category, False
    )


def resolved_story(rng: random.Random) -> Example:
    """A problem that was fixed quickly: the post praises the fix (positive, no complaint)."""
    category, problem = _problem(rng)
    text = (
        f"{rng.choice(('之前', '上周', '前几天', '昨天'))}{problem}，"
        f"{rng.choice(('打了客服', '在APP上报了一下', '去营业厅反映', '发了条微博'))}，"
        f"{rng.choice(calm.RESOLUTIONS)}，{rng.choice(calm.THANKS)}"
    )
    return Example(text, "positive", False, category, False)


def negated_problem(rng: random.Random) -> Example:
    category, what = rng.choice(calm.NEGATED)
    opener = rng.choice(calm.NARRATIVE_OPENERS).format(b=_brand(rng))
    text = opener + what + rng.choice(("", "，挺省心", "，满意", "，这点必须夸", "😂"))
    return Example(text, "positive", False, category, False)


def tip(rng: random.Random) -> Example:
    category, text = rng.choice(calm.TIPS)
    return Example(
        rng.choice(("提醒一下，", "", "分享一下：")) + text, "neutral", False, category, False
    )


def hypothetical(rng: random.Random) -> Example:
    category, what = rng.choice(calm.HYPOTHETICALS)
    text = rng.choice(("如果{w}，应该怎么办？", "{w}的话要怎么处理", "请问{w}需要去营业厅吗"))
    return Example(text.format(w=what), "neutral", False, category, False)


def how_to(rng: random.Random) -> Example:
    category, wish = rng.choice(calm.HOW_TO)
    return Example(wish + rng.choice(calm.ASKS), "neutral", False, category, False)


def scam_warning(rng: random.Random) -> Example:
    text = rng.choice(calm.SCAM_WARNINGS).format(b=_brand(rng))
    return Example(text, "neutral", False, "other", False)


def chatter(rng: random.Random) -> Example:
    text = rng.choice(calm.CHATTER).format(b=_brand(rng))
    return Example(text, "neutral", False, "other", False)


def good_value(rng: random.Random) -> Example:
    category, text = rng.choice(calm.VALUE)
    return Example(_noise(rng, text), "positive", False, category, False)


def general_rant(rng: random.Random) -> Example:
    category, text = rng.choice(calm.MORE_RANTS)
    return Example(_noise(rng, text.format(b=_brand(rng))), "negative", False, category, False)


def _category_of(text: str, default: str) -> str:
    for category, markers in calm.CATEGORY_MARKERS.items():
        if any(m in text for m in markers):
            return category
    return default


KINDS: tuple[tuple[Kind, float], ...] = (
    (complaint_angry, 12),
    (complaint_calm, 6),
    (complaint_sarcastic, 6),
    (complaint_mixed, 4),
    (complaint_escalated, 6),
    (complaint_rage, 2),
    (mass_outage, 3),
    (safety, 2),
    (praise, 14),
    (praise_mixed, 4),
    (question, 12),
    (rant, 6),
    (news, 6),
    (advert, 4),
    (off_topic, 5),
    (callback, 4),
    (resolved_story, 7),
    (negated_problem, 6),
    (tip, 3),
    (hypothetical, 3),
    (how_to, 3),
    (scam_warning, 2),
    (chatter, 2),
    (good_value, 3),
    (general_rant, 3),
    *borderline.BORDERLINE_KINDS,
)


def generate(count: int, seed: int = 22) -> list[Example]:
    """`count` labelled posts, the same for the same seed, without duplicate texts."""
    rng = random.Random(seed)
    kinds = [k for k, _ in KINDS]
    weights = [w for _, w in KINDS]
    seen: set[str] = set()
    out: list[Example] = []
    attempts = 0
    while len(out) < count and attempts < count * 20:
        attempts += 1
        example = rng.choices(kinds, weights)[0](rng)
        if example.text not in seen:
            seen.add(example.text)
            out.append(example)
    return out
