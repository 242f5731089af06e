"""The diverging bar chart (SERVQUAL gaps): bars left of zero for negative values, right for
positive, each with its value; no inline styles."""

from __future__ import annotations

import re

from closeloop.console.charts import diverging_bars


def test_negative_bars_end_at_zero_and_positive_ones_start_there() -> None:
    svg = str(diverging_bars([("有形性", -1.5), ("可靠性", 0.75)], title="差距"))
    assert svg.startswith("<svg") and 'aria-label="差距"' in svg and "style=" not in svg
    zero = float(re.search(r'<line x1="([\d.]+)"', svg).group(1))  # type: ignore[union-attr]
    bars = re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    (left_x, left_w), (right_x, right_w) = [(float(x), float(w)) for x, w in bars]
    assert abs(left_x + left_w - zero) < 0.11 and abs(right_x - zero) < 0.11
    assert left_w == 2 * right_w
    assert "有形性: -1.50" in svg and "+0.75" in svg


def test_an_empty_chart_still_draws() -> None:
    assert "</svg>" in str(diverging_bars([], title="空"))
