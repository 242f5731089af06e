"""Survey campaigns (调查活动): to a list of numbers or a random sample of customers, optionally
only one region or segment, optionally stratified (分层抽样) by region or segment."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from closeloop.auth import audit
from closeloop.customers.models import Customer
from closeloop.kit.errors import InvalidInput
from closeloop.quality.instruments import INSTRUMENTS
from closeloop.quality.invitations import invite
from closeloop.quality.models import Survey
from closeloop.runtime.work import Work

STRATA = ("region", "segment")


@dataclass(frozen=True)
class SampleSpec:
    """A random sample of `size` customers, only of `region`/`segment` when given, spread over
    the strata of `stratify` in proportion to their size; `seed` makes it reproducible."""

    size: int
    region: str | None = None
    segment: str | None = None
    stratify: str | None = None
    seed: int | None = None


def allocate(sizes: dict[str, int], n: int) -> dict[str, int]:
    """Proportional allocation of `n` over strata of these sizes (largest remainders), never
    more than a stratum holds."""
    total = sum(sizes.values())
    if total == 0 or n <= 0:
        return {k: 0 for k in sizes}
    n = min(n, total)
    exact = {k: n * size / total for k, size in sizes.items()}
    given = {k: int(v) for k, v in exact.items()}
    left = n - sum(given.values())
    for key in sorted(exact, key=lambda k: (given[k] - exact[k], k))[:left]:
        given[key] += 1
    return given


def draw(
    rows: Sequence[tuple[int, str | None]], size: int, seed: int, *, stratified: bool
) -> list[int]:
    """Customer ids drawn from (id, stratum) rows: simple random, or per stratum."""
    rng = random.Random(seed)
    ordered = sorted(rows)
    if not stratified:
        return sorted(rng.sample([r[0] for r in ordered], min(size, len(ordered))))
    groups: dict[str, list[int]] = defaultdict(list)
    for customer_id, stratum in ordered:
        groups[stratum or ""].append(customer_id)
    quota = allocate({k: len(v) for k, v in groups.items()}, size)
    chosen: list[int] = []
    for key in sorted(groups):
        chosen += rng.sample(groups[key], quota[key])
    return sorted(chosen)


def _sampled(work: Work, spec: SampleSpec) -> list[Customer]:
    if spec.stratify is not None and spec.stratify not in STRATA:
        raise InvalidInput.field(["stratify"], f"one of {', '.join(STRATA)}")
    column = Customer.segment if spec.stratify == "segment" else Customer.region
    query = select(Customer.id, column)
    if spec.region:
        query = query.where(Customer.region == spec.region)
    if spec.segment:
        query = query.where(Customer.segment == spec.segment)
    rows = [(int(i), s) for i, s in work.session.execute(query)]
    seed = spec.seed if spec.seed is not None else random.SystemRandom().randrange(2**31)
    ids = draw(rows, spec.size, seed, stratified=spec.stratify is not None)
    return _customers(work, ids)


def _customers(work: Work, ids: list[int]) -> list[Customer]:
    found: list[Customer] = []
    for start in range(0, len(ids), 1000):
        part = ids[start : start + 1000]
        found += work.session.scalars(select(Customer).where(Customer.id.in_(part)))
    return sorted(found, key=lambda c: c.id)


def _listed(work: Work, msisdns: Sequence[str]) -> list[Customer]:
    wanted = list(dict.fromkeys(msisdns))
    found: dict[str, Customer] = {}
    for start in range(0, len(wanted), 1000):
        part = wanted[start : start + 1000]
        found.update(
            (c.msisdn, c)
            for c in work.session.scalars(select(Customer).where(Customer.msisdn.in_(part)))
        )
    errors = [
        {"loc": ["msisdns", i], "msg": "no customer with this number"}
        for i, number in enumerate(msisdns)
        if number not in found
    ]
    if errors:
        raise InvalidInput(f"{len(errors)} number(s) are not customers", errors)
    return [found[m] for m in wanted]


def start_survey(
    work: Work,
    instrument: str,
    name: str,
    *,
    msisdns: Sequence[str] | None = None,
    sample: SampleSpec | None = None,
) -> tuple[Survey, int]:
    """Create a campaign and invite its customers; the survey and how many were invited
    (customers who declined survey invitations are not)."""
    work.actor.require("surveys.write")
    if instrument not in INSTRUMENTS:
        raise InvalidInput.field(["instrument"], f"one of {', '.join(INSTRUMENTS)}")
    if (msisdns is None) == (sample is None):
        raise InvalidInput.field(["msisdns"], "give either msisdns or sample")
    customers = _listed(work, msisdns) if msisdns is not None else _sampled(work, sample)  # type: ignore[arg-type]
    target: dict[str, object] = (
        {"msisdns": len(customers)} if msisdns is not None else dict(vars(sample))
    )
    survey = Survey(
        instrument=instrument, name=name, source="campaign", target=target,
        created_by=work.actor.username, created_at=work.now(),
    )  # fmt: skip
    work.session.add(survey)
    work.session.flush()
    invited = sum(1 for c in customers if invite(work, survey, c) is not None)
    audit.record(
        work.session, work.actor, "survey.start", "survey", survey.id,
        f"{instrument} {name!r}: {invited} of {len(customers)} invited", clock=work.clock,
    )  # fmt: skip
    return survey, invited


def standing_survey(work: Work, source: str) -> Survey:
    """The automatic CSAT survey of a source (`callback`, `bot`), made on first use."""
    survey = work.session.scalar(
        select(Survey).where(Survey.source == source, Survey.instrument == "csat")
    )
    if survey is None:
        names = {"callback": "回访办结满意度调查", "bot": "在线自助满意度调查"}
        survey = Survey(
            instrument="csat", name=names.get(source, source), source=source, target={},
            created_by="system", created_at=work.now(),
        )  # fmt: skip
        work.session.add(survey)
        work.session.flush()
    return survey
