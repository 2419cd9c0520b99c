# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The definitions of the service-level figures: the parts of the one query
(``tma.contract._tma_figures``) that the month's KPIs and the trends both
read. A figure is defined here once."""

from typing import NamedTuple

from odoo.tools import SQL

from .utils import RATING_SATISFIED

# A client who rates a ticket again changes its mind: the figures count the
# latest rating of each ticket only (a rating is an act, never edited).
LATEST_RATING = SQL(
    """NOT EXISTS (SELECT 1 FROM rating_rating later
                    WHERE later.res_model = r.res_model
                      AND later.res_id = r.res_id
                      AND later.consumed AND later.rating > 0
                      AND (later.tma_rated_on, later.id) > (r.tma_rated_on, r.id))"""
)


class FigurePart(NamedTuple):
    """One SELECT of the figures query: the rows of ``source``, SQL joining
    the periods ``b`` (``contract_id``, ``period_key``, ``date_from``,
    ``date_to``, naive UTC ``start_at`` and ``end_at``, ``recurrence_days``),
    grouped by contract, period and ``keys``. Each group gives its
    ``counts`` (integers) and ``measures`` (floats, None without rows), SQL
    by name."""

    source: SQL
    counts: dict
    measures: dict | None = None
    keys: tuple = ()
    group: tuple = ()


def count_where(condition, *args):
    """SQL counting the rows of a group where ``condition`` holds."""
    return SQL("count(*) FILTER (WHERE %s)", SQL(condition, *args))


COUNT = SQL("count(*)")
RATING_GIVEN = SQL(
    """r.consumed AND r.rating > 0
       AND r.tma_rated_on >= b.start_at AND r.tma_rated_on < b.end_at
       AND %s""",
    LATEST_RATING,
)
RATING_REQUESTED = SQL("r.create_date >= b.start_at AND r.create_date < b.end_at")
# The shape every part of the query shares (a UNION ALL): contract, period,
# part, keys, counts, measures.
FIGURE_KEYS, FIGURE_COUNTS, FIGURE_MEASURES = 2, 4, 2

FIGURE_PARTS = {
    # Tickets opened, closed, open at the period's end; closed at the first
    # intervention: at most one public response from the staff, never
    # reassigned, never reopened (an escalation alone does not count).
    "tickets": FigurePart(
        SQL(
            """period_bounds b
               JOIN helpdesk_ticket t
                 ON t.tma_contract_id = b.contract_id AND t.active
                AND (t.create_date < b.end_at OR t.closed_date < b.end_at)"""
        ),
        counts={
            "opened": count_where(
                "t.create_date >= b.start_at AND t.create_date < b.end_at"
            ),
            "closed": count_where(
                "t.closed_date >= b.start_at AND t.closed_date < b.end_at"
            ),
            "backlog": count_where(
                """t.create_date < b.end_at
                   AND (t.closed_date IS NULL OR t.closed_date >= b.end_at)"""
            ),
            "first_contact": count_where(
                """t.closed_date >= b.start_at AND t.closed_date < b.end_at
                   AND COALESCE(t.tma_staff_response_count, 0) <= 1
                   AND t.tma_reassigned IS NOT TRUE
                   AND t.tma_reopened IS NOT TRUE"""
            ),
        },
    ),
    # Time to reach each commitment (business minutes), by metric.
    "durations": FigurePart(
        SQL(
            """period_bounds b
               JOIN tma_sla_timer s
                 ON s.contract_id = b.contract_id
                AND s.reached_date >= b.start_at AND s.reached_date < b.end_at"""
        ),
        counts={"count": COUNT},
        measures={
            "mean": SQL("avg(s.elapsed_minutes)"),
            "p90": SQL(
                "percentile_cont(0.9) WITHIN GROUP (ORDER BY s.elapsed_minutes)"
            ),
        },
        keys=(SQL("s.metric"),),
    ),
    # Commitments met (in the period they were met) and breached (in the
    # period of their deadline), by metric and criticality.
    "compliance": FigurePart(
        SQL(
            """period_bounds b
               JOIN tma_sla_timer s
                 ON s.contract_id = b.contract_id
                AND s.status IN ('met', 'breached')
                AND COALESCE(s.breach_date, s.reached_date) >= b.start_at
                AND COALESCE(s.breach_date, s.reached_date) < b.end_at"""
        ),
        counts={
            "met": count_where("s.status = 'met'"),
            "breached": count_where("s.status = 'breached'"),
        },
        keys=(SQL("s.metric"), SQL("s.criticality")),
    ),
    # Escalations up, by support level reached.
    "escalations": FigurePart(
        SQL(
            """period_bounds b
               JOIN tma_sla_escalation x
                 ON x.contract_id = b.contract_id AND x.direction = 'up'
                AND x.date >= b.start_at AND x.date < b.end_at
               JOIN tma_support_level l ON l.id = x.to_level_id"""
        ),
        counts={"count": COUNT, "sequence": SQL("l.sequence")},
        keys=(SQL("l.code"),),
        group=(SQL("l.sequence"),),
    ),
    # Recurring incidents: corrective tickets with the same application and
    # category as an earlier corrective ticket of the contract within the
    # policy's window (evolutions and questions are no incidents).
    "recurring": FigurePart(
        SQL(
            """period_bounds b
               JOIN helpdesk_ticket t
                 ON t.tma_contract_id = b.contract_id
                AND t.create_date >= b.start_at AND t.create_date < b.end_at
               JOIN tma_maintenance_type m
                 ON m.id = t.tma_maintenance_type_id AND m.code = 'corrective'
              WHERE t.tma_application_id IS NOT NULL
                AND t.category_id IS NOT NULL
                AND EXISTS (
                  SELECT 1 FROM helpdesk_ticket p
                    JOIN tma_maintenance_type pm
                      ON pm.id = p.tma_maintenance_type_id
                     AND pm.code = 'corrective'
                   WHERE p.tma_contract_id = t.tma_contract_id
                     AND p.tma_application_id = t.tma_application_id
                     AND p.category_id = t.category_id
                     AND p.id != t.id
                     AND p.create_date < t.create_date
                     AND p.create_date
                         >= t.create_date - b.recurrence_days * interval '1 day')"""
        ),
        counts={"recurring": COUNT},
    ),
    # Units consumed on the ledger (what is billed on top is no consumption).
    "units": FigurePart(
        SQL(
            """period_bounds b
               JOIN tma_unit_entry u
                 ON u.contract_id = b.contract_id AND u.scope != 'billed'
                AND u.date >= b.start_at AND u.date < b.end_at"""
        ),
        counts={},
        measures={"units_consumed": SQL("sum(u.consumed_units)")},
    ),
    # Ratings of the contract's tickets: those given in the period (the
    # latest of each ticket), on the moment they were given (``tma_rated_on``,
    # the code's clock, as the periods); the requests sent in the period, on
    # their creation (the transaction's clock: the same clock in production,
    # and in the tests, whose transaction follows a frozen clock), and how
    # many of them were answered.
    "ratings": FigurePart(
        SQL(
            """period_bounds b
               JOIN helpdesk_ticket t ON t.tma_contract_id = b.contract_id
               JOIN rating_rating r
                 ON r.res_model = 'helpdesk.ticket' AND r.res_id = t.id
                AND (r.tma_rated_on >= b.start_at AND r.tma_rated_on < b.end_at
                     OR r.create_date >= b.start_at AND r.create_date < b.end_at)"""
        ),
        counts={
            "rated": count_where("%s", RATING_GIVEN),
            "satisfied": count_where(
                "%s AND r.rating >= %s", RATING_GIVEN, RATING_SATISFIED
            ),
            "rating_requests": count_where("%s", RATING_REQUESTED),
            "rating_answers": count_where(
                "%s AND r.consumed AND r.rating > 0", RATING_REQUESTED
            ),
        },
        measures={
            "rating_average": SQL("avg(r.rating) FILTER (WHERE %s)", RATING_GIVEN)
        },
    ),
    # Improvement actions open at the period's end, overdue, done in it.
    "actions": FigurePart(
        SQL(
            """period_bounds b
               JOIN tma_improvement_action a ON a.contract_id = b.contract_id"""
        ),
        counts={
            "actions_open": count_where(
                "a.state IN ('proposed', 'open') AND a.create_date < b.end_at"
            ),
            "actions_overdue": count_where(
                "a.state IN ('proposed', 'open') AND a.date_due < b.date_to"
            ),
            "actions_done": count_where(
                """a.state = 'done'
                   AND a.date_done >= b.date_from AND a.date_done <= b.date_to"""
            ),
        },
    ),
}
# What the trends draw (the rest of the figures is left out of their query).
TREND_PARTS = ("tickets", "durations", "compliance", "ratings", "units")


def figure_select(name, part):
    """The SELECT of the part ``name`` of the figures query."""

    def padded(expressions, size, cast):
        expressions = list(expressions)
        return [
            SQL("(%s)::%s", expression, SQL(cast)) for expression in expressions
        ] + [SQL("NULL::%s", SQL(cast))] * (size - len(expressions))

    columns = [
        *padded(part.keys, FIGURE_KEYS, "text"),
        *padded(part.counts.values(), FIGURE_COUNTS, "bigint"),
        *padded((part.measures or {}).values(), FIGURE_MEASURES, "float8"),
    ]
    return SQL(
        "SELECT b.contract_id, b.period_key, %s::text, %s FROM %s GROUP BY %s",
        name,
        SQL(", ").join(columns),
        part.source,
        SQL(", ").join(
            [SQL("b.contract_id"), SQL("b.period_key"), *part.keys, *part.group]
        ),
    )


def add_figure_row(figures, name, row):
    """Put in ``figures`` (one period's) a ``row`` of the figures query from
    its part ``name``: its keys, counts and measures."""
    part = FIGURE_PARTS[name]
    values = dict(zip(part.counts, row[FIGURE_KEYS:], strict=False))
    measures = row[FIGURE_KEYS + FIGURE_COUNTS :]
    values.update(zip(part.measures or {}, measures, strict=False))
    keys = tuple(row[: len(part.keys)])
    if not keys:
        figures.update(values)
    else:
        figures[name][keys[0] if len(keys) == 1 else keys] = values


def empty_figures(date_from, date_to, units_estimate):
    """The figures of a period without any row (see ``_tma_figures``)."""
    figures = {
        "date_from": date_from,
        "date_to": date_to,
        "units_estimate": units_estimate,
    }
    for name, part in FIGURE_PARTS.items():
        if part.keys:
            figures[name] = {}
        else:
            figures.update(dict.fromkeys(part.counts, 0))
            figures.update(dict.fromkeys(part.measures or {}))
    return figures


def percent(part, whole, default):
    """``part`` per 100 ``whole``, to a tenth; ``default`` when ``whole`` is 0."""
    return round(100.0 * part / whole, 1) if whole else default
