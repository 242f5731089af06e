"""Survey arithmetic as pure functions (评分): checking answers, CSAT, NPS, SERVQUAL, loyalty.

Every score comes with a 95 % confidence interval, so a supervisor sees when 12 answers say
little: a proportion's is Wilson's, a mean's the normal interval of the mean (t would be wider
for very few answers; with fewer than two answers there is no interval at all).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from closeloop.quality.instruments import LOYALTY_FACTORS, SERVQUAL_DIMENSIONS, Instrument

Z95 = 1.959963984540054
Answers = Mapping[str, int]


class AnswerProblem(ValueError):
    """Answers that do not fit the instrument: (item code, what is wrong) for each problem."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{code}: {msg}" for code, msg in problems))
        self.problems = problems


def check_answers(instrument: Instrument, answers: Mapping[str, object]) -> dict[str, int]:
    """The answers as whole numbers, every item answered within its range; else AnswerProblem
    naming each missing, unknown or out-of-range item."""
    problems: list[tuple[str, str]] = []
    checked: dict[str, int] = {}
    for item in instrument.items:
        value = answers.get(item.code)
        if value is None:
            problems.append((item.code, "missing answer"))
        elif isinstance(value, bool) or not isinstance(value, int):
            problems.append((item.code, "must be a whole number"))
        elif not item.min <= value <= item.max:
            problems.append((item.code, f"must be between {item.min} and {item.max}"))
        else:
            checked[item.code] = value
    problems += [
        (code, "not an item of this survey") for code in answers if not instrument.item(code)
    ]
    if problems:
        raise AnswerProblem(problems)
    return checked


@dataclass(frozen=True)
class Interval:
    """A 95 % confidence interval."""

    low: float
    high: float


def wilson(successes: int, n: int) -> Interval | None:
    """Wilson's 95 % interval of a proportion (0–1); None without observations."""
    if n <= 0:
        return None
    p = successes / n
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return Interval(round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4))


def mean_interval(values: Sequence[float]) -> tuple[float | None, Interval | None]:
    """The mean and its 95 % interval (None for fewer than two values)."""
    n = len(values)
    if n == 0:
        return None, None
    mean = sum(values) / n
    if n < 2:
        return round(mean, 4), None
    variance = sum((v - mean) ** 2 for v in values) / (n - 1)
    half = Z95 * math.sqrt(variance / n)
    return round(mean, 4), Interval(round(mean - half, 4), round(mean + half, 4))


def csat_summary(scores: Sequence[int]) -> dict[str, object]:
    """CSAT: mean 1–5 with its interval and the count of each answer."""
    mean, interval = mean_interval([float(s) for s in scores])
    counts = Counter(scores)
    return {
        "csat": mean,
        "csat_ci": interval,
        "distribution": {str(k): counts.get(k, 0) for k in range(1, 6)},
    }


def nps_summary(scores: Sequence[int]) -> dict[str, object]:
    """NPS: % promoters (9–10) minus % detractors (0–6), −100…100, with its interval."""
    n = len(scores)
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    if n == 0:
        return {"nps": None, "nps_ci": None, "promoters": 0, "passives": 0, "detractors": 0}
    p, d = promoters / n, detractors / n
    nps = 100 * (p - d)
    interval = None
    if n >= 2:
        half = 100 * Z95 * math.sqrt(max(0.0, p + d - (p - d) ** 2) / n)
        interval = Interval(round(max(-100.0, nps - half), 2), round(min(100.0, nps + half), 2))
    return {
        "nps": round(nps, 2),
        "nps_ci": interval,
        "promoters": promoters,
        "passives": n - promoters - detractors,
        "detractors": detractors,
        "distribution": {str(k): sum(1 for s in scores if s == k) for k in range(11)},
    }


def is_detractor(instrument: str, answers: Answers) -> bool:
    """CSAT 1–2 or NPS 0–6 (贬损者): the customer is to be called back."""
    if instrument == "csat":
        return answers.get("csat", 5) <= 2
    if instrument == "nps":
        return answers.get("nps", 10) <= 6
    return False


def servqual_gaps(instrument: Instrument, answers: Answers) -> dict[str, float]:
    """One respondent's P − E per pair (`1`…`22`) after reverse-scoring."""
    gaps: dict[str, float] = {}
    for item in instrument.items:
        if item.code.startswith("P"):
            pair = item.code[1:]
            e_item = instrument.item("E" + pair)
            assert e_item is not None
            gaps[pair] = item.scored(answers[item.code]) - e_item.scored(answers[e_item.code])
    return gaps


def servqual_summary(instrument: Instrument, respondents: Sequence[Answers]) -> dict[str, object]:
    """Per dimension the mean expectation, perception and gap (after reverse-scoring), and
    SQ = Σᵢ(Pᵢ − Eᵢ) averaged over respondents, with its interval."""
    dimensions: dict[str, dict[str, float | None]] = {}
    for dimension in SERVQUAL_DIMENSIONS:
        items = [i for i in instrument.items if i.dimension == dimension]
        e = [i.scored(a[i.code]) for a in respondents for i in items if i.code.startswith("E")]
        p = [i.scored(a[i.code]) for a in respondents for i in items if i.code.startswith("P")]
        e_mean = sum(e) / len(e) if e else None
        p_mean = sum(p) / len(p) if p else None
        gap = p_mean - e_mean if e_mean is not None and p_mean is not None else None
        dimensions[dimension] = {
            "expectation": _round(e_mean),
            "perception": _round(p_mean),
            "gap": _round(gap),
        }
    totals = [float(sum(servqual_gaps(instrument, a).values())) for a in respondents]
    sq, interval = mean_interval(totals)
    return {"dimensions": dimensions, "sq": sq, "sq_ci": interval}


def loyalty_score(instrument: Instrument, answers: Answers) -> dict[str, float]:
    """One respondent's factor scores and index, 0–100: each item scaled to 0–1 over its range,
    factors the mean of their items, P the mean of the four factors (equal weights)."""
    factors: dict[str, float] = {}
    for factor in LOYALTY_FACTORS:
        items = [i for i in instrument.items if i.dimension == factor]
        scaled = [(answers[i.code] - i.min) / (i.max - i.min) for i in items]
        factors[factor] = 100 * sum(scaled) / len(scaled)
    factors["index"] = sum(factors[f] for f in LOYALTY_FACTORS) / len(LOYALTY_FACTORS)
    return factors


def loyalty_summary(instrument: Instrument, respondents: Sequence[Answers]) -> dict[str, object]:
    """The loyalty index (0–100) with its interval and the mean of each factor."""
    scores = [loyalty_score(instrument, a) for a in respondents]
    index, interval = mean_interval([s["index"] for s in scores])
    factors = {
        f: _round(sum(s[f] for s in scores) / len(scores)) if scores else None
        for f in LOYALTY_FACTORS
    }
    return {"loyalty_index": index, "loyalty_ci": interval, "factors": factors}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
