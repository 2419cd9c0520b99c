# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Small server-side SVG charts for the PDF reports: wkhtmltopdf renders
inline SVG but runs no JavaScript, so the charts are drawn here."""

from markupsafe import Markup, escape

WIDTH = 640
HEIGHT = 200
MARGIN_LEFT = 44
MARGIN_RIGHT = 12
MARGIN_TOP = 26
MARGIN_BOTTOM = 30
COLORS = ("#2e6da4", "#d9822b", "#5b9c5b", "#a94442")


def _nice_max(value):
    """A round upper bound of the axis for ``value`` (> 0)."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        bound = step * magnitude
        if bound >= value:
            return bound
    return 10 * magnitude


def svg_chart(title, labels, series, kind="line", y_max=None, unit=""):
    """An SVG chart (Markup) of ``series`` — [(name, [value or None per
    label])] — over ``labels`` (the x axis): grouped bars (``kind="bar"``)
    or lines with dots (gaps where a value is None)."""
    values = [v for _name, data in series for v in data if v is not None]
    top = y_max or _nice_max(max(values, default=0))
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    n = max(len(labels), 1)
    slot = plot_w / n

    def x_center(i):
        return MARGIN_LEFT + slot * (i + 0.5)

    def y(value):
        return MARGIN_TOP + plot_h * (1 - min(value, top) / top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        'font-family="sans-serif" font-size="10" class="o_tma_chart">',
        f'<text x="{MARGIN_LEFT}" y="14" font-size="12" font-weight="bold">'
        f"{escape(title)}</text>",
    ]
    # Grid and y axis labels.
    for i in range(5):
        value = top * i / 4
        gy = y(value)
        parts.append(
            f'<line x1="{MARGIN_LEFT}" y1="{gy:.1f}" x2="{WIDTH - MARGIN_RIGHT}" '
            f'y2="{gy:.1f}" stroke="#dddddd" stroke-width="1"/>'
        )
        text = f"{value:g}{unit}"
        parts.append(
            f'<text x="{MARGIN_LEFT - 4}" y="{gy + 3:.1f}" text-anchor="end" '
            f'fill="#555555">{escape(text)}</text>'
        )
    for i, label in enumerate(labels):
        parts.append(
            f'<text x="{x_center(i):.1f}" y="{HEIGHT - MARGIN_BOTTOM + 12}" '
            f'text-anchor="middle" fill="#555555">{escape(label)}</text>'
        )
    # Data.
    if kind == "bar":
        bar_w = slot * 0.8 / max(len(series), 1)
        for s, (_name, data) in enumerate(series):
            color = COLORS[s % len(COLORS)]
            for i, value in enumerate(data):
                if not value:
                    continue
                bx = MARGIN_LEFT + slot * i + slot * 0.1 + bar_w * s
                by = y(value)
                parts.append(
                    f'<rect x="{bx:.1f}" y="{by:.1f}" width="{bar_w:.1f}" '
                    f'height="{MARGIN_TOP + plot_h - by:.1f}" fill="{color}"/>'
                )
    else:
        for s, (_name, data) in enumerate(series):
            color = COLORS[s % len(COLORS)]
            segment = []
            for i, value in enumerate(list(data) + [None]):
                if value is None:
                    if len(segment) > 1:
                        points = " ".join(f"{px:.1f},{py:.1f}" for px, py in segment)
                        parts.append(
                            f'<polyline points="{points}" fill="none" '
                            f'stroke="{color}" stroke-width="2"/>'
                        )
                    segment = []
                    continue
                point = (x_center(i), y(value))
                segment.append(point)
                parts.append(
                    f'<circle cx="{point[0]:.1f}" cy="{point[1]:.1f}" r="2.5" '
                    f'fill="{color}"/>'
                )
    # Legend.
    lx = WIDTH - MARGIN_RIGHT
    for s, (name, _data) in reversed(list(enumerate(series))):
        color = COLORS[s % len(COLORS)]
        width = 14 + 6 * len(str(name))
        lx -= width
        parts.append(
            f'<rect x="{lx:.1f}" y="6" width="10" height="10" fill="{color}"/>'
            f'<text x="{lx + 13:.1f}" y="15">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped
