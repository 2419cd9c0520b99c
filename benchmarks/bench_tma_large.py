#!/usr/bin/env python3
# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Budgets of a large provider's year: prints figures, asserts nothing about time.

Usage: python3 benchmarks/bench_tma_large.py -c ODOO_CONF --demo DB --large DB
       [--large-label TEXT] [--due 20] [--runs 3] [--sla-tickets 10000]

Both databases have the suite with its demo data and OCA helpdesk_mgmt_sla,
and a history played by setup/demo_history.py: the demo's size and a large
one (``bash setup/bench.sh large`` builds them). Every measure but the
portal user it logs in with (created once, committed) runs in a transaction
rolled back afterwards (the crons' commits between their units are skipped,
as under tests), so the databases stay as built and a run with ``--reuse``
measures the same data again.

How each budget is measured, on both databases:

- portal contract page (the demo's contract with the most tickets, and the
  large database's largest of the same mode, with or without a policy
  alike) and portal ticket list (``/my/tickets``), as a portal user of that
  contract's client (the benchmark's own, created once on each database):
  through Odoo's WSGI application in this process (``odoo.http.root``, the
  whole HTTP stack but the socket), the median of ``--runs`` requests after
  one warm-up; queries counted by ``odoo.sql_db.sql_counter``;
- backend ticket list with SLA status, contract form and pivot of timers: the
  calls the web client makes, in this process, as the administrator:
  ``web_search_read`` of the ticket list view's fields (80 rows),
  ``web_read`` of the form view's fields of the largest contract (40 lines per
  list), and the ``read_group`` calls of the timers' pivot view (rows
  contract, columns metric and status) with the action's default filter
  (running timers) and without it; the HTTP layer is not included;
- a month's service reports: last month's report of every contract under a
  policy, as the month-end cron makes them: KPIs and workbook
  (``_generate_for``), then the PDFs (``_print_pdfs``: wkhtmltopdf, which
  fetches the styles from Odoo's HTTP server, started in a thread of this
  process on the configured ``http_port``);
- breach, preventive, forecast and review crons: what is due first run
  through (untimed), then a run with nothing due, then ``--due`` items made
  due (timers past their deadline, plans due today, contracts to check,
  review types within the horizon) and a run over them;
- reversibility package of the contract with the most tickets (``_build``,
  its PDF summary printed as above) against PostgreSQL's
  ``COPY (…) TO STDOUT`` of the same rows;
- SLA deadlines against OCA helpdesk_mgmt_sla on the large database's own
  tickets and timers (the first ``--sla-tickets`` tickets with timers, as the
  engine's comparison took 10,000; functions of bench_tma_sla.py): tma_sla's
  ``_plan()`` on their timers, helpdesk_mgmt_sla's ``set_sla()`` then
  ``_compute_deadline()`` on the same tickets (a 16-hour SLA per team).

For a budget over its limit, the slowest queries of its large-database run
are printed with ``EXPLAIN (ANALYZE, BUFFERS)``; for a request whose query
count differs between the sizes, the statements it runs more often on either.
"""

import argparse
import logging
import os
import statistics
import time
from collections import Counter
from contextlib import contextmanager
from datetime import date
from functools import partial

from bench_tma_reversibility import copy_package_rows
from bench_tma_sla import (
    deadlines_oca_create,
    deadlines_oca_recompute,
    deadlines_tma_recompute,
)
from budgets import (
    OVER,
    flat_status,
    limit_status,
    proportional_status,
    seconds,
    table,
    worst,
)
from dateutil.relativedelta import relativedelta

import odoo
from odoo import SUPERUSER_ID, Command, api, fields
from odoo.tools import SQL

PORTAL_LIMIT = 0.150
BACKEND_LIMIT = 1.0
REPORTS_LIMIT = 120.0
PACKAGE_RATIO = 20.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("--demo", required=True, help="the demo-sized database")
    parser.add_argument("--large", required=True, help="the large database")
    parser.add_argument("--large-label", default="", help="how the large one was made")
    parser.add_argument("--due", type=int, default=20, help="items made due per cron")
    parser.add_argument("--runs", type=int, default=3, help="requests timed")
    parser.add_argument(
        "--sla-tickets",
        type=int,
        default=10000,
        help="tickets of the SLA comparison, the first with timers (0: all)",
    )
    parser.add_argument(
        "--steps",
        default="portal,backend,reports,crons,package,sla",
        help="comma-separated steps to run",
    )
    return parser.parse_args()


# ----------------------------------------------------------------------
# Queries run, for the EXPLAIN of a budget over its limit
# ----------------------------------------------------------------------
class Recorder:
    """Every statement an ``odoo.sql_db.Cursor`` runs while recording, with
    its duration."""

    def __init__(self):
        self.active = False
        self.queries = []
        self._execute = odoo.sql_db.Cursor.execute
        recorder = self

        def execute(cursor, query, params=None, log_exceptions=True):
            if not recorder.active:
                return recorder._execute(cursor, query, params, log_exceptions)
            start = time.perf_counter()
            try:
                return recorder._execute(cursor, query, params, log_exceptions)
            finally:
                if isinstance(query, SQL):
                    query, params = query.code, query.params
                recorder.queries.append((time.perf_counter() - start, query, params))

        odoo.sql_db.Cursor.execute = execute

    @contextmanager
    def record(self):
        self.queries = []
        self.active = True
        try:
            yield self
        finally:
            self.active = False


RECORDER = Recorder()


def as_under_tests():
    """The suite's crons commit between their units unless under tests
    (``commit_unless_testing``): mark the thread so, for a run rolled back."""
    # Importable once a registry has set the addons path up.
    from odoo.addons.tma_contract.tools.workers import thread_testing

    return thread_testing(True)


class PdfServer:
    """Odoo's HTTP server in a thread of this process, on the configured
    ``http_port``: wkhtmltopdf fetches the reports' styles from it, as from
    the server that prints them in production."""

    def __init__(self):
        self.server = None

    @contextmanager
    def serving(self, env):
        """Serve ``env``'s database (alone: wkhtmltopdf's requests carry no
        session) and point ``report.url`` at it, in ``env``'s transaction."""
        config = odoo.tools.config
        if self.server is None:
            self.server = odoo.service.server.ThreadedServer(odoo.http.root)
            self.server.http_spawn()
        databases = config["db_name"]
        config["db_name"] = env.cr.dbname
        env["ir.config_parameter"].set_param(
            "report.url",
            f"http://{config['http_interface'] or '127.0.0.1'}:{config['http_port']}",
        )
        try:
            yield
        finally:
            config["db_name"] = databases


PDF_SERVER = PdfServer()


class Measure:
    """A budget's figure on one database: seconds, queries, the statements
    of its (last) run, and what it counted."""

    def __init__(self, elapsed, queries, statements=(), count=None, note=""):
        self.seconds = elapsed
        self.queries = queries
        self.statements = list(statements)
        self.count = count
        self.note = note


# ----------------------------------------------------------------------
# One database
# ----------------------------------------------------------------------
class Database:
    def __init__(self, dbname, label):
        self.dbname = dbname
        self.label = label
        self.registry = odoo.modules.registry.Registry(dbname)

    @contextmanager
    def env(self, uid=SUPERUSER_ID):
        """An environment in a transaction rolled back at the end; mail
        queued, as the crons queue it (no mail server answers here)."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            context = {"mail_notify_force_send": False}
            if uid != SUPERUSER_ID:
                context.update(env["res.users"].browse(uid).context_get())
            env = api.Environment(cr, uid, context)
            try:
                with as_under_tests():
                    yield env
            finally:
                cr.rollback()

    def timed(self, env, func):
        """Measure ``func()`` (flush included) in ``env``'s transaction."""
        before = env.cr.sql_log_count
        with RECORDER.record() as recorder:
            start = time.perf_counter()
            result = func()
            env.flush_all()
            elapsed = time.perf_counter() - start
        return Measure(
            elapsed, env.cr.sql_log_count - before, recorder.queries, count=result
        )

    def facts(self):
        with self.env() as env:
            cr = env.cr
            counts = {}
            for label, table_name in (
                ("contracts", "tma_contract"),
                ("tickets", "helpdesk_ticket"),
                ("messages", "mail_message"),
                ("timers", "tma_sla_timer"),
                ("ledger entries", "tma_unit_entry"),
                ("service reports", "tma_sla_service_report"),
            ):
                cr.execute(SQL("SELECT COUNT(*) FROM %s", SQL.identifier(table_name)))
                counts[label] = cr.fetchone()[0]
            return counts

    def largest_contract(self, like=None):
        """The running contract with the most tickets; with ``like`` (a
        (mode, has a policy) pair), the largest of that kind, so that both
        sizes show pages of the same contents."""
        with self.env() as env:
            env.cr.execute(
                SQL(
                    """SELECT c.id, c.mode, c.sla_policy_id IS NOT NULL
                         FROM tma_contract c
                         JOIN helpdesk_ticket t ON t.tma_contract_id = c.id
                        WHERE c.state IN ('active', 'reversibility') %s
                        GROUP BY c.id ORDER BY COUNT(*) DESC, c.id LIMIT 1""",
                    SQL(
                        "AND c.mode = %s AND (c.sla_policy_id IS NOT NULL) = %s",
                        *like,
                    )
                    if like
                    else SQL(),
                )
            )
            row = env.cr.fetchone()
            return row and (row[0], (row[1], row[2]))

    # -- portal ---------------------------------------------------------
    def portal_user(self, contract_id):
        """A portal user of the contract's client, the benchmark's own on
        both sizes (the demo's users differ from one another): created (and
        committed) once."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            client = env["tma.contract"].browse(contract_id).partner_id
            client = client.commercial_partner_id
            login = f"budget.portal.{contract_id}"
            user = env["res.users"].search([("login", "=", login)])
            if not user:
                contact = env["res.partner"].create(
                    {"name": "Budget portal contact", "parent_id": client.id}
                )
                user = (
                    env["res.users"]
                    .with_context(no_reset_password=True)
                    .create(
                        {
                            "login": login,
                            "partner_id": contact.id,
                            "groups_id": [
                                Command.set([env.ref("base.group_portal").id])
                            ],
                        }
                    )
                )
                cr.commit()  # pylint: disable=invalid-commit
            return user.id

    def portal_client(self, uid):
        from werkzeug.test import Client

        from odoo.service import security

        session = odoo.http.root.session_store.new()
        session.update(odoo.http.get_default_session(), db=self.dbname)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            user = env["res.users"].browse(uid)
            session.uid = uid
            session.login = user.login
            session.session_token = security.compute_session_token(
                session, api.Environment(cr, uid, {})
            )
            session.context = dict(user.context_get())
        odoo.http.root.session_store.save(session)
        client = Client(odoo.http.root)
        client.set_cookie("localhost", "session_id", session.sid)
        return client

    def portal_page(self, client, url, runs):
        """Median seconds and queries of ``runs`` requests of ``url`` after
        one warm-up; the statements of the last one."""
        response = client.get(url, headers={"Host": "localhost"})
        if response.status_code != 200:
            return Measure(None, None, note=f"HTTP {response.status_code}")
        times = []
        for _run in range(runs):
            before = odoo.sql_db.sql_counter
            with RECORDER.record() as recorder:
                start = time.perf_counter()
                response = client.get(url, headers={"Host": "localhost"})
                times.append(time.perf_counter() - start)
            queries = odoo.sql_db.sql_counter - before
        return Measure(statistics.median(times), queries, recorder.queries)

    # -- backend --------------------------------------------------------
    def backend(self, contract_id, runs):
        with self.env(uid=2) as env:
            Ticket = env["helpdesk.ticket"]
            list_spec = view_specification(env, "helpdesk.ticket", "list")
            form_spec = view_specification(env, "tma.contract", "form")
            pivot = pivot_groupbys(env, "tma.sla.timer")
            action = env.ref("helpdesk_mgmt.helpdesk_ticket_action")
            domain = odoo.tools.safe_eval.safe_eval(action.domain or "[]")

            def ticket_list():
                return len(
                    Ticket.web_search_read(
                        domain, list_spec, limit=80, count_limit=10001
                    )["records"]
                )

            def contract_form():
                return len(env["tma.contract"].browse(contract_id).web_read(form_spec))

            def timers_pivot(domain):
                groups = 0
                for groupby in pivot:
                    groups += len(
                        env["tma.sla.timer"].read_group(
                            domain, ["__count"], groupby, lazy=False
                        )
                    )
                return groups

            results = {}
            for key, func in (
                ("list", ticket_list),
                ("form", contract_form),
                # As the action opens it (its default filter: running), and
                # with that filter removed.
                ("pivot", partial(timers_pivot, [("status", "=", "running")])),
                ("pivot all", partial(timers_pivot, [])),
            ):
                env.invalidate_all()
                func()  # warm-up
                measures = []
                for _run in range(runs):
                    env.invalidate_all()
                    measures.append(self.timed(env, func))
                median = sorted(measures, key=lambda m: m.seconds)[len(measures) // 2]
                results[key] = median
            return results

    # -- service reports ------------------------------------------------
    def monthly_reports(self):
        with self.env() as env:
            month = date.today().replace(day=1) - relativedelta(months=1)
            contracts = env["tma.contract"].search(
                [
                    ("sla_policy_id", "!=", False),
                    ("state", "in", ("active", "reversibility")),
                    ("date_start", "<=", month),
                ]
            )
            # As the month-end cron: figures and workbook, then the PDF.
            Report = env["tma.sla.service.report"].with_context(tma_sla_pdf_later=True)
            reports = Report.browse()

            def build():
                nonlocal reports
                for contract in contracts:
                    reports |= Report._generate_for(contract, month)
                return len(reports)

            def pdfs():
                return len(reports._print_pdfs())

            with PDF_SERVER.serving(env):
                return self.timed(env, build), self.timed(env, pdfs)

    # -- crons ----------------------------------------------------------
    def crons(self, due):
        results = {}
        for name, (run, make_due) in CRONS.items():
            with self.env() as env:
                drain(run, env)
                idle = self.timed(env, lambda run=run, env=env: drain(run, env))
                made = make_due(env, due)
                env.invalidate_all()
                busy = self.timed(env, lambda run=run, env=env: drain(run, env))
                results[name] = (idle, busy, made)
        return results

    # -- reversibility package -------------------------------------------
    def package(self, contract_id):
        with self.env() as env:
            copy_s, copy_bytes = copy_package_rows(env, contract_id)
            package = env["tma.reversibility.package"].create(
                {"contract_id": contract_id}
            )
            with PDF_SERVER.serving(env):
                measure = self.timed(env, package._build)
            measure.count = (copy_s, copy_bytes, package.size)
            return measure

    # -- SLA deadlines ---------------------------------------------------
    def sla_comparison(self, limit):
        with self.env() as env:
            env.cr.execute(
                SQL(
                    """SELECT t.id, t.team_id FROM helpdesk_ticket t
                        WHERE t.team_id IS NOT NULL
                          AND EXISTS (SELECT 1 FROM tma_sla_timer s
                                       WHERE s.ticket_id = t.id)
                        ORDER BY t.id %s""",
                    SQL("LIMIT %s", limit) if limit else SQL(),
                )
            )
            rows = env.cr.fetchall()
            tickets = [row[0] for row in rows]
            teams = sorted({row[1] for row in rows})
            done = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
            for team in env["helpdesk.ticket.team"].browse(teams):
                env["helpdesk.sla"].create(
                    {
                        "name": f"Budget SLA {team.id}",
                        "team_ids": [Command.set(team.ids)],
                        "hours": 16,
                        "stage_id": done.id,
                    }
                )
            env.flush_all()
            return (
                len(tickets),
                self.timed(env, lambda: deadlines_tma_recompute(env, tickets)),
                self.timed(env, lambda: deadlines_oca_create(env, teams, tickets)),
                self.timed(env, lambda: deadlines_oca_recompute(env, tickets)),
            )

    # -- EXPLAIN -----------------------------------------------------------
    def explain(self, statements, top=3):
        """EXPLAIN (ANALYZE, BUFFERS) of the slowest SELECTs among
        ``statements``, in a transaction rolled back."""
        selects = [
            s
            for s in statements
            if s[1].lstrip().upper().startswith(("SELECT", "WITH"))
        ]
        slowest = sorted(selects, key=lambda s: s[0], reverse=True)[:top]
        plans = []
        with self.env() as env:
            for elapsed, query, params in slowest:
                env.cr.execute("SAVEPOINT budget_explain")
                try:
                    env.cr.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query}", params)
                    plan = "\n".join(row[0] for row in env.cr.fetchall())
                except Exception as error:  # noqa: BLE001 - a plan is a bonus
                    plan = f"(no plan: {error})"
                env.cr.execute("ROLLBACK TO SAVEPOINT budget_explain")
                plans.append((elapsed, query, plan))
        return plans


# ----------------------------------------------------------------------
# The web client's calls
# ----------------------------------------------------------------------
def view_specification(env, model, view_type):
    """The specification the web client reads a view's records with (its
    fields; many2one and tags their display name; a list or kanban inside an
    x2many its own fields, 40 lines)."""
    from lxml import etree

    views = env[model].get_views([(False, view_type)])
    models = views["models"]
    arch = etree.fromstring(views["views"][view_type]["arch"])

    def fields_of(model_name):
        info = models.get(model_name, {})
        return info.get("fields", info)

    def spec(node, model_name):
        fields_info = fields_of(model_name)
        result = {}
        for field in node.iter("field"):
            # Fields of a sub-view belong to the x2many that holds it.
            parent = field.getparent()
            owner = None
            while parent is not None and parent is not node:
                if parent.tag == "field":
                    owner = parent
                    break
                parent = parent.getparent()
            if owner is not None:
                continue
            name = field.get("name")
            info = fields_info.get(name)
            if not info:
                continue
            if info["type"] == "many2one":
                result[name] = {"fields": {"display_name": {}}}
            elif info["type"] in ("one2many", "many2many"):
                sub = next(
                    (child for child in field if child.tag in ("list", "kanban")),
                    None,
                )
                if sub is not None:
                    result[name] = {
                        "fields": spec(sub, info["relation"]) or {"display_name": {}},
                        "limit": 40,
                    }
                else:
                    result[name] = {"fields": {"display_name": {}}}
            else:
                result[name] = {}
        return result

    return spec(arch, model)


def pivot_groupbys(env, model):
    """The groupbys of the ``read_group`` calls of a pivot view: every
    prefix of its rows by every prefix of its columns."""
    from lxml import etree

    views = env[model].get_views([(False, "pivot")])
    arch = etree.fromstring(views["views"]["pivot"]["arch"])
    rows = [f.get("name") for f in arch.iter("field") if f.get("type") == "row"]
    cols = [f.get("name") for f in arch.iter("field") if f.get("type") == "col"]
    return [
        rows[:i] + cols[:j] for i in range(len(rows) + 1) for j in range(len(cols) + 1)
    ]


# ----------------------------------------------------------------------
# Crons: (run once, returns the items it processed; make ``n`` items due)
# ----------------------------------------------------------------------
def drain(run, env):
    """Run a cron until it finds nothing more to do; the items processed."""
    total = 0
    for _round in range(10000):
        done = run(env)
        if not done:
            return total
        total += done
    return total


def run_breach(env):
    return env["tma.sla.timer"].with_context(tracking_disable=True)._cron_check()


def due_breach(env, n):
    env.flush_all()
    env.cr.execute(
        """UPDATE tma_sla_timer
              SET deadline = now() at time zone 'utc' - interval '1 hour'
            WHERE id IN (SELECT id FROM tma_sla_timer
                          WHERE status = 'running' AND breach_notified IS NOT TRUE
                          ORDER BY id LIMIT %s)""",
        (n,),
    )
    return env.cr.rowcount


def run_preventive(env):
    result = env["tma.preventive.plan"]._cron_generate_occurrences()
    return 0 if result is True else len(result)


def due_preventive(env, n):
    env.flush_all()
    env.cr.execute(
        """UPDATE tma_preventive_plan SET next_due_date = CURRENT_DATE
            WHERE id IN (SELECT p.id FROM tma_preventive_plan p
                           JOIN tma_contract c ON c.id = p.contract_id
                          WHERE p.active AND c.state = 'active'
                          ORDER BY p.id LIMIT %s)""",
        (n,),
    )
    return env.cr.rowcount


def run_forecast(env):
    env.flush_all()
    env.cr.execute(
        """SELECT COUNT(*) FROM tma_contract
            WHERE state = 'active' AND mode = 'ticket_book'
              AND (forecast_alert_date IS NULL OR forecast_alert_date <= %s)""",
        (
            fields.Date.context_today(env["tma.contract"])
            - relativedelta(days=env["tma.contract"]._forecast_alert_days()),
        ),
    )
    due = env.cr.fetchone()[0]
    if due:
        env["tma.contract"]._cron_forecast_alerts()
    return due


def due_forecast(env, n):
    env.flush_all()
    env.cr.execute(
        """UPDATE tma_contract SET forecast_alert_date = NULL
            WHERE id IN (SELECT id FROM tma_contract
                          WHERE state = 'active' AND mode = 'ticket_book'
                          ORDER BY id LIMIT %s)""",
        (n,),
    )
    return env.cr.rowcount


def run_review(env):
    return len(env["tma.review"]._cron_schedule_reviews())


def due_review(env, n):
    env.flush_all()
    env.cr.execute(
        """UPDATE tma_review_type SET next_date = now() at time zone 'utc'
            WHERE id IN (SELECT t.id FROM tma_review_type t
                           JOIN tma_contract c ON c.id = t.contract_id
                          WHERE t.active AND c.state IN ('active', 'reversibility')
                          ORDER BY t.id LIMIT %s)""",
        (n,),
    )
    return env.cr.rowcount


CRONS = {
    "breach (tma.sla.timer._cron_check)": (run_breach, due_breach),
    "preventive (_cron_generate_occurrences)": (run_preventive, due_preventive),
    "forecast (_cron_forecast_alerts)": (run_forecast, due_forecast),
    "review (_cron_schedule_reviews)": (run_review, due_review),
}


# ----------------------------------------------------------------------
# Printing
# ----------------------------------------------------------------------
def request_cell(measure):
    if measure is None or measure.seconds is None:
        return measure.note if measure else "-"
    return f"{seconds(measure.seconds)}, {measure.queries} q"


def per_item(busy, made):
    return busy.seconds / made if made else None


def cron_cell(idle, busy, made):
    item = per_item(busy, made)
    item_text = f"{seconds(item)}/item" if item is not None else "nothing to make due"
    return (
        f"idle {seconds(idle.seconds)}; {made} due {seconds(busy.seconds)}, {item_text}"
    )


def package_cell(measure):
    copy_s, copy_bytes, _size = measure.count
    return (
        f"{seconds(measure.seconds)} / COPY {seconds(copy_s)} "
        f"({copy_bytes / 1e6:.1f} MB) = {measure.seconds / copy_s:.0f}×"
    )


def deadline_row(label, measure):
    each = 1000 * measure.seconds / measure.count if measure.count else 0
    return [
        label,
        measure.count,
        f"{measure.seconds:.2f}",
        measure.queries,
        f"{each:.3f}",
    ]


def print_explains(database, label, measure):
    print(f"\n### EXPLAIN: {label} ({database.label})")
    for elapsed, query, plan in database.explain(measure.statements):
        print(f"\n{seconds(elapsed)}:\n```sql\n{query.strip()}\n```\n```\n{plan}\n```")


def print_growing(label, demo, large):
    """The statements a request runs more often on one database than on the
    other."""
    print(f"\n### Queries that differ: {label}")
    for name, more, less in (
        ("large", large, demo),
        ("demo", demo, large),
    ):
        fewer = Counter(q for _s, q, _p in less.statements)
        counted = Counter(q for _s, q, _p in more.statements)
        extra = [(n - fewer[q], q) for q, n in counted.items() if n > fewer[q]]
        for count, query in sorted(extra, reverse=True)[:5]:
            print(f"\n{count} more on the {name} database:")
            print(f"```sql\n{query.strip()[:600]}\n```")


class Budgets:
    """The budgets measured on both databases, as rows of the table."""

    def __init__(self, args, demo, large):
        self.args = args
        self.demo = demo
        self.large = large
        contract_id, kind = demo.largest_contract()
        self.largest = {
            demo.dbname: contract_id,
            large.dbname: large.largest_contract(like=kind)[0],
        }
        self.rows = []  # budget, limit, demo, large, status
        self.cron_rows = []
        self.over = []  # (database, label, measure) to EXPLAIN
        self.grown = []  # (label, demo measure, large measure)

    def both(self, func):
        """func(database) on the demo database, then on the large one."""
        return func(self.demo), func(self.large)

    def add(self, label, limit, demo_cell, large_cell, status, measure=None):
        self.rows.append([label, limit, demo_cell, large_cell, status])
        if status == OVER and measure is not None:
            self.over.append((self.large, label, measure))

    def portal(self):
        def pages(db):
            contract_id = self.largest[db.dbname]
            client = db.portal_client(db.portal_user(contract_id))
            return (
                db.portal_page(
                    client, f"/my/tma/contracts/{contract_id}", self.args.runs
                ),
                db.portal_page(client, "/my/tickets", self.args.runs),
            )

        demo, large = self.both(pages)
        labels = (
            "portal contract page (largest contract)",
            "portal ticket list (/my/tickets)",
        )
        for label, d, g in zip(labels, demo, large, strict=True):
            in_time = limit_status(g.seconds, PORTAL_LIMIT)
            flat = flat_status(d.queries, g.queries)
            self.add(
                label,
                "≤ 150 ms, flat queries",
                request_cell(d),
                request_cell(g),
                worst(in_time, flat),
            )
            if in_time == OVER:
                self.over.append((self.large, label, g))
            if d.queries != g.queries:
                self.grown.append((label, d, g))

    def backend(self):
        demo, large = self.both(
            lambda db: db.backend(self.largest[db.dbname], self.args.runs)
        )
        for key, label in (
            ("list", "backend ticket list with SLA status (web_search_read, 80 rows)"),
            ("form", "contract form (web_read, largest contract)"),
            ("pivot", "pivot of timers, running (read_group calls)"),
            ("pivot all", "pivot of all timers (read_group calls)"),
        ):
            d, g = demo[key], large[key]
            status = limit_status(g.seconds, BACKEND_LIMIT)
            self.add(label, "≤ 1 s", request_cell(d), request_cell(g), status, g)

    def reports(self):
        demo, large = self.both(lambda db: db.monthly_reports())
        for index, label in (
            (0, "a month's service reports, all contracts: KPIs and XLSX"),
            (1, "the same reports' PDFs"),
        ):
            d, g = demo[index], large[index]
            self.rows.append(
                [
                    label,
                    "",
                    f"{d.count} reports, {seconds(d.seconds)}",
                    f"{g.count} reports, {seconds(g.seconds)}",
                    "",
                ]
            )
        total = sum(m.seconds for m in large)
        self.add(
            "a month's service reports, all contracts: total",
            "≤ 2 min",
            seconds(sum(m.seconds for m in demo)),
            seconds(total),
            limit_status(total, REPORTS_LIMIT),
            large[0],
        )

    def crons(self):
        demo, large = self.both(lambda db: db.crons(self.args.due))
        for name in CRONS:
            d_idle, d_busy, d_made = demo[name]
            g_idle, g_busy, g_made = large[name]
            status = proportional_status(
                d_idle.seconds,
                g_idle.seconds,
                per_item(d_busy, d_made),
                per_item(g_busy, g_made),
            )
            self.add(
                f"{name.split(' ')[0]} cron",
                "∝ work due",
                cron_cell(d_idle, d_busy, d_made),
                cron_cell(g_idle, g_busy, g_made),
                status,
                g_busy,
            )
            for db, (idle, busy, made) in (
                (self.demo, demo[name]),
                (self.large, large[name]),
            ):
                self.cron_rows.append(
                    [
                        name,
                        db.label,
                        seconds(idle.seconds),
                        idle.queries,
                        made,
                        busy.count,
                        seconds(busy.seconds),
                        busy.queries,
                        seconds(per_item(busy, made)),
                    ]
                )

    def package(self):
        d, g = self.both(lambda db: db.package(self.largest[db.dbname]))
        self.add(
            "reversibility package, largest contract",
            "≤ 20× COPY",
            package_cell(d),
            package_cell(g),
            limit_status(g.seconds / g.count[0], PACKAGE_RATIO),
            g,
        )

    def print_tables(self):
        print("\n## Budgets (status judged on the large database)")
        print(table(["budget", "limit", "demo", "large", "status"], self.rows))
        if self.cron_rows:
            print("\n## Crons: nothing due, then items made due")
            header = ["cron", "database", "nothing due:", "queries:", "made due:"]
            header += ["processed:", "seconds:", "queries:", "per item due:"]
            print(table(header, self.cron_rows))

    def sla(self):
        large = self.large
        n, tma, oca_create, oca_recompute = large.sla_comparison(self.args.sla_tickets)
        print(
            "\n## SLA deadlines against OCA helpdesk_mgmt_sla "
            f"({large.label}, {n} tickets)"
        )
        rows = [
            deadline_row("tma_sla recompute (`_plan()` on every timer)", tma),
            deadline_row("helpdesk_mgmt_sla create (`set_sla()`)", oca_create),
            deadline_row(
                "helpdesk_mgmt_sla recompute (`_compute_deadline()`)", oca_recompute
            ),
        ]
        print(table(["step", "deadlines:", "seconds:", "queries:", "ms each:"], rows))
        if tma.count and oca_recompute.count:
            ratio = (oca_recompute.seconds / oca_recompute.count) / (
                tma.seconds / tma.count
            )
            print(
                f"\nRecompute, per deadline: helpdesk_mgmt_sla / tma_sla = {ratio:.1f}×"
            )

    def print_diagnostics(self):
        for database, label, measure in self.over:
            print_explains(database, label, measure)
        for label, d, g in self.grown:
            print_growing(label, d, g)


def main():
    args = parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.demo])
    # Both databases served by the in-process HTTP stack.
    odoo.tools.config["db_name"] = f"{args.demo},{args.large}"
    odoo.tools.config["workers"] = 0
    logging.getLogger("odoo").setLevel(logging.WARNING)
    steps = args.steps.split(",")
    label = f"large {args.large_label}".strip()
    demo, large = Database(args.demo, "demo"), Database(args.large, label)
    print("# Budgets of a large provider's year")
    print(
        "Load average (1, 5, 15 min) at the start: "
        + ", ".join(f"{load:.1f}" for load in os.getloadavg())
        + f" on {os.cpu_count()} cores\n"
    )
    facts = [(db, db.facts()) for db in (demo, large)]
    print(
        table(
            ["database"] + [f"{key}:" for key in facts[0][1]],
            [[f"{db.label} ({db.dbname})"] + list(f.values()) for db, f in facts],
        )
    )
    budgets = Budgets(args, demo, large)
    for step in ("portal", "backend", "reports", "crons", "package"):
        if step in steps:
            print(f"{step}…", flush=True)
            getattr(budgets, step)()
    budgets.print_tables()
    print(
        "\nLoad average (1, 5, 15 min) at the end: "
        + ", ".join(f"{load:.1f}" for load in os.getloadavg())
        + f" on {os.cpu_count()} cores"
    )
    if "sla" in steps:
        budgets.sla()
    budgets.print_diagnostics()


if __name__ == "__main__":
    main()
