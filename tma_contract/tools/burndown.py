# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A burn-down chart as inline SVG, drawn on the server: the same markup in
the backend's form and in the portal, no JavaScript, no external asset."""

import math

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 16, 52
GRID = 'stroke="#dee2e6" stroke-width="1"'
AXIS = 'stroke="#adb5bd"'
MAX_DATE_TICKS = 6


def nice_ticks(low, high, count=5):
    """Round values on a 1-2-5 step, about ``count`` of them, from at or
    below ``low`` to at or above ``high``: the y axis's graduations (0 among
    them whenever the range crosses it)."""
    span = high - low
    if span <= 0:
        return [low]
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    return [round(i * step, 9) + 0.0 for i in range(first, last + 1)]


def date_ticks(first, last):
    """Dates of the x axis: the first, the 1st of the months in between
    (thinned to at most MAX_DATE_TICKS) and the last."""
    months = []
    year, month = first.year, first.month
    while True:
        month += 1
        if month > 12:
            year, month = year + 1, 1
        day = first.replace(year=year, month=month, day=1)
        if day >= last:
            break
        months.append(day)
    stride = max(1, math.ceil(len(months) / (MAX_DATE_TICKS - 2)))
    # A month's label too close to the first or the last date would print
    # over it: keep a sixth of the axis clear at each end.
    gap = max(7, (last - first).days / 6)
    inner = [
        d for d in months[::stride] if (d - first).days > gap and (last - d).days > gap
    ]
    return [first, *inner, last]


def burndown_svg(actual, forecast, title, labels, date_label=None):
    """SVG markup of a burn-down chart, with graduated axes (the negative
    side included when the forecast goes below zero).

    :param actual: [(date, balance)] observed, in date order
    :param forecast: [(date, balance)] projected (dashed), in date order
    :param title: the chart's accessible title
    :param labels: {"actual": str, "forecast": str} legend texts
    :param date_label: callable date -> str, the reader's date format
        (ISO when omitted)
    :return: ``Markup``; empty when there is nothing to draw
    """
    points = list(actual) + list(forecast)
    if len(points) < 2:
        return Markup()
    date_label = date_label or (lambda day: day.isoformat())
    first = min(p[0] for p in points)
    last = max(p[0] for p in points)
    span = max((last - first).days, 1)
    ticks = nice_ticks(
        min(min(p[1] for p in points), 0.0), max(max(p[1] for p in points), 1.0)
    )
    low, high = ticks[0], ticks[-1]
    scale = (HEIGHT - TOP - BOTTOM) / (high - low)

    def x_of(day):
        return LEFT + (day - first).days * (WIDTH - LEFT - RIGHT) / span

    def y_of(value):
        return TOP + (high - value) * scale

    def polyline(serie, style):
        if len(serie) < 2:
            return ""
        coords = " ".join(f"{x_of(d):.1f},{y_of(v):.1f}" for d, v in serie)
        return f'<polyline fill="none" {style} points="{coords}"/>'

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tma_burndown" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img">',
        f"<title>{escape(title)}</title>",
    ]
    for value in ticks:
        y = y_of(value)
        style = AXIS if value == 0 else GRID
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" '
            f'y2="{y:.1f}" {style}/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="11" '
            f'text-anchor="end">{value:g}</text>'
        )
    bottom = HEIGHT - BOTTOM
    parts.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}" {AXIS}/>')
    for index, day in enumerate(date_ticks(first, last)):
        x = x_of(day)
        anchor = "start" if index == 0 else ("end" if day == last else "middle")
        parts.append(
            f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 4}" {AXIS}/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{bottom + 16}" font-size="11" '
            f'text-anchor="{anchor}">{escape(date_label(day))}</text>'
        )
    parts += [
        polyline(actual, 'stroke="#0d6efd" stroke-width="2"'),
        polyline(forecast, 'stroke="#dc3545" stroke-width="2" stroke-dasharray="6 4"'),
        f'<text x="{LEFT}" y="{HEIGHT - 6}" font-size="11" fill="#0d6efd">'
        f"{escape(labels['actual'])}</text>",
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 6}" font-size="11" '
        f'text-anchor="end" fill="#dc3545">{escape(labels["forecast"])}</text>',
        "</svg>",
    ]
    return Markup("".join(parts))
