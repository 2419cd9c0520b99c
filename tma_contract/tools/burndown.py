# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A burn-down chart as inline SVG, drawn on the server: the same markup in
the backend's form and in the portal, no JavaScript, no external asset."""

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 36


def burndown_svg(actual, forecast, title, labels):
    """SVG markup of a burn-down chart.

    :param actual: [(date, balance)] observed, in date order
    :param forecast: [(date, balance)] projected (dashed), in date order
    :param title: the chart's accessible title
    :param labels: {"actual": str, "forecast": str} legend texts
    :return: ``Markup``; empty when there is nothing to draw
    """
    points = list(actual) + list(forecast)
    if len(points) < 2:
        return Markup()
    first = min(p[0] for p in points)
    last = max(p[0] for p in points)
    span = max((last - first).days, 1)
    high = max(max(p[1] for p in points), 1.0)
    low = min(min(p[1] for p in points), 0.0)
    scale = (HEIGHT - TOP - BOTTOM) / (high - low)

    def xy(point):
        x = LEFT + (point[0] - first).days * (WIDTH - LEFT - RIGHT) / span
        y = TOP + (high - point[1]) * scale
        return f"{x:.1f},{y:.1f}"

    def polyline(serie, style):
        if len(serie) < 2:
            return ""
        coords = " ".join(xy(p) for p in serie)
        return f'<polyline fill="none" {style} points="{coords}"/>'

    zero_y = TOP + high * scale
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tma_burndown" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{LEFT}" y1="{zero_y:.1f}" x2="{WIDTH - RIGHT}" '
        f'y2="{zero_y:.1f}" stroke="#adb5bd"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" '
        f'stroke="#adb5bd"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" font-size="11" '
        f'text-anchor="end">{high:.0f}</text>',
        f'<text x="{LEFT - 6}" y="{zero_y + 4:.1f}" font-size="11" '
        f'text-anchor="end">0</text>',
        f'<text x="{LEFT}" y="{HEIGHT - 18}" font-size="11">'
        f"{escape(first.isoformat())}</text>",
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 18}" font-size="11" '
        f'text-anchor="end">{escape(last.isoformat())}</text>',
        polyline(actual, 'stroke="#0d6efd" stroke-width="2"'),
        polyline(forecast, 'stroke="#dc3545" stroke-width="2" stroke-dasharray="6 4"'),
        f'<text x="{LEFT}" y="{HEIGHT - 4}" font-size="11" fill="#0d6efd">'
        f"{escape(labels['actual'])}</text>",
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 4}" font-size="11" '
        f'text-anchor="end" fill="#dc3545">{escape(labels["forecast"])}</text>',
        "</svg>",
    ]
    return Markup("".join(parts))
