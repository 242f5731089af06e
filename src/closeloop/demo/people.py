"""Deterministic, plausible demo customers: Chinese names, Hunan numbers, valid ID numbers."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any

from closeloop.customers.rules import id_check_digit

# Prefixes of mobile networks (China Mobile, Unicom, Telecom, broadcast) for demo numbers.
MOBILE_PREFIXES = (
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "147",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "173",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "192",
    "193",
    "195",
    "198",
    "199",
)
# Administrative division codes of Hunan's prefecture-level cities (first six ID digits).
HUNAN_DIVISIONS = {
    "changsha": "430102",
    "zhuzhou": "430202",
    "xiangtan": "430302",
    "hengyang": "430405",
    "shaoyang": "430502",
    "yueyang": "430602",
    "changde": "430702",
    "zhangjiajie": "430802",
    "yiyang": "430902",
    "chenzhou": "431002",
    "yongzhou": "431102",
    "huaihua": "431202",
    "loudi": "431302",
    "xiangxi": "433101",
}
SEGMENTS = ("mass", "mass", "mass", "youth", "family", "business", "vip", "elderly")


def _load(name: str) -> Any:
    text = resources.files("closeloop.demo").joinpath("data", name).read_text("utf-8")
    return json.loads(text)


@cache
def data(name: str) -> Any:
    """A demo data file (categories, causes, regions, names)."""
    return _load(name)


@dataclass(frozen=True)
class DemoCustomer:
    """A generated customer row."""

    msisdn: str
    name: str
    region: str
    region_code: str
    plan_code: str
    join_date: date
    id_number: str | None
    segment: str


def _name(rng: random.Random) -> str:
    names = data("names.json")
    surnames: list[str] = [s for s, _w in names["surnames"]]
    weights = [w for _s, w in names["surnames"]]
    surname: str = rng.choices(surnames, weights)[0]
    pool = rng.choice(("given_chars_male", "given_chars_female", "given_chars_neutral"))
    chars = names[pool] + names["given_chars_neutral"]
    given = "".join(rng.choice(chars) for _ in range(rng.choice((1, 2, 2, 2))))
    return surname + given


def _id_number(rng: random.Random, division: str, born: date, male: bool) -> str:
    sequence = rng.randrange(0, 100) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
    first17 = f"{division}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check_digit(first17)


def customers(
    count: int, plan_codes: list[str], *, seed: int = 2026, today: date = date(2026, 11, 1)
) -> Iterator[DemoCustomer]:
    """`count` distinct customers, the same ones for the same seed."""
    rng = random.Random(seed)
    regions = data("regions.json")
    region_weights = [r["weight"] for r in regions]
    plan_weights = [max(1, len(plan_codes) - i) for i in range(len(plan_codes))]
    seen: set[str] = set()
    while len(seen) < count:
        msisdn = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if msisdn in seen:
            continue
        seen.add(msisdn)
        region = rng.choices(regions, region_weights)[0]
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 55))
        joined = today - timedelta(days=rng.randrange(0, 365 * 15))
        has_id = rng.random() < 0.9
        yield DemoCustomer(
            msisdn=msisdn,
            name=_name(rng),
            region=region["name"],
            region_code=region["code"],
            plan_code=rng.choices(plan_codes, plan_weights)[0],
            join_date=joined,
            id_number=_id_number(rng, HUNAN_DIVISIONS[region["code"]], born, rng.random() < 0.5)
            if has_id
            else None,
            segment=rng.choice(SEGMENTS),
        )
