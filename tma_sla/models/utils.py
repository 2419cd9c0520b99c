# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Constants and small helpers shared by the models of tma_sla."""

import logging

from dateutil.relativedelta import relativedelta

from odoo.osv import expression

_logger = logging.getLogger(__name__)

METRICS = [
    ("acknowledgement", "Acknowledgement"),
    ("first_response", "First response"),
    ("workaround", "Workaround"),
    ("resolution", "Resolution"),
]
CRITICALITIES = [
    ("blocking", "Blocking"),
    ("major", "Major"),
    ("minor", "Minor"),
]
# helpdesk_mgmt priorities: 0 low, 1 medium, 2 high, 3 very high.
PRIORITY_CRITICALITY = {"3": "blocking", "2": "major", "1": "minor", "0": "minor"}


def month_count(date_from, date_to):
    """Calendar months touched by the period date_from..date_to (at least 1)."""
    return max(
        1,
        (date_to.year - date_from.year) * 12 + date_to.month - date_from.month + 1,
    )


def month_periods(date_from, date_to):
    """(first day of the month, first day, last day) of each calendar month
    touched by the period date_from..date_to, its days clipped to the period."""
    periods = []
    month = date_from.replace(day=1)
    while month <= date_to:
        last = month + relativedelta(months=1, days=-1)
        periods.append((month, max(month, date_from), min(last, date_to)))
        month += relativedelta(months=1)
    return periods


DURATION_UNITS = [
    ("minute", "Minutes"),
    ("hour", "Hours"),
    ("day", "Business days"),
]

TIMER_STATUSES = [
    ("running", "Running"),
    ("paused", "Paused"),
    ("met", "Met"),
    ("breached", "Breached"),
]

# Months per fee period of a contract (caps in % of the fee).
FEE_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}


def replan_timers(env, calendars, companies=None):
    """Re-plan the running timers counting on ``calendars``, and those of the
    contracts of ``companies`` on any calendar (their public holidays
    changed: see ``tma.sla.engine._leave_domain``), after clearing the
    timelines kept by the engine (``tma.sla.engine``)."""
    if not calendars and not companies:
        return
    env.registry.clear_cache()
    if env.context.get("tma_sla_replan_later"):
        return
    scopes = []
    if calendars:
        scopes.append([("calendar_id", "in", calendars.ids)])
    if companies:
        # Around-the-clock timers (no calendar) know no holidays.
        scopes.append(
            [("company_id", "in", companies.ids), ("calendar_id", "!=", False)]
        )
    open_timers = [
        ("status", "in", ("running", "breached")),
        ("reached_date", "=", False),
    ]
    env["tma.sla.timer"].sudo().search(
        expression.AND([open_timers, expression.OR(scopes)])
    )._plan()


def run_isolated(records, method, *args):
    """Call ``records.method(*args)`` for a cron, so that records it cannot
    process never block the others: the batch runs in a savepoint; when it
    fails, each record runs in a savepoint of its own and the ones that still
    fail are logged and left out. Returns the records processed."""
    try:
        with records.env.cr.savepoint():
            getattr(records, method)(*args)
        return records
    except Exception:  # noqa: BLE001 - one bad record must not block a cron
        if len(records) == 1:
            _logger.exception("%s failed on %s", method, records)
            return records.browse()
    done = records.browse()
    for record in records:
        try:
            with records.env.cr.savepoint():
                getattr(record, method)(*args)
            done |= record
        except Exception:  # noqa: BLE001
            _logger.exception("%s failed on %s", method, record)
    return done


# ----------------------------------------------------------------------
# Service review loop: satisfaction, improvement actions, reviews
# ----------------------------------------------------------------------
# Ratings of the rating module are 1 (dissatisfied), 3 (okay) or 5
# (satisfied); a rating at or above this limit counts as satisfied, one at or
# below LOW_RATING proposes an improvement action.
RATING_SATISFIED = 4
LOW_RATING = 2

ACTION_ORIGINS = [
    ("breach", "Service level breach"),
    ("recurring", "Recurring incident"),
    ("rating", "Low rating"),
    ("survey", "Survey"),
    ("review", "Review"),
    ("request", "Client request"),
    ("preventive", "Preventive audit"),
]
ACTION_STATES = [
    ("proposed", "Proposed"),
    ("open", "In progress"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
# Allowed moves of an improvement action: {from: {to, ...}}.
ACTION_TRANSITIONS = {
    "proposed": {"open", "cancelled"},
    "open": {"done", "cancelled"},
    "done": {"open"},
    "cancelled": {"proposed"},
}
OWNER_SIDES = [("provider", "Provider"), ("client", "Client")]

REVIEW_KINDS = [
    ("operational", "Operational review"),
    ("steering", "Steering committee"),
]
# Default cadence in months of each kind of review.
REVIEW_DEFAULT_CADENCE = {"operational": 1, "steering": 3}
REVIEW_STATES = [
    ("planned", "Planned"),
    ("held", "Held"),
    ("submitted", "Minutes submitted"),
    ("approved", "Minutes approved"),
]

# Kinds of fix of an intervention report.
FIX_KINDS = [
    ("patch", "Patch"),
    ("update", "Update"),
    ("rollback", "Rollback"),
    ("configuration", "Configuration"),
    ("workaround", "Workaround only"),
]
# Maintenance types whose closing asks for an intervention report.
REPORTED_MAINTENANCE = ("corrective", "evolutive")

# Steps of a blocking incident announced to the client at once, in order.
NOTICE_STEPS = [
    ("opened", "Opened"),
    ("acknowledged", "Acknowledged"),
    ("workaround", "Worked around"),
    ("resolved", "Resolved"),
]

# The periodic satisfaction survey: every SURVEY_MONTHS months, four criteria
# scored 1 to 5; an average at or below LOW_SURVEY_SCORE proposes an action.
SURVEY_MONTHS = 3
SURVEY_CRITERIA = [
    ("quality", "Quality of service"),
    ("responsiveness", "Responsiveness"),
    ("advice", "Quality of advice"),
    ("communication", "Communication"),
]
LOW_SURVEY_SCORE = 2.5

# Months of history in the trends of the service report.
TREND_MONTHS = 12

# Service report frequency of a contract, and the months a report covers.
REPORT_FREQUENCIES = [("monthly", "Monthly"), ("quarterly", "Quarterly")]
REPORT_MONTHS = {"monthly": 1, "quarterly": 3}

# Kinds of invoiced amounts in the service report's budget control.
# (Labels: ``tma.sla.service.report._budget_kind_labels``.)
BUDGET_KINDS = [
    "fee",
    "books",
    "overage",
    "time_materials",
    "out_of_scope",
    "penalty",
    "other",
]
BUDGET_KIND_BY_PRODUCT = {
    "forfait": "fee",
    "unit_pack": "books",
    "overage": "overage",
    "regie": "time_materials",
    "out_of_scope": "out_of_scope",
}


def report_period(month, frequency):
    """(first day, last day) of the report period holding the month of
    ``month``: the month itself, or its calendar quarter."""
    months = REPORT_MONTHS.get(frequency or "monthly", 1)
    first = month.replace(day=1)
    first = first.replace(month=first.month - (first.month - 1) % months)
    last = first + relativedelta(months=months, days=-1)
    return first, last


# Days given to an improvement action born from a preventive finding, by the
# finding's severity.
FINDING_ACTION_DAYS = {"high": 15, "medium": 30, "low": 60}


def trigger_cron(env, xmlid):
    """``env.ref(xmlid)._trigger()`` without ``env.ref``'s query checking that
    the cron exists: its id comes from the registry's cache of XML ids (a
    deleted cron loses its XML id, and this raises as ``env.ref`` would)."""
    cron_id = env["ir.model.data"]._xmlid_to_res_id(xmlid, raise_if_not_found=True)
    return env["ir.cron"].browse(cron_id)._trigger()
