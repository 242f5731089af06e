"""The pure rules of problem management: its workflow table and what lies in a problem's area."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from closeloop.problems.area import covers, top_of
from closeloop.problems.choices import STATUSES
from closeloop.problems.workflow import MOVES, allowed, target


def test_the_workflow_runs_open_to_closed_and_never_backwards() -> None:
    order = list(STATUSES.codes)
    for move in MOVES:
        assert all(order.index(s) < order.index(move.target) for s in move.sources)
    assert allowed("open") == ["investigate", "known_error", "resolve"]
    assert allowed("resolved") == ["close"]
    assert allowed("closed") == []
    assert target("resolve", "known_error") == "resolved"
    assert target("investigate", "known_error") is None


@given(st.sampled_from(["C1", "C2", None]), st.sampled_from(["长沙市", "株洲市", None]))
def test_a_problem_with_cells_covers_those_cells_only(cell: str | None, region: str | None) -> None:
    assert covers("长沙市", ["C1"], region, cell) == (cell == "C1")


def test_a_region_problem_covers_its_region_whatever_the_cell() -> None:
    assert covers("长沙市", [], "长沙市", "C9")
    assert not covers("长沙市", [], "株洲市", "C9")
    assert not covers(None, [], None, None)


def test_the_top_level_of_a_category_follows_its_parents() -> None:
    parents: dict[str, str | None] = {"signal": None, "signal/indoor": "signal",
                                      "signal/indoor/weak": "signal/indoor"}  # fmt: skip
    assert top_of("signal/indoor/weak", parents) == "signal"
    assert top_of("unknown", parents) == "unknown"
