# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The definitions of the service-level figures: the parts of the one query
(``tma.contract._tma_figures``) that the month's KPIs and the trends both
read. A figure is defined here once."""

from typing import NamedTuple

from odoo.tools import SQL

from odoo.addons.tma_contract.models.utils import sql_local_month

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
    """One SELECT of the figures query, over ``source`` filtered by
    ``where``, grouped by contract, period and ``keys`` (and ``group``).
    Each group gives its ``counts`` (integers) and ``measures`` (floats,
    None without rows), SQL by name.

    A part with a ``column`` counts what happened in a period: ``source``
    joins the contracts' windows ``w`` (``contract_id``, ``period_key``,
    naive UTC ``start_at`` and ``end_at`` of the whole range, ``tz``,
    ``recurrence_days``) and a row counts in the contract's local month of
    its ``column`` (a naive UTC timestamp), or in the one period. A part
    without counts what stands at each period's end: ``source`` joins the
    periods ``b`` (``contract_id``, ``period_key``, ``date_from``,
    ``date_to``, ``start_at``, ``end_at``)."""

    source: SQL
    counts: dict
    measures: dict | None = None
    column: SQL | None = None
    where: SQL | None = None
    keys: tuple = ()
    group: tuple = ()


def count_where(condition, *args):
    """SQL counting the rows of a group where ``condition`` holds."""
    return SQL("count(*) FILTER (WHERE %s)", SQL(condition, *args))


COUNT = SQL("count(*)")
# The shape every part of the query shares (a UNION ALL): contract, period,
# part, keys, counts, measures.
FIGURE_KEYS, FIGURE_COUNTS, FIGURE_MEASURES = 2, 4, 2
TICKETS = SQL(
    """helpdesk_ticket t
       JOIN period_windows w ON w.contract_id = t.tma_contract_id"""
)
TIMERS = SQL("tma_sla_timer s JOIN period_windows w ON w.contract_id = s.contract_id")
RATINGS = SQL(
    """rating_rating r
       JOIN helpdesk_ticket t
         ON r.res_model = 'helpdesk.ticket' AND t.id = r.res_id
       JOIN period_windows w ON w.contract_id = t.tma_contract_id"""
)

FIGURE_PARTS = {
    # Tickets opened in the period.
    "opened": FigurePart(
        TICKETS,
        counts={"opened": COUNT},
        column=SQL("t.create_date"),
        where=SQL("t.active"),
    ),
    # Tickets closed in the period; closed at the first intervention: at
    # most one public response from the staff, never reassigned, never
    # reopened (an escalation alone does not count).
    "closed": FigurePart(
        TICKETS,
        counts={
            "closed": COUNT,
            "first_contact": count_where(
                """COALESCE(t.tma_staff_response_count, 0) <= 1
                   AND t.tma_reassigned IS NOT TRUE
                   AND t.tma_reopened IS NOT TRUE"""
            ),
        },
        column=SQL("t.closed_date"),
        where=SQL("t.active"),
    ),
    # Tickets open at the period's end.
    "backlog": FigurePart(
        SQL(
            """period_bounds b
               JOIN helpdesk_ticket t
                 ON t.tma_contract_id = b.contract_id AND t.active
                AND t.create_date < b.end_at
                AND (t.closed_date IS NULL OR t.closed_date >= b.end_at)"""
        ),
        counts={"backlog": COUNT},
    ),
    # Time to reach each commitment (business minutes), by metric.
    "durations": FigurePart(
        TIMERS,
        counts={"count": COUNT},
        measures={
            "mean": SQL("avg(s.elapsed_minutes)"),
            "p90": SQL(
                "percentile_cont(0.9) WITHIN GROUP (ORDER BY s.elapsed_minutes)"
            ),
        },
        column=SQL("s.reached_date"),
        keys=(SQL("s.metric"),),
    ),
    # Commitments met (in the period they were met) and breached (in the
    # period of their deadline), by metric and criticality.
    "compliance": FigurePart(
        TIMERS,
        counts={
            "met": count_where("s.status = 'met'"),
            "breached": count_where("s.status = 'breached'"),
        },
        column=SQL("COALESCE(s.breach_date, s.reached_date)"),
        where=SQL("s.status IN ('met', 'breached')"),
        keys=(SQL("s.metric"), SQL("s.criticality")),
    ),
    # Escalations up, by support level reached.
    "escalations": FigurePart(
        SQL(
            """tma_sla_escalation x
               JOIN period_windows w ON w.contract_id = x.contract_id
               JOIN tma_support_level l ON l.id = x.to_level_id"""
        ),
        counts={"count": COUNT, "sequence": SQL("l.sequence")},
        column=SQL("x.date"),
        where=SQL("x.direction = 'up'"),
        keys=(SQL("l.code"),),
        group=(SQL("l.sequence"),),
    ),
    # Recurring incidents: corrective tickets with the same application and
    # category as an earlier corrective ticket of the contract within the
    # policy's window (evolutions and questions are no incidents).
    "recurring": FigurePart(
        SQL(
            """helpdesk_ticket t
               JOIN period_windows w ON w.contract_id = t.tma_contract_id
               JOIN tma_maintenance_type m
                 ON m.id = t.tma_maintenance_type_id AND m.code = 'corrective'"""
        ),
        counts={"recurring": COUNT},
        column=SQL("t.create_date"),
        where=SQL(
            """t.tma_application_id IS NOT NULL
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
                        >= t.create_date - w.recurrence_days * interval '1 day')"""
        ),
    ),
    # Units consumed on the ledger (what is billed on top is no consumption).
    "units": FigurePart(
        SQL(
            """tma_unit_entry u
               JOIN period_windows w ON w.contract_id = u.contract_id"""
        ),
        counts={},
        measures={
            "units_consumed": SQL("sum(u.consumed_units)"),
            # What the fixes under warranty were worth: not charged.
            "units_warranty": SQL("sum(u.waived_units)"),
        },
        column=SQL("u.date"),
        where=SQL("u.scope != 'billed'"),
    ),
    # Evolutions accepted in the period (the client's acceptance of their
    # delivery, by silence too): the units consumed at acceptance against
    # the first estimate the client approved for the ticket (a new estimate
    # approved later does not hide the gap), and those accepted without any
    # delivery of the ticket rejected.
    "evolutions": FigurePart(
        SQL(
            """tma_evolution_delivery d
               JOIN helpdesk_ticket t ON t.id = d.ticket_id AND t.active
               JOIN period_windows w ON w.contract_id = d.contract_id
               LEFT JOIN LATERAL (
                 SELECT f.units FROM tma_evolution_estimate f
                  WHERE f.ticket_id = d.ticket_id
                    AND f.date_approved IS NOT NULL
                  ORDER BY f.date_approved, f.id LIMIT 1) e ON TRUE"""
        ),
        counts={
            "evolutions_accepted": COUNT,
            "evolutions_first_delivery": count_where(
                """NOT EXISTS (SELECT 1 FROM tma_evolution_delivery r
                                WHERE r.ticket_id = d.ticket_id
                                  AND r.state = 'rejected')"""
            ),
        },
        measures={
            "units_accepted": SQL("sum(d.units)"),
            "units_estimated": SQL("sum(e.units)"),
        },
        column=SQL("d.date_accepted"),
        where=SQL("d.state = 'accepted'"),
    ),
    # Time to estimate: from the ticket's creation to the first estimate
    # sent to the client, in calendar days, counted in the period the
    # estimate was sent.
    "estimates": FigurePart(
        SQL(
            """tma_evolution_estimate e
               JOIN helpdesk_ticket t ON t.id = e.ticket_id AND t.active
               JOIN period_windows w ON w.contract_id = e.contract_id"""
        ),
        counts={"estimates_sent": COUNT},
        measures={
            "estimate_days": SQL(
                "avg(extract(epoch FROM e.date_sent - t.create_date) / 86400)"
            )
        },
        column=SQL("e.date_sent"),
        where=SQL(
            """NOT EXISTS (SELECT 1 FROM tma_evolution_estimate p
                            WHERE p.ticket_id = e.ticket_id
                              AND (p.date_sent, p.id) < (e.date_sent, e.id))"""
        ),
    ),
    # Ratings of the contract's tickets given in the period (the latest of
    # each ticket), on the moment they were given (``tma_rated_on``, the
    # code's clock, as the periods).
    "ratings": FigurePart(
        RATINGS,
        counts={
            "rated": COUNT,
            "satisfied": count_where("r.rating >= %s", RATING_SATISFIED),
        },
        measures={"rating_average": SQL("avg(r.rating)")},
        column=SQL("r.tma_rated_on"),
        where=SQL("r.consumed AND r.rating > 0 AND %s", LATEST_RATING),
    ),
    # Rating requests sent in the period, on their creation (the
    # transaction's clock: the same clock in production, and in the tests,
    # whose transaction follows a frozen clock), and how many were answered.
    "rating_requests": FigurePart(
        RATINGS,
        counts={
            "rating_requests": COUNT,
            "rating_answers": count_where("r.consumed AND r.rating > 0"),
        },
        column=SQL("r.create_date"),
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
TREND_PARTS = ("opened", "closed", "durations", "compliance", "ratings", "units")


def figure_select(name, part, by_month):
    """The SELECT of the part ``name`` of the figures query; ``by_month``:
    what happened counts in the contract's local month of its moment (the
    periods are calendar months), else in the contract's one period."""

    def padded(expressions, size, cast):
        expressions = list(expressions)
        return [
            SQL("(%s)::%s", expression, SQL(cast)) for expression in expressions
        ] + [SQL("NULL::%s", SQL(cast))] * (size - len(expressions))

    if part.column is None:
        contract, period = SQL("b.contract_id"), SQL("b.period_key")
        where = part.where or SQL("TRUE")
    else:
        contract = SQL("w.contract_id")
        period = (
            sql_local_month(part.column, SQL("w.tz"))
            if by_month
            else SQL("w.period_key")
        )
        where = SQL(
            "%s >= w.start_at AND %s < w.end_at AND %s",
            part.column,
            part.column,
            part.where or SQL("TRUE"),
        )
    columns = [
        *padded(part.keys, FIGURE_KEYS, "text"),
        *padded(part.counts.values(), FIGURE_COUNTS, "bigint"),
        *padded((part.measures or {}).values(), FIGURE_MEASURES, "float8"),
    ]
    return SQL(
        "SELECT %s, %s, %s::text, %s FROM %s WHERE %s GROUP BY %s",
        contract,
        period,
        name,
        SQL(", ").join(columns),
        part.source,
        where,
        SQL(", ").join([SQL("1, 2"), *part.keys, *part.group]),
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
