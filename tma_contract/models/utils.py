# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Constants and small helpers of the suite (other addons import them)."""

import threading

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tools import SQL, format_date, get_lang, posix_to_ldml
from odoo.tools.misc import babel_locale_parse, format_datetime

# The kinds of document of the register (tma.document).
DOCUMENT_TYPES = [
    ("source", "Source code location"),
    ("architecture", "Architecture"),
    ("runbook", "Installation and run book"),
    ("audit", "Audit"),
    ("test", "Test plan and results"),
    ("intervention", "Intervention report"),
    ("inventory", "Environment and access inventory"),
    ("other", "Other"),
]


def reader_env(env, partner):
    """``env`` in the language of ``partner``, the reader of a text the suite
    writes (the client of a contract, a successor, an outgoing provider):
    every generated name, reason or message is written through it, so that
    it reads in the reader's language whoever triggers it (a cron, OdooBot,
    an administrator reading English). The partner's language when it is
    active in the database, else ``env``'s own."""
    lang = partner.lang and env["res.lang"]._get_code(partner.lang)
    lang = lang or env.lang or "en_US"
    if lang == env.lang:
        return env
    return env(context=dict(env.context, lang=lang))


def reader_date(env, value):
    """``value`` (a date) in the date format of ``env``'s language (use
    ``reader_env``): never ISO in a generated text."""
    return format_date(env, value) if value else ""


def reader_datetime(env, value, tz=None):
    """``value`` (a naive UTC datetime) in the time zone ``tz`` (else the
    user's), in the date and time formats of ``env``'s language, to the
    minute: a generated text shows no seconds."""
    if not value:
        return ""
    lang = get_lang(env)
    locale = babel_locale_parse(lang.code)
    time_format = lang.time_format.replace(":%S", "")
    date_pattern = posix_to_ldml(lang.date_format, locale=locale)
    time_pattern = posix_to_ldml(time_format, locale=locale)
    pattern = f"{date_pattern} {time_pattern}"
    return format_datetime(env, value, tz=tz, dt_format=pattern)


def user_today(record):
    """Today in the user's time zone, as ``fields.Date.context_today`` gives
    it, without reading the user's and its partner's rows for the time zone:
    it comes from the context, else from the user's context Odoo caches
    (``res.users.context_get``, what a request's session context holds)."""
    tz = record.env.context.get("tz") or record.env["res.users"].context_get().get("tz")
    return fields.Date.context_today(record.with_context(tz=tz or "UTC"))


def commit_unless_testing(env):
    """Commit the transaction of ``env``, as Odoo's batch crons do between
    their units of work (``mail.mail.process_email_queue``), so that a cron
    holds the locks of one unit at a time; not under tests, whose transaction
    is rolled back at the end."""
    if not getattr(threading.current_thread(), "testing", False):
        env.cr.commit()  # pylint: disable=invalid-commit


def sql_local_month(column, tz):
    """SQL of the first day (a date) of the local calendar month, in the time
    zone ``tz`` (a name, or SQL giving one), holding ``column``, an SQL naive
    UTC timestamp. ``tma.contract._tma_month_sql`` gives it in the contract's
    time zone."""
    return SQL(
        "date_trunc('month', (%s AT TIME ZONE 'UTC') AT TIME ZONE %s)::date", column, tz
    )


def sql_translated(env, column):
    """SQL of a translated field's ``column`` in ``env``'s language (English
    when it has no translation)."""
    return SQL("COALESCE(%s->>%s, %s->>'en_US')", column, env.lang or "en_US", column)


def sql_selection(env, model, field, column):
    """SQL of the label, in ``env``'s language, of the selection ``field`` of
    ``model`` stored in ``column``."""
    labels = env[model]._fields[field]._description_selection(env)
    if not labels:
        return column
    return SQL(
        "CASE %s %s ELSE %s END",
        column,
        SQL(" ").join(SQL("WHEN %s THEN %s", value, label) for value, label in labels),
        column,
    )


# Allowed state transitions: the only place that says which move is legal.
# tma_reversibility adds its own checks through ``_check_transition``.
CONTRACT_TRANSITIONS = {
    # A contract taken over from another provider goes through a take-on
    # (tma_reversibility: the take-on checklist, signed off by the client's
    # service start) before it runs.
    "draft": ("transition", "active", "cancelled"),
    "transition": ("active", "cancelled"),
    # A running contract ends through reversibility (tma_reversibility: the
    # handover checklist, or the early termination one, and the package).
    "active": ("reversibility",),
    "reversibility": ("active", "closed"),
    "closed": (),
    "cancelled": ("draft",),
}

# Target states only a TMA manager may move a contract to.
MANAGER_ONLY_STATES = ("reversibility", "closed", "cancelled", "draft")

CONTRACT_STATES = [
    ("draft", "Draft"),
    ("transition", "Take-on"),
    ("active", "Active"),
    ("reversibility", "Reversibility"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]

CONTRACT_MODES = [
    ("forfait", "Fixed price"),
    ("ticket_book", "Ticket book"),
    ("regie", "Capped time and materials"),
]

ENTRY_TYPES = [
    ("credit", "Credit"),
    ("consumption", "Consumption"),
    ("expiry", "Expiry"),
    ("adjustment", "Adjustment"),
    ("reversal", "Reversal"),
]

ENTRY_SCOPES = [
    ("in", "In scope"),
    ("counted", "Out of scope, counted"),
    ("billed", "Out of scope, billed"),
    ("warranty", "Under warranty"),
]

# An evolutive ticket's estimate (tma.evolution.estimate).
ESTIMATE_STATES = [
    ("draft", "Draft"),
    ("sent", "Awaiting approval"),
    ("approved", "Approved"),
    ("accepted", "Accepted"),
    ("refused", "Refused"),
    ("superseded", "Superseded"),
    ("cancelled", "Cancelled"),
]

# Where an estimate may go, and who moves it: the only place that says so.
ESTIMATE_TRANSITIONS = {
    "draft": ("sent", "cancelled", "superseded"),
    "sent": ("approved", "refused", "superseded", "cancelled"),
    "approved": ("accepted", "superseded", "cancelled"),
    "accepted": (),
    "refused": (),
    "superseded": (),
    "cancelled": (),
}

# A delivery of an evolution to the client (tma.evolution.delivery).
DELIVERY_STATES = [
    ("delivered", "In acceptance"),
    ("accepted", "Accepted"),
    ("rejected", "Rejected"),
]

COMPLEXITY = [
    ("simple", "Simple"),
    ("medium", "Medium"),
    ("complex", "Complex"),
]

TMA_PRODUCT_TYPES = [
    ("unit_pack", "Unit pack (ticket book)"),
    ("regie", "Time and materials units"),
    ("overage", "Overage units"),
    ("forfait", "Fixed fee"),
    ("out_of_scope", "Out-of-scope work"),
]

MODE_BY_PRODUCT = {"unit_pack": "ticket_book", "regie": "regie", "forfait": "forfait"}

# Fields whose change may move a ticket to another contract (directly, or
# through the computed contract).
CONTRACT_FIELDS = frozenset(
    {"tma_contract_id", "partner_id", "commercial_partner_id", "team_id", "company_id"}
)

AMENDMENT_STATES = [
    ("draft", "Draft"),
    ("to_approve", "Awaiting the client"),
    ("approved", "Approved"),
    ("applied", "Applied"),
    ("refused", "Refused"),
    ("cancelled", "Cancelled"),
]

# Amendments that still count: they block another amendment changing the
# same term on the same date, and show in the contract's history.
AMENDMENT_LIVE_STATES = ("draft", "to_approve", "approved", "applied")

# The terms an amendment may change: term -> (flag field on the amendment,
# contract fields it sets). tma_sla adds its SLA policy through
# ``tma.contract.amendment._get_amendment_terms``.
AMENDMENT_TERMS = {
    "scope": ("change_scope", ("application_ids", "maintenance_type_ids")),
    "volume": ("change_volume", ("monthly_volume",)),
    "price": ("change_price", ("fee_amount",)),
    "dates": ("change_dates", ("date_end",)),
}

# The states of a running contract: its commercial terms (above) change only
# through an amendment.
TERMS_LOCKED_STATES = ("active", "reversibility")

# Preventive maintenance: the kinds of periodic audit and their recurrence.
PREVENTIVE_KINDS = [
    ("security", "Security"),
    ("performance", "Performance"),
    ("backup", "Backup and restore"),
    ("upgrade", "Upgrades and obsolescence"),
    ("configuration", "Configuration"),
]

RECURRENCE_UNITS = [
    ("week", "Weeks"),
    ("month", "Months"),
    ("year", "Years"),
]

OCCURRENCE_STATES = [
    ("open", "In progress"),
    ("done", "Done"),
    ("skipped", "Skipped"),
]

# The order of the rows of a contract's scope summary (see
# tma.contract._get_scope_summary_sql).
SCOPE_SUMMARY_ORDER = "ORDER BY kind, sequence, sort_name, rid"


def next_recurrence(day, number, unit):
    """The date ``number`` ``unit`` (a ``RECURRENCE_UNITS`` key) after ``day``."""
    return day + relativedelta(**{f"{unit}s": number})
