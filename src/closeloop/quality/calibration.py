"""Calibration (校准): how far reviewers who scored the same sampled tickets agree —
Krippendorff's α over the totals, and the rubric items where they differ most."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select

from closeloop.quality import qa_rules
from closeloop.quality.models import QaReview, QaSample, QaSampleItem, Rubric
from closeloop.quality.rubrics import items_of
from closeloop.runtime.work import Work


def calibration(work: Work, sample: QaSample) -> dict[str, Any]:
    """Agreement of the reviews and calibration scores of a sample's tickets."""
    work.actor.require("qa.read")
    rows = list(
        work.session.scalars(
            select(QaReview)
            .join(QaSampleItem, QaSampleItem.id == QaReview.sample_item_id)
            .where(QaSampleItem.sample_id == sample.id, QaReview.kind != "settlement")
            .order_by(QaReview.id)
        )
    )
    reviewers = sorted({r.reviewer for r in rows})
    by_ticket: dict[int, dict[str, QaReview]] = defaultdict(dict)
    for r in rows:
        by_ticket[r.sample_item_id][r.reviewer] = r
    shared = {k: v for k, v in by_ticket.items() if len(v) >= 2}
    totals = [[float(v[p].total) if p in v else None for p in reviewers] for v in shared.values()]
    rubric = work.session.get(Rubric, sample.rubric_id)
    assert rubric is not None
    items = []
    for item in items_of(rubric):
        units = [
            [float(v[p].scores[item.code]) if p in v else None for p in reviewers]
            for v in shared.values()
        ]
        spread = qa_rules.disagreement(units)
        items.append({"code": item.code, "text": item.text, "weight": item.weight,
                      "spread": round(spread, 2),
                      "share": round(spread / item.weight, 3) if item.weight else 0.0})  # fmt: skip
    alpha = qa_rules.krippendorff_alpha(totals)
    return {
        "sample_id": str(sample.id),
        "reviewers": reviewers,
        "tickets": len(shared),
        "alpha": round(alpha, 4) if alpha is not None else None,
        "items": sorted(items, key=lambda i: (-i["share"], i["code"])),
        "units": [
            {"sample_item_id": str(k), "totals": {p: v[p].total for p in v}}
            for k, v in sorted(shared.items())
        ],
    }
