"""Server-rendered SVG charts for the /admin report pages: no script, no library, no CDN.

Each function takes plain figures and returns one `<svg>` element as text; every label
and title is escaped here, so a service name with markup is drawn as text. Colours are
presentation attributes (no inline `style`), which the pages' Content-Security-Policy allows.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH = 640
BAR = "#1f4e79"
GOOD = "#2e7d32"
BAD = "#c62828"
GRID = "#ced4da"
MUTED = "#6c757d"
FONT = 'font-family="DejaVu Sans, Verdana, sans-serif"'
GOOD_SHARE = 0.8  # within standard from this share on is drawn green


def _svg(height: float, title: str, body: Sequence[str], width: float = WIDTH) -> str:
    label = escape(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width:g} '
        f'{height:g}" role="img" aria-label="{label}" {FONT} font-size="11">'
        f"<title>{label}</title>{''.join(body)}</svg>"
    )


def _step(peak: float) -> float:
    return next(size for size in (1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 1e12)
                if peak / size <= 5)  # fmt: skip


def _number(value: float, decimals: int, language: str) -> str:
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if language == "id" else text


def bar_chart(
    points: Sequence[tuple[str, float | None]],
    title: str,
    language: str = "id",
    decimals: int = 1,
    empty: str = "—",
) -> str:
    """Vertical bars with a scale; a missing value leaves its slot empty."""
    height, left, top, bottom = 220.0, 40.0, 12.0, 34.0
    plot_height = height - top - bottom
    plot_width = WIDTH - left - 8
    values = [value for _, value in points if value is not None]
    if not values:
        return _svg(60, title, [f'<text x="8" y="34" fill="{MUTED}">{escape(empty)}</text>'])
    peak = max(max(values), 1e-9)
    step = _step(peak)
    scale = step * max(1, -(-peak // step))
    body: list[str] = []
    tick = 0.0
    while tick <= scale + 1e-9:
        y = top + plot_height - plot_height * tick / scale
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - 8}" y2="{y:.1f}" '
                    f'stroke="{GRID}"/>')  # fmt: skip
        body.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">'
                    f"{_number(tick, 0, language)}</text>")  # fmt: skip
        tick += step
    slot = plot_width / len(points)
    show_every = max(1, -(-len(points) // 16))  # at most 16 labels under the bars
    for index, (label, value) in enumerate(points):
        x = left + index * slot
        if value is not None:
            bar = plot_height * value / scale
            body.append(
                f'<rect class="bar" x="{x + slot * 0.15:.1f}" y="{top + plot_height - bar:.1f}" '
                f'width="{slot * 0.7:.1f}" height="{bar:.1f}" fill="{BAR}">'
                f"<title>{escape(label)}: {_number(value, decimals, language)}</title></rect>"
            )
            if len(points) <= 12:
                body.append(
                    f'<text x="{x + slot / 2:.1f}" y="{top + plot_height - bar - 3:.1f}" '
                    f'text-anchor="middle">{_number(value, decimals, language)}</text>'
                )
        if index % show_every == 0:
            body.append(
                f'<text x="{x + slot / 2:.1f}" y="{height - bottom + 14:.1f}" '
                f'text-anchor="middle" fill="{MUTED}">{escape(label)}</text>'
            )
    return _svg(height, title, body)


def share_bars(rows: Sequence[tuple[str, float | None]], title: str, language: str = "id") -> str:
    """Horizontal bars of a share (0..1) per row: served within the waiting-time standard."""
    row_height, label_width = 26.0, 230.0
    height = 10 + row_height * max(1, len(rows))
    plot = WIDTH - label_width - 70
    body: list[str] = []
    for index, (label, share) in enumerate(rows):
        y = 6 + index * row_height
        body.append(f'<text x="0" y="{y + 15:.1f}">{escape(label[:34])}</text>')
        body.append(f'<rect x="{label_width}" y="{y + 4:.1f}" width="{plot}" height="14" '
                    f'fill="{GRID}"/>')  # fmt: skip
        text = "—"
        if share is not None:
            colour = GOOD if share >= GOOD_SHARE else BAD
            body.append(
                f'<rect class="share" x="{label_width}" y="{y + 4:.1f}" '
                f'width="{plot * min(1.0, max(0.0, share)):.1f}" height="14" fill="{colour}"/>'
            )
            text = _number(share * 100, 1, language) + "%"
        body.append(f'<text x="{label_width + plot + 8}" y="{y + 15:.1f}">{text}</text>')
    return _svg(height, title, body)


def heatmap(
    counts: Sequence[Sequence[int]], weekdays: Sequence[str], title: str, first_hour: int = 6,
    last_hour: int = 20,
) -> str:  # fmt: skip
    """Arrivals by weekday (rows, Monday first) × office-local hour (columns)."""
    hours = [hour for hour in range(24) if any(day[hour] for day in counts)]
    start = min([first_hour, *hours])
    end = max([last_hour, *hours])
    label_width, top, cell_height = 70.0, 18.0, 22.0
    cell_width = (WIDTH - label_width) / (end - start + 1)
    peak = max([1, *(value for day in counts for value in day)])
    body: list[str] = []
    for column, hour in enumerate(range(start, end + 1)):
        x = label_width + column * cell_width
        body.append(f'<text x="{x + cell_width / 2:.1f}" y="12" text-anchor="middle" '
                    f'fill="{MUTED}">{hour:02d}</text>')  # fmt: skip
    for row, day in enumerate(counts[:7]):
        y = top + row * cell_height
        body.append(f'<text x="0" y="{y + 15:.1f}">{escape(weekdays[row])}</text>')
        for column, hour in enumerate(range(start, end + 1)):
            value = day[hour]
            strength = value / peak
            x = label_width + column * cell_width
            fill = "#f1f3f5" if value == 0 else f"rgb({int(230 - 199 * strength)},"\
                f"{int(238 - 160 * strength)},{int(244 - 123 * strength)})"  # fmt: skip
            body.append(
                f'<rect class="cell" x="{x:.1f}" y="{y:.1f}" width="{cell_width - 1:.1f}" '
                f'height="{cell_height - 1}" fill="{fill}"><title>{escape(weekdays[row])} '
                f"{hour:02d}.00: {value}</title></rect>"
            )
            if value:
                colour = "#ffffff" if strength > 0.5 else "#212529"
                body.append(f'<text x="{x + cell_width / 2:.1f}" y="{y + 15:.1f}" '
                            f'text-anchor="middle" fill="{colour}" font-size="10">{value}'
                            "</text>")  # fmt: skip
    return _svg(top + 7 * cell_height + 4, title, body)


def score_bars(rows: Sequence[tuple[str, float | None]], title: str, language: str = "id") -> str:
    """Horizontal bars of the SKM elements' NRR on their 1–4 scale, weakest in red."""
    row_height, label_width = 24.0, 300.0
    height = 10 + row_height * max(1, len(rows))
    plot = WIDTH - label_width - 50
    known = [value for _, value in rows if value is not None]
    weakest = min(known) if known else None
    body: list[str] = []
    for index, (label, value) in enumerate(rows):
        y = 6 + index * row_height
        body.append(f'<text x="0" y="{y + 14:.1f}">{escape(label)}</text>')
        body.append(f'<rect x="{label_width}" y="{y + 3:.1f}" width="{plot}" height="14" '
                    f'fill="#f1f3f5"/>')  # fmt: skip
        text = "—"
        if value is not None:
            colour = BAD if value == weakest else BAR
            body.append(
                f'<rect class="score" x="{label_width}" y="{y + 3:.1f}" '
                f'width="{plot * min(4.0, max(0.0, value)) / 4:.1f}" height="14" fill="{colour}"/>'
            )
            text = _number(value, 2, language)
        body.append(f'<text x="{label_width + plot + 6}" y="{y + 14:.1f}">{text}</text>')
    return _svg(height, title, body)
