"""Small inline SVG charts (no scripts, no fonts or files fetched): lines, points, bars,
a reference line (the target), with a title and a text alternative for screen readers."""
from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

PALETTE = ("#1f6fb2", "#d9822b", "#2e9e5b", "#a23b72", "#6b5ca5", "#8c6d31")


@dataclass(frozen=True)
class Series:
    label: str
    ys: tuple[float | None, ...]
    color: str = PALETTE[0]
    kind: str = "line"  #: "line" (with points), "points" or "bars"
    dashed: bool = False


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if not math.isfinite(lo) or not math.isfinite(hi):
        return [0.0, 1.0]
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    raw = (hi - lo) / max(1, n)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks = []
    v = start
    while (not ticks or ticks[-1] < hi - 1e-9) and len(ticks) < 40:
        ticks.append(round(v, 6))
        v += step
    return ticks


def _fmt(v: float) -> str:
    return f"{v:.0f}" if abs(v - round(v)) < 1e-6 or abs(v) >= 100 else f"{v:.1f}"


def chart(title: str, x_labels: list[str], series: list[Series], y_label: str = "", *,
          ref: tuple[float, str] | None = None, y_min: float | None = None, y_max: float | None = None,
          width: int = 640, height: int = 240, note: str = "") -> str:
    """One chart as an ``<svg>`` element (categorical x axis)."""
    left, right, top, bottom = 52, 16, 46, 44
    pw, ph = width - left - right, height - top - bottom
    vals = [y for s in series for y in s.ys if y is not None and math.isfinite(y)]
    if ref is not None:
        vals.append(ref[0])
    if any(s.kind == "bars" for s in series):
        vals.append(0.0)
    lo = y_min if y_min is not None else (min(vals) if vals else 0.0)
    hi = y_max if y_max is not None else (max(vals) if vals else 1.0)
    ticks = nice_ticks(lo, hi)
    lo, hi = min(ticks[0], lo), max(ticks[-1], hi)
    n = max(1, len(x_labels))
    slot = pw / n

    def X(i: float) -> float:
        return left + slot * (i + 0.5)

    def Y(v: float) -> float:
        return top + ph - (v - lo) / (hi - lo or 1) * ph

    alt = f"{title}. " + "; ".join(
        f"{s.label}: " + ", ".join("-" if y is None else _fmt(y) for y in s.ys[:40]) for s in series)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(alt)}">',
           f"<title>{escape(title)}</title>",
           f'<text x="{left}" y="18" class="ct">{escape(title)}</text>']
    for t in ticks:
        y = Y(t)
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                   f'<text x="{left - 6}" y="{y + 4:.1f}" class="yt">{_fmt(t)}</text>')
    if y_label:
        out.append(f'<text transform="translate(12,{top + ph / 2:.0f}) rotate(-90)" class="yl">'
                   f"{escape(y_label)}</text>")
    longest = max((len(lab) for lab in x_labels), default=1)
    every = max(1, math.ceil(n * (longest * 6.5 + 8) / pw))
    for i, lab in enumerate(x_labels):
        if i % every == 0:
            out.append(f'<text x="{X(i):.1f}" y="{top + ph + 16}" class="xt">{escape(lab)}</text>')
    out.append(f'<line x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}" class="axis"/>')
    bars = [s for s in series if s.kind == "bars"]
    bw = slot * 0.7 / max(1, len(bars))
    for bi, s in enumerate(bars):
        for i, y in enumerate(s.ys):
            if y is None:
                continue
            x0 = X(i) - slot * 0.35 + bi * bw
            y0, y1 = Y(max(y, 0.0)), Y(min(y, 0.0))
            out.append(f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{bw * 0.9:.1f}" height="{max(y1 - y0, 0.5):.1f}" '
                       f'fill="{s.color}"><title>{escape(s.label)} {escape(x_labels[i])}: {_fmt(y)}</title></rect>')
    for s in series:
        if s.kind == "bars":
            continue
        pts = [(X(i), Y(y), y, i) for i, y in enumerate(s.ys) if y is not None and math.isfinite(y)]
        if s.kind == "line" and len(pts) > 1:
            d = " ".join(f"{'M' if k == 0 else 'L'}{x:.1f},{y:.1f}" for k, (x, y, _, _) in enumerate(pts))
            dash = ' stroke-dasharray="5,4"' if s.dashed else ""
            out.append(f'<path d="{d}" fill="none" stroke="{s.color}" stroke-width="2"{dash}/>')
        for x, y, v, i in pts:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{s.color}">'
                       f"<title>{escape(s.label)} {escape(x_labels[i])}: {_fmt(v)}</title></circle>")
    if ref is not None:
        y = Y(ref[0])
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}" class="ref"/>'
                   f'<text x="{left + pw - 4}" y="{y - 5:.1f}" class="rt">{escape(ref[1])}</text>')
    lx = left
    for s in series:  # legend, under the title
        out.append(f'<rect x="{lx}" y="25" width="12" height="10" fill="{s.color}"/>'
                   f'<text x="{lx + 16}" y="34" class="lg">{escape(s.label)}</text>')
        lx += 24 + 7 * len(s.label)
    if note:
        out.append(f'<text x="{left}" y="{height - 6}" class="nt">{escape(note)}</text>')
    out.append("</svg>")
    return "".join(out)


CHART_CSS = """
svg.chart { background:#fff; border:1px solid #dde3ea; border-radius:6px; margin:6px 0; max-width:100%; height:auto; }
svg.chart text { font-family: 'DejaVu Sans', Arial, sans-serif; fill:#333; }
svg.chart .ct { font-size:14px; font-weight:bold; }
svg.chart .yt { font-size:11px; text-anchor:end; }
svg.chart .xt { font-size:11px; text-anchor:middle; }
svg.chart .yl, svg.chart .lg, svg.chart .nt { font-size:11px; }
svg.chart .rt { font-size:11px; text-anchor:end; fill:#b03030; }
svg.chart .grid { stroke:#eef1f4; }
svg.chart .axis { stroke:#99a; }
svg.chart .ref { stroke:#b03030; stroke-width:1.5; stroke-dasharray:6,4; }
"""
