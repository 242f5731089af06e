"""A day-by-interval chart as inline SVG (分时图): bars for one series and lines for others.

Used by the workforce pages (actual against forecast contacts, required against signed-in
agents). Drawn on the server like closeloop.console.charts: no JavaScript, no third-party code.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from closeloop.console.charts import AXIS, BAR, FONT, SERIES, nice_ceiling

LINES = (SERIES[0], SERIES[1], SERIES[3])


def interval_chart(
    labels: Sequence[str],
    bars: tuple[str, Sequence[float | None]],
    lines: Sequence[tuple[str, Sequence[float | None]]],
    *,
    title: str,
) -> Markup:
    """Vertical bars of `bars` per interval with `lines` over them, a key and an hour axis."""
    width, height, left, bottom, top_pad = 760, 280, 44, 40, 30
    n = max(1, len(labels))
    step = (width - left - 10) / n
    values = [v for v in bars[1] if v is not None] + [
        v for _, series in lines for v in series if v is not None
    ]
    top = nice_ceiling(max(values, default=0))
    scale = (height - bottom - top_pad) / top
    base = height - bottom
    text = escape(title)
    parts = [
        f'<svg class="chart" role="img" aria-label="{text}" viewBox="0 0 {width} {height}" '
        f'width="{width}" xmlns="http://www.w3.org/2000/svg"><title>{text}</title>',
        f'<line x1="{left}" y1="{base}" x2="{width - 10}" y2="{base}" stroke="{AXIS}"/>',
        f'<text x="{left - 6}" y="{top_pad + 4}" text-anchor="end" {FONT}>{top}</text>',
        f'<text x="{left - 6}" y="{base}" text-anchor="end" {FONT}>0</text>',
    ]
    keys = [(bars[0], BAR), *((name, LINES[i % len(LINES)]) for i, (name, _) in enumerate(lines))]
    for k, (name, colour) in enumerate(keys):
        parts += [
            f'<rect x="{left + k * 170}" y="6" width="14" height="14" fill="{colour}"/>',
            f'<text x="{left + k * 170 + 20}" y="18" {FONT}>{escape(name)}</text>',
        ]
    for i, (label, value) in enumerate(zip(labels, bars[1], strict=True)):
        x = left + i * step
        if value is not None:
            h = value * scale
            parts.append(
                f'<rect x="{x + 1:.1f}" y="{base - h:.1f}" width="{max(1.0, step - 2):.1f}" '
                f'height="{h:.1f}" fill="{BAR}"><title>{escape(label)} · {escape(bars[0])}: '
                f"{value:g}</title></rect>"
            )
        if label.endswith(":00") and (i == 0 or int(label[:2]) % 2 == 0):
            parts.append(
                f'<text x="{x:.1f}" y="{base + 16}" {FONT} fill="{AXIS}">{escape(label)}</text>'
            )
    for k, (name, series) in enumerate(lines):
        points = [
            f"{left + (i + 0.5) * step:.1f},{base - v * scale:.1f}"
            for i, v in enumerate(series)
            if v is not None
        ]
        if points:
            parts.append(
                f'<polyline points="{" ".join(points)}" fill="none" stroke-width="2" '
                f'stroke="{LINES[k % len(LINES)]}"><title>{escape(name)}</title></polyline>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
