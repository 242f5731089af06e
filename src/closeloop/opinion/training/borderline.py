"""Borderline kinds of training posts (边界语料): where complaint or not turns on small words.

Each kind is a function of a seeded random generator, like those of `generator`; the phrase
banks live in `borderline_phrases`.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from closeloop.opinion.training import borderline_phrases as edge
from closeloop.opinion.training import trouble_phrases as trouble
from closeloop.opinion.training.example import Example

HOTLINES = ("10086", "10010", "10000", "客服热线")


def _problem(rng: random.Random) -> tuple[str, str]:
    category = rng.choice(tuple(trouble.PROBLEMS))
    return category, rng.choice(trouble.PROBLEMS[category])


def _brand(rng: random.Random) -> str:
    return rng.choice(trouble.BRANDS)


def nice_but_unsolved(rng: random.Random) -> Example:
    category, problem = _problem(rng)
    text = rng.choice(edge.STAFF_PRAISE) + rng.choice(edge.STILL_OPEN).format(p=problem)
    return Example(text, "negative", True, category, False)


def shortfall(rng: random.Random) -> Example:
    category, promise, reality = rng.choice(edge.SHORTFALLS)
    low = rng.choice((20, 30, 50, 80))
    values = {"n": rng.choice((100, 200, 300, 500)), "m": low, "g": rng.choice((10, 20, 40))}
    values |= {"x": rng.choice((39, 59, 99)), "y": rng.choice((128, 156, 210))}
    text = f"{promise}，{reality}".format(**values) + rng.choice(edge.SHORTFALL_TAILS)
    return Example(text, "negative", True, category, False)


def sarcasm_more(rng: random.Random) -> Example:
    category, problem = _problem(rng)
    text = rng.choice(edge.SARCASM_MORE).format(p=problem, b=_brand(rng))
    return Example(text, "negative", True, category, False)


def incident(rng: random.Random) -> Example:
    category, story = rng.choice(edge.INCIDENTS)
    opener = rng.choice(("", "", "头一次见，", "今天才知道，", "我算是见识了：", "吐了，"))
    return Example(
        opener + story + rng.choice(edge.INCIDENT_TAILS), "negative", True, category, False
    )


def wish_fix(rng: random.Random) -> Example:
    category, place = rng.choice(edge.WISHES)
    sentiment, tail = rng.choice(edge.WISH_TAILS)
    return Example(place + tail, sentiment, True, category, False)


def policy_question(rng: random.Random) -> Example:
    category, question = rng.choice(edge.POLICY_QUESTIONS)
    text = (
        rng.choice(edge.QUESTION_OPENERS)
        + question.format(h=rng.choice(HOTLINES))
        + rng.choice(edge.QUESTION_ENDS)
    )
    return Example(text, "neutral", False, category, False)


def forgiven(rng: random.Random) -> Example:
    category, fault, good = rng.choice(edge.FORGIVEN)
    if rng.random() < 0.25:
        text = f"{fault}，整体还行，不影响使用"
        return Example(text, "neutral", False, category, False)
    link = rng.choice(("，不过", "，但是", "。不过", "，好在"))
    return Example(
        fault + link + good + rng.choice(edge.FORGIVEN_TAILS), "positive", False, category, False
    )


def own_fault(rng: random.Random) -> Example:
    category, fault = rng.choice(edge.OWN_FAULTS)
    text = rng.choice(edge.OWN_FAULT_FRAMES).format(b=_brand(rng), f=fault)
    return Example(text, "neutral", False, category, False)


def defence(rng: random.Random) -> Example:
    category, bad, good = rng.choice(edge.DEFENCES)
    text = rng.choice(edge.DEFENCE_FRAMES).format(b=_brand(rng), bad=bad, good=good)
    return Example(text, "positive", False, category, False)


def gripe(rng: random.Random) -> Example:
    category, text = rng.choice(edge.GRIPES)
    return Example(text.format(b=_brand(rng)), "negative", False, category, False)


def second_try(rng: random.Random) -> Example:
    category, story = rng.choice(edge.SECOND_TRIES)
    return Example(
        rng.choice(("", "#办事记录# ", "记录一下：")) + story, "neutral", False, category, False
    )


def pun(rng: random.Random) -> Example:
    return Example(rng.choice(edge.PUNS), "neutral", False, "other", False)


BORDERLINE_KINDS: tuple[tuple[Callable[[random.Random], Example], float], ...] = (
    (nice_but_unsolved, 3),
    (shortfall, 3),
    (sarcasm_more, 4),
    (incident, 4),
    (wish_fix, 2),
    (policy_question, 4),
    (forgiven, 3),
    (own_fault, 2),
    (defence, 2),
    (gripe, 2),
    (second_try, 1),
    (pun, 1),
)
