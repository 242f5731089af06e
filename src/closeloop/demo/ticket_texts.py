"""Chinese texts of the demo work orders, filled from data/ticket_templates.json (工单模板).

A family (top-level category) has scenarios; a scenario lists its leaf categories, titles,
descriptions, plausible types and severities, and the answers a front-line agent, the expert
seat or a station gives, each with its cause code. An entry tagged with a category code (a
leaf or a prefix of one) belongs to the leaves under that code: they use only their own
tagged entries, the other leaves use the untagged ones.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from closeloop.demo.people import data

TEMPLATES = "ticket_templates.json"
ROUTES = ("front", "expert", "station")
# Number-range prefixes of virtual operators, often seen on fraud and spam messages.
VIRTUAL_PREFIXES = ("165", "167", "170", "171")
APPOINTMENTS = ("明天上午", "明天下午", "后天上午", "周六上午", "周日下午", "下周一上午")


@dataclass(frozen=True)
class Story:
    """What one demo ticket is about: its texts, classification and possible answers."""

    family: str
    leaf: str
    title: str
    description: str
    type: str
    severity: str
    channel: str
    location: str
    answers: dict[str, list[tuple[str, str]]]
    route_weights: dict[str, int]
    values: dict[str, str] = field(repr=False)

    def route(self, rng: random.Random) -> str:
        """How this ticket gets solved: at the front line, the expert seat or a station."""
        return _weighted(rng, self.route_weights)

    def note(self, text: str, **extra: str) -> str:
        """A note template filled with this ticket's values (and station names)."""
        return text.format_map({**self.values, **extra})


def templates() -> dict[str, Any]:
    """The parsed template file."""
    result: dict[str, Any] = data(TEMPLATES)
    return result


def _text(entry: str | dict[str, str]) -> tuple[str, str | None]:
    if isinstance(entry, str):
        return entry, None
    return entry["text"], entry["leaf"]


def _covers(tag: str | None, leaf: str) -> bool:
    return tag is not None and (leaf == tag or leaf.startswith(tag + "/"))


def own_entries(entries: list[Any], leaf: str, tag_of: Any) -> list[Any]:
    """The entries tagged for this leaf, or the untagged ones when none is."""
    tagged = [e for e in entries if _covers(tag_of(e), leaf)]
    return tagged or [e for e in entries if tag_of(e) is None]


def _answer_tag(entry: list[str]) -> str | None:
    return entry[2] if len(entry) > 2 else None


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    keys = sorted(weights)
    return rng.choices(keys, [weights[k] for k in keys])[0]


def untagged_leaves(scenario: dict[str, Any]) -> list[str]:
    """The scenario's leaves that no title is tagged for (untagged titles go to these)."""
    tags = [_text(t)[1] for t in scenario["titles"]]
    return [leaf for leaf in scenario["leaves"] if not any(_covers(t, leaf) for t in tags)]


def pick_leaf(rng: random.Random, scenario: dict[str, Any], title: str | dict[str, str]) -> str:
    """The leaf a chosen title speaks of."""
    tag = _text(title)[1]
    leaves: list[str] = scenario["leaves"]
    if tag is None:
        return rng.choice(untagged_leaves(scenario))
    return rng.choice([leaf for leaf in leaves if _covers(tag, leaf)])


def _amount(rng: random.Random) -> str:
    value = rng.choice((rng.randint(5, 60), rng.randint(20, 150), rng.randint(100, 600)))
    if rng.random() < 0.3:
        return f"{value + rng.choice((0.5, 0.8, 0.35, 0.2)):.2f}".rstrip("0")
    return str(value)


def values(rng: random.Random, region: str, created_local: datetime) -> dict[str, str]:
    """Every placeholder's value for one ticket (places from the customer's region)."""
    t = templates()
    district = rng.choice(t["places"].get(region) or [region])
    estate, road = rng.choice(t["estates"]), rng.choice(t["roads"])
    building, unit = rng.randint(1, 32), rng.randint(1, 4)
    if rng.random() < 0.6:
        address = f"{district}{estate}{building}栋{unit}单元"
    else:
        address = f"{district}{road}{rng.randint(1, 399)}号{estate}"
    speed = rng.choice(t["speeds"])
    measured = max(5, int(int(speed.removesuffix("M")) * rng.uniform(0.05, 0.3)))
    earlier = (created_local - timedelta(days=rng.randint(1, 12))).date()
    last_month = (created_local.replace(day=1) - timedelta(days=1)).month
    amount = _amount(rng)
    return {
        "city": region,
        "district": district,
        "estate": estate,
        "road": road,
        "address": address,
        "building": str(building),
        "floor": str(rng.randint(2, 33)),
        "room": rng.choice(t["rooms"]),
        "rooms": str(rng.randint(2, 4)),
        "model": rng.choice(t["models"]),
        "bank": rng.choice(t["banks"]),
        "app": rng.choice(t["apps"]),
        "game": rng.choice(t["games"]),
        "sp": rng.choice(t["sps"]),
        "tone": rng.choice(t["tones"]),
        "country": rng.choice(t["countries"]),
        "paychannel": rng.choice(t["paychannels"]),
        "period": rng.choice(t["periods"]),
        "time": rng.choice(t["times"]),
        "hall": rng.choice(t["halls"]),
        "plan": rng.choice(t["plans"]),
        "speed": speed,
        "measured": f"{measured}M",
        "days": str(rng.randint(2, 10)),
        "hours": str(rng.randint(2, 12)),
        "minutes": str(rng.randint(8, 50)),
        "months": str(rng.randint(2, 6)),
        "years": str(rng.randint(3, 9)),
        "count": str(rng.randint(3, 12)),
        "line": str(rng.randint(1, 6)),
        "date": f"{earlier.month}月{earlier.day}日",
        "month": str(last_month),
        "amount": amount,
        "amount2": str(int(float(amount)) + rng.choice((30, 50, 100, 200))),
        "fee": str(rng.choice((3, 5, 6, 8, 10, 15, 20))),
        "flow": f"{rng.choice((1, 2, 3, 5, 8, 10, 20))}GB",
        "account": f"{t['area_codes'].get(region, '0731')}{rng.randrange(10**7, 10**8)}",
        "prefix": rng.choice(VIRTUAL_PREFIXES),
        "when": rng.choice(APPOINTMENTS),
    }


def compose(rng: random.Random, family: str, region: str, created_local: datetime) -> Story:
    """A ticket's story in one family, its places taken from the customer's region."""
    spec = templates()["families"][family]
    scenario = rng.choice(spec["scenarios"])
    title_entry = rng.choice(scenario["titles"])
    leaf = pick_leaf(rng, scenario, title_entry)
    vals = values(rng, region, created_local)
    descriptions = own_entries(scenario["descriptions"], leaf, lambda e: _text(e)[1])
    answers = {
        route: [
            (e[0], e[1].format_map(vals))
            for e in own_entries(scenario.get(key, []), leaf, _answer_tag)
        ]
        for route, key in zip(ROUTES, ("front", "expert", "replies"), strict=True)
    }
    return Story(
        family=family,
        leaf=leaf,
        title=_text(title_entry)[0].format_map(vals),
        description=_text(rng.choice(descriptions))[0].format_map(vals),
        type=_weighted(rng, scenario["types"]),
        severity=_weighted(rng, scenario["severities"]),
        channel=_weighted(rng, spec["channels"]),
        location=spec["location"],
        answers=answers,
        route_weights={r: w for r, w in scenario["routes"].items() if w > 0 and answers.get(r)},
        values=vals,
    )
