# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The budgets of a large provider's year and their status, without Odoo
(``bench_tma_large.py`` measures, this module judges and prints; a plain
pytest test checks it, tests/test_bench_budgets.py).

A budget is one of:

- a *limit*: the figure of the large database must not exceed the limit
  (seconds, or a ratio);
- *flat queries*: the request must run no more queries on the large
  database than on the demo's;
- *proportional*: a cron's time must follow the work due, not the size. Its
  run with nothing due on the large database takes at most ``SLACK`` times
  the demo's (plus ``NOISE_S`` seconds of noise), and its time per item due
  on the large database at most ``SLACK`` times the demo's (plus
  ``NOISE_ITEM_S`` of noise).
"""

WITHIN = "within"
OVER = "over"
UNKNOWN = "n/a"

SLACK = 2.0
NOISE_S = 0.05
NOISE_ITEM_S = 0.005


def limit_status(value, limit):
    """within when ``value`` is at most ``limit``; n/a when not measured."""
    if value is None:
        return UNKNOWN
    return WITHIN if value <= limit else OVER


def flat_status(demo_queries, large_queries):
    """within when the request runs no more queries on the large database
    than on the demo's (a query fewer there is not the size's doing)."""
    if demo_queries is None or large_queries is None:
        return UNKNOWN
    return WITHIN if large_queries <= demo_queries else OVER


def worst(*statuses):
    """The status of a budget made of several: over if one is over, n/a if
    one could not be measured, else within."""
    if OVER in statuses:
        return OVER
    if UNKNOWN in statuses:
        return UNKNOWN
    return WITHIN


def proportional_status(demo_idle, large_idle, demo_per_item, large_per_item):
    """Status of a cron: (idle seconds with nothing due, seconds per item
    due) on each size. Per-item figures are None when nothing could be made
    due on a size (then only the idle run is judged)."""
    if demo_idle is None or large_idle is None:
        return UNKNOWN
    idle = WITHIN if large_idle <= SLACK * demo_idle + NOISE_S else OVER
    if demo_per_item is None or large_per_item is None:
        return idle
    per_item = (
        WITHIN if large_per_item <= SLACK * demo_per_item + NOISE_ITEM_S else OVER
    )
    return worst(idle, per_item)


def seconds(value):
    """A duration for the tables: ms below a second, s above."""
    if value is None:
        return "-"
    if value < 1:
        return f"{1000 * value:.0f} ms"
    return f"{value:.2f} s"


def table(header, rows):
    """A markdown table: ``header`` a list of titles (a title ending in ':'
    is right-aligned, the ':' dropped), ``rows`` lists of cells."""
    titles = [title.rstrip(":") for title in header]
    aligns = ["---:" if title.endswith(":") else "---" for title in header]
    lines = ["| " + " | ".join(titles) + " |", "|" + "|".join(aligns) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(str(cell) for cell in row) + " |")
    return "\n".join(lines)
