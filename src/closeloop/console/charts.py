"""Charts as inline SVG drawn on the server (图表): bars, stacked bars and a Pareto chart.

Pure functions of their numbers, no JavaScript and no third-party code. Each chart is an
`<svg role="img">` with an aria-label and a `<title>`; every bar carries its own `<title>`
(a tooltip on hover), and the pages list the same numbers in a table for screen readers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from markupsafe import Markup

BAR = "#0a5bd3"  # the console's accent blue, 5.9:1 on white
LINE = "#b3261e"  # danger red, 6.5:1 on white
SERIES = ("#b3261e", "#8a5a00", "#0a5bd3", "#1a7f37")
AXIS = "#57606a"
FONT = 'font-family="inherit" font-size="12"'


def nice_ceiling(value: float) -> int:
    """A round axis maximum at or above `value` (1, 2, 5 × 10ⁿ)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return int(step * power)
    return int(10 * power)  # pragma: no cover - the loop always returns


def _open(width: int, height: int, label: str) -> list[str]:
    text = escape(label)
    return [
        # drawn width, shrunk to fit by console.css (.chart): the pages' policy refuses style=""
        f'<svg class="chart" role="img" aria-label="{text}" viewBox="0 0 {width} {height}" '
        f'width="{width}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{text}</title>",
    ]


def _short(label: str, size: int = 10) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"


def bar_chart(items: Sequence[tuple[str, int]], *, title: str) -> Markup:
    """Horizontal bars, one per (label, value), longest value scaled to the full width."""
    row, left, width = 26, 130, 560
    height = max(1, len(items)) * row + 10
    top = nice_ceiling(max((v for _, v in items), default=0))
    scale = (width - left - 50) / top
    parts = _open(width, height, title)
    for i, (label, value) in enumerate(items):
        y = 5 + i * row
        length = value * scale
        parts += [
            f'<text x="{left - 8}" y="{y + 16}" text-anchor="end" {FONT}>'
            f"{escape(_short(label, 12))}</text>",
            f'<rect x="{left}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" fill="{BAR}">'
            f"<title>{escape(label)}: {value}</title></rect>",
            f'<text x="{left + length + 6:.1f}" y="{y + 16}" {FONT}>{value}</text>',
        ]
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_bars(
    rows: Sequence[tuple[str, Sequence[int]]], series: Sequence[str], *, title: str
) -> Markup:
    """Horizontal bars split into series (e.g. overdue and pre-warned per station), with a key."""
    row, left, width = 26, 130, 560
    key = 24
    height = key + max(1, len(rows)) * row + 10
    top = nice_ceiling(max((sum(values) for _, values in rows), default=0))
    scale = (width - left - 50) / top
    parts = _open(width, height, title)
    for s, name in enumerate(series):
        key_x = left + s * 150
        parts += [
            f'<rect x="{key_x}" y="4" width="14" height="14" fill="{SERIES[s % len(SERIES)]}"/>',
            f'<text x="{key_x + 20}" y="16" {FONT}>{escape(name)}</text>',
        ]
    for i, (label, values) in enumerate(rows):
        y = key + 5 + i * row
        parts.append(
            f'<text x="{left - 8}" y="{y + 16}" text-anchor="end" {FONT}>'
            f"{escape(_short(label, 12))}</text>"
        )
        x = float(left)
        for s, value in enumerate(values):
            length = value * scale
            if value:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" '
                    f'fill="{SERIES[s % len(SERIES)]}" stroke="#fff">'
                    f"<title>{escape(label)} · {escape(series[s])}: {value}</title></rect>"
                )
            x += length
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 16}" {FONT}>{sum(values)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def cumulative_percents(values: Sequence[int], total: int) -> list[float]:
    """The running share of `total` after each value, in per cent (one decimal)."""
    shares, running = [], 0
    for value in values:
        running += value
        shares.append(round(100.0 * running / total, 1) if total else 0.0)
    return shares


def pareto_chart(
    items: Sequence[tuple[str, int]], total: int, *, title: str, share_label: str
) -> Markup:
    """Bars from the biggest down, with the cumulative share of `total` as a line (0–100 %)."""
    width, height = 720, 330
    left, right, top_pad, bottom = 46, 50, 16, 96
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    axis_top = nice_ceiling(max((v for _, v in items), default=0))
    slot = plot_w / max(1, len(items))
    base = top_pad + plot_h
    shares = cumulative_percents([v for _, v in items], total)
    parts = _open(width, height, title)
    parts += [
        f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" stroke="{AXIS}"/>',
        f'<line x1="{left}" y1="{top_pad}" x2="{left}" y2="{base}" stroke="{AXIS}"/>',
        f'<line x1="{left + plot_w}" y1="{top_pad}" x2="{left + plot_w}" y2="{base}" '
        f'stroke="{AXIS}"/>',
    ]
    for fraction in (0.0, 0.5, 1.0):
        y = base - fraction * plot_h
        parts += [
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" {FONT}>'
            f"{round(axis_top * fraction)}</text>",
            f'<text x="{left + plot_w + 6}" y="{y + 4:.1f}" {FONT}>{round(100 * fraction)}%</text>',
        ]
    points = []
    for i, ((label, value), share) in enumerate(zip(items, shares, strict=True)):
        x = left + i * slot
        bar_h = value / axis_top * plot_h
        centre = x + slot / 2
        points.append(f"{centre:.1f},{base - share / 100 * plot_h:.1f}")
        parts += [
            f'<rect class="pareto-bar" x="{x + slot * 0.15:.1f}" y="{base - bar_h:.1f}" '
            f'width="{slot * 0.7:.1f}" height="{bar_h:.1f}" fill="{BAR}">'
            f"<title>{escape(label)}: {value} ({share}%)</title></rect>",
            f'<text x="{centre:.1f}" y="{base - bar_h - 4:.1f}" text-anchor="middle" {FONT}>'
            f"{value}</text>",
            f'<text x="{centre:.1f}" y="{base + 14}" text-anchor="end" {FONT} '
            f'transform="rotate(-35 {centre:.1f} {base + 14})">{escape(_short(label))}</text>',
        ]
    if points:
        parts.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{LINE}" stroke-width="2"/>'
        )
        parts += [
            f'<circle cx="{p.split(",")[0]}" cy="{p.split(",")[1]}" r="3.5" fill="{LINE}"/>'
            for p in points
        ]
    legend_y = height - 10
    parts += [
        f'<rect x="{left}" y="{legend_y - 10}" width="12" height="12" fill="{BAR}"/>',
        f'<text x="{left + 18}" y="{legend_y}" {FONT}>{escape(title)}</text>',
        f'<line x1="{left + 300}" y1="{legend_y - 4}" x2="{left + 324}" y2="{legend_y - 4}" '
        f'stroke="{LINE}" stroke-width="2"/>',
        f'<text x="{left + 330}" y="{legend_y}" {FONT}>{escape(share_label)}</text>',
        "</svg>",
    ]
    return Markup("".join(parts))


def diverging_bars(
    items: Sequence[tuple[str, float]], *, title: str, limit: float | None = None
) -> Markup:
    """Horizontal bars left (negative, red) or right (positive, green) of a zero line, one
    per (label, value) — e.g. the SERVQUAL gap P − E per dimension (差距图)."""
    row, left, width = 26, 130, 560
    height = max(1, len(items)) * row + 24
    reach = limit or max((abs(v) for _, v in items), default=0.0) or 1.0
    half = (width - left - 60) / 2
    zero = left + 30 + half
    scale = half / reach
    parts = _open(width, height, title)
    parts.append(
        f'<line x1="{zero:.1f}" y1="0" x2="{zero:.1f}" y2="{height - 18}" stroke="{AXIS}"/>'
        f'<text x="{zero:.1f}" y="{height - 4}" text-anchor="middle" {FONT}>0</text>'
    )
    for i, (label, value) in enumerate(items):
        y = 5 + i * row
        length = abs(value) * scale
        x = zero if value >= 0 else zero - length
        colour = SERIES[3] if value >= 0 else SERIES[0]
        text_x = zero + length + 6 if value >= 0 else zero - length - 6
        anchor = "start" if value >= 0 else "end"
        parts += [
            f'<text x="{left - 8}" y="{y + 16}" text-anchor="end" {FONT}>'
            f"{escape(_short(label, 12))}</text>",
            f'<rect x="{x:.1f}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" '
            f'fill="{colour}"><title>{escape(label)}: {value:+.2f}</title></rect>',
            f'<text x="{text_x:.1f}" y="{y + 16}" text-anchor="{anchor}" {FONT}>'
            f"{value:+.2f}</text>",
        ]
    parts.append("</svg>")
    return Markup("".join(parts))


def sparkline(values: Sequence[float | None], *, title: str) -> Markup:
    """A small line of a KPI over time (gaps where there is no data), its last point marked."""
    width, height, pad = 120, 28, 3
    known = [v for v in values if v is not None]
    parts = _open(width, height, title)
    if known:
        low, high = min(known), max(known)
        span = (high - low) or 1.0
        step = (width - 2 * pad) / max(1, len(values) - 1)
        points = [
            (pad + i * step, height - pad - (v - low) / span * (height - 2 * pad))
            for i, v in enumerate(values)
            if v is not None
        ]
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        x, y = points[-1]
        parts += [
            f'<polyline points="{line}" fill="none" stroke="{BAR}" stroke-width="1.5"/>',
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{BAR}"/>',
        ]
    parts.append("</svg>")
    return Markup("".join(parts))
