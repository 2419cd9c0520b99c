# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A year of history for the demo, made by the suite's own business flows:

    python3 setup/demo_history.py -c ODOO_CONF -d DATABASE [--size demo]
        [--months 12] [--contracts N] [--tickets-per-month K] [--seed S]
    python3 setup/demo_history.py -c ODOO_CONF -d DATABASE --size large
    python3 setup/demo_history.py -c ODOO_CONF -d DATABASE --bulk
        --contracts N --months M --tickets-per-month K

Run by ``setup/demo.sh`` once the demo database is installed. For each active
demo contract (Alpha and Gamma: Beta is in reversibility from the install
on, and a contract being handed over takes no new tickets; or, with
``--contracts N``, N new contracts made from them, for the benchmarks'
larger datasets), it plays the months before today: tickets opened,
answered, paused, given a workaround, escalated by the SLA cron, resolved
and closed on their own dates, their units recorded then, ratings, the unit
books bought (their orders invoiced and posted) and expiring, the month-end
service reports and penalty periods, the reviews held with their minutes
approved and their improvement actions, the quarterly surveys, outages, an
amendment mid-year (its approval recorded on the client's behalf) and the
fixed fee invoiced and posted each month. Once played, what the demo data
computed at install (the recent reports, the draft penalty periods, the
capacity report) is computed again.

How: one timeline of business events, sorted by date; before each event the
clock is moved to its date (freezegun) and the event calls the suite's own
model methods, crons and stage moves, as a user or a cron would. Nothing is
written with a date of its own: the ledger, the journal of acts, the timers
and the figures read the moved clock. PostgreSQL's clock cannot move with
freezegun, so the transaction's clock (``cr.now()``, what the ORM stamps
``create_date`` and ``write_date`` with) is made to follow it, as the tests'
``follow_frozen_clock`` does. SQL that calls PostgreSQL's ``now()`` itself
(the preventive occurrences' bulk insert) still stamps the real date: this
generator plays no preventive plan for that reason.

Where the history fits: the demo's XML data creates the contracts (started
twelve months ago, ``date_start``), and posts their install-day story at
today's date; this generator then plays the past months on them. Both
chains stay valid: the unit ledger numbers its entries 1, 2, 3... without
gaps per contract and checks no order of dates (the burn-down and the
figures read the entries' dates), and the journal of acts chains each entry
to the previous one by number, whatever its date
(``tma.act.journal._tma_check_chain``). So the numbers of the history's
entries follow those posted at install, while their dates are the past
months': the ledger is in posting order, the screens in date order.

Deterministic: every choice comes from ``random.Random(seed)`` and the
timeline from the contracts' order; the dates from today's (the run's) date.
The crons commit as they do in production (``commit_unless_testing``): a run
that fails half-way leaves its first months; ``demo.sh --reset`` starts again.
Mails are queued, not sent (no mail server answers while the demo is built).

PDFs: printing one costs about a second (wkhtmltopdf, which also needs the
web server for its styles). While the history plays, the registry counts as
not ready, as while the demo data installs: the service reports are built
as records with their figures and workbooks, and the suite's PDF cron prints
their PDFs once the server runs (one report a transaction, in the
background); the reviews' minutes are printed by the portal on demand.

Cost: the demo's year (2 contracts, 3 tickets a month each by default: about
80 tickets, 265 business days of crons, 24 monthly reports) took 30 s of CPU
in this process (registry loading included) and 3.5 min of wall time on the
2-core machine shared with a load of 9; a ticket's life (opened, answered,
maybe paused, resolved, rated, with its timers, emails and units) costs about
1.4 s of that wall time, most of it the closing (OCA SLA, intervention
report, consumption, rating request). The phases' times are printed at the
end.

A large provider (``--size large``; ``--bulk`` with ``--contracts``,
``--months`` and ``--tickets-per-month`` for other sizes): 300 contracts
made from the demo contracts, 36 months, about 28 tickets a month each
(300,000 tickets), played event by event would take days. The batched mode
(``BulkHistory``) plays a sample through the flows above (4 contracts, their
first 3 months, 6 tickets a month), then multiplies it in SQL
(``Multiplier``): each contract's month takes as many sample months of a
contract of its template as its tickets need, shifted by whole weeks, with
their tickets and everything a ticket's life wrote (messages and tracking
values, notifications, followers, SLA timers and escalations, intervention
reports, ratings, ledger entries and their allocations, the books bought,
the journal of acts), and once a month the month's service report, penalty
period, review with its improvement actions, survey. New ids come from the
tables' sequences, ticket numbers from theirs. Then the invariants are made
true again in bulk: ledgers numbered 1..n per contract in date order and
balances their sums, journals of acts numbered and their hash chains
computed again, the reports' names. Not copied: outages and preventive
occurrences (the copies share their template's applications and
environments, whose outages would pile up; the sample plays no preventive
plan, see above), invoices (account moves), mails queued.

Then, outside tests, the copies are committed and the big tables vacuumed
(``BulkHistory.settle``) before the last month's reports are computed again.

Measured (2026-12-07, 2 cores): 302,115 tickets, 3.56 million messages,
1.02 million timers, 318,765 ledger entries, 262,516 acts, 4.4 GB, in 7 min
48 s of wall time with the vacuum step (load average 2 to 3, the test
command running beside; 53 s of CPU here), against 19 to 33 minutes before
it, most of which computing the last month's 300 reports again; the
README's benchmarks give the phases and the rows per table.
"""

import argparse
import base64
import heapq
import random
import sys
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from datetime import datetime, timedelta

import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.sql_db import connection_info_for

# Ticket subjects, per language: (French, English). The demo's French clients
# read French, Alpha (and every client of an English-only demo) English.
SUBJECTS = [
    ("Erreur à la validation d'une commande", "Error when confirming an order"),
    ("Écran de connexion très lent", "Login screen very slow"),
    ("Export comptable incomplet", "Accounting export incomplete"),
    ("Ajouter un filtre par date sur la liste", "Add a date filter to the list"),
    ("Impression des étiquettes décalée", "Labels printed out of alignment"),
    ("Notification e-mail non reçue", "Email notification not received"),
    ("Droits d'accès d'un nouvel utilisateur", "Access rights for a new user"),
    ("Calcul de remise erroné", "Wrong discount computed"),
    ("Import du fichier fournisseur en échec", "Supplier file import fails"),
    ("Question sur la clôture mensuelle", "Question about the month-end closing"),
    ("Rapport de synthèse vide", "Summary report empty"),
    ("Ajouter une colonne au tableau de bord", "Add a column to the dashboard"),
]
DESCRIPTIONS = (
    "<p>Constaté ce matin par l'équipe ; merci de regarder.</p>",
    "<p>Noticed this morning by the team; please have a look.</p>",
)
ANSWERS = (
    "Nous analysons le problème et revenons vers vous rapidement.",
    "We are looking into it and will come back to you shortly.",
)
QUESTIONS = (
    "Pourriez-vous nous envoyer une capture d'écran ?",
    "Could you send us a screenshot?",
)
REPLIES = (
    "Voici la capture demandée.",
    "Here is the screenshot you asked for.",
)
FEEDBACK = {
    1: ("Trop long à résoudre.", "Took far too long."),
    3: ("Correct, mais il a fallu relancer.", "Fine, but we had to chase it."),
    5: ("Rapide et clair, merci.", "Quick and clear, thank you."),
}
OUTAGES = (
    "Indisponibilité du serveur applicatif",
    "Application server unavailable",
)
MINUTES = (
    "<p>Revue de la période : activité, engagements et actions passés en revue.</p>",
    "<p>Review of the period: activity, commitments and actions gone through.</p>",
)
ON_BEHALF = (
    "Avenant signé sur papier lors du comité de pilotage.",
    "Amendment signed on paper at the steering committee.",
)
REVIEW_ACTIONS = [
    (
        "Documenter la procédure de reprise après incident",
        "Document the recovery procedure after an incident",
    ),
    (
        "Ajouter une alerte de supervision sur les traitements de nuit",
        "Add a monitoring alert on the night batches",
    ),
    (
        "Former deux utilisateurs référents",
        "Train two key users",
    ),
]
ACTION_EVIDENCE = (
    "<p>Fait : voir la note jointe au ticket.</p>",
    "<p>Done: see the note on the ticket.</p>",
)
AMENDMENT = (
    "Nouveau périmètre fonctionnel : le volume mensuel estimé augmente d'un quart.",
    "New functional scope: the estimated monthly volume rises by a quarter.",
)
DEMO_CONTRACTS = (
    "tma_contract.contract_alpha",
    "tma_contract.contract_beta",
    "tma_contract.contract_gamma",
)


class Clock:
    """The moved clock: freezegun's, and the transaction's following it.

    ``cr.now()`` reads PostgreSQL's ``now()`` (the transaction's start) and
    stamps ``create_date``/``write_date``: it is made to return the frozen
    time, as ``follow_frozen_clock`` in the tests does. SQL that calls
    ``now()`` itself still reads the real clock."""

    def __init__(self, cr, start):
        from freezegun import freeze_time

        self.cr = cr
        self._freezer = freeze_time(start)
        self._frozen = None
        self._start = start

    def __enter__(self):
        from freezegun import api as freezegun_api

        self._frozen = self._freezer.start()
        self._real_now = self.cr.now

        def now():
            frozen = freezegun_api.FakeDatetime.now()
            return freezegun_api.real_datetime(
                *frozen.timetuple()[:6], frozen.microsecond
            )

        self.cr.now = now
        return self

    def __exit__(self, *exc):
        self.cr.now = self._real_now
        self._freezer.stop()

    def move_to(self, when):
        self._frozen.move_to(when)


# The real clocks, held where freezegun does not patch them (it replaces
# the module attributes that are the time functions).
REAL = {"perf_counter": time.perf_counter}


class Phases:
    """Time spent per phase, printed at the end (the benchmarks read it),
    on the real clock."""

    def __init__(self):
        self.spent = defaultdict(float)
        self.counts = defaultdict(int)

    @contextmanager
    def __call__(self, name):
        start = REAL["perf_counter"]()
        try:
            yield
        finally:
            self.spent[name] += REAL["perf_counter"]() - start
            self.counts[name] += 1

    def report(self, out=sys.stdout):
        total = sum(self.spent.values())
        for name, spent in sorted(self.spent.items(), key=lambda i: -i[1]):
            count = self.counts[name]
            print(
                f"  {name:<24} {spent:7.2f} s  {count:6d} x  "
                f"{1000 * spent / count:8.1f} ms each",
                file=out,
            )
        print(f"  {'total':<24} {total:7.2f} s", file=out)


def sql_padded(text, width):
    """SQL of the number ``text`` (SQL giving text) padded with zeros to
    ``width``, as ``ir.sequence`` and the ledger's entry names
    (``tma.contract._tma_entry_name``) pad it: never cut (``lpad`` alone
    would cut a longer number)."""
    return f"lpad({text}, greatest({width}, length({text})), '0')"


def work_hour(rng, day, start=7, end=15):
    """A time of day (naive UTC) in the provider's working hours."""
    return datetime.combine(day, datetime.min.time()) + timedelta(
        hours=rng.randint(start, end - 1), minutes=rng.randrange(0, 60, 5)
    )


def working_time(when, start=7, end=17):
    """``when``, or the next moment of the provider's working hours (naive
    UTC, Monday to Friday) when it falls outside them."""
    if when.hour >= end:
        when = when.replace(hour=start) + timedelta(days=1)
    elif when.hour < start:
        when = when.replace(hour=start)
    while when.weekday() >= 5:
        when = when.replace(hour=start) + timedelta(days=1)
    return when


def business_days(first, last):
    day = first
    while day <= last:
        if day.weekday() < 5:
            yield day
        day += timedelta(days=1)


class History:
    """The generator: plans the timeline of each contract, then plays it.

    The timeline is a heap of (date, number, phase, function, arguments):
    an event may add later ones (a review the cron scheduled is held, its
    minutes approved)."""

    def __init__(self, env, args, phases, today=None):
        self.env = env
        self.args = args
        self.rng = random.Random(args.seed)
        self.phases = phases
        self.today = today or datetime.now().date()
        self.first_month = (self.today - relativedelta(months=args.months)).replace(
            day=1
        )
        self.last_month = self.today.replace(day=1) - relativedelta(months=1)
        self.stats = defaultdict(int)
        ref = env.ref
        self.stage_progress = ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        self.stage_awaiting = ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting")
        self.stage_done = ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        self.engineer = ref("tma_contract.user_tma_engineer")
        self.admin = ref("base.user_admin")
        self.team = ref("tma_contract.team_tma")
        self.pack = ref("tma_contract.product_pack_10")
        self.level = ref("tma_contract.support_level_l1", raise_if_not_found=False)
        self.events = []
        self.counter = 0
        self.on_behalf_done = False
        self.reviews_planned = set()
        self.open_tickets = 0
        self.closed_since_cron = False

    # ------------------------------------------------------------------
    # Texts
    # ------------------------------------------------------------------
    @staticmethod
    def text(pair, partner):
        """The French or English text of ``pair`` for ``partner``'s reader."""
        return pair[0] if (partner.lang or "").startswith("fr") else pair[1]

    # ------------------------------------------------------------------
    # Timeline
    # ------------------------------------------------------------------
    def at(self, when, name, func, *args):
        self.counter += 1
        heapq.heappush(self.events, (when, self.counter, name, func, args))

    def play(self, clock):
        now = datetime.combine(self.today, datetime.min.time())
        while self.events:
            when, _seq, name, func, args = heapq.heappop(self.events)
            if when >= now:
                continue
            clock.move_to(when)
            with self.phases(name):
                func(*args)
        self.env.flush_all()

    # ------------------------------------------------------------------
    # Contracts
    # ------------------------------------------------------------------
    def demo_contracts(self):
        contracts = self.env["tma.contract"]
        for xmlid in DEMO_CONTRACTS:
            contract = self.env.ref(xmlid, raise_if_not_found=False)
            if contract and contract.state == "active":
                contracts |= contract
        return contracts

    def new_contracts(self, templates, count, first=0):
        """``count`` contracts of as many new clients, made from the demo
        contracts in turn (their terms copied), started on the first month
        and activated then (the benchmarks' datasets)."""
        if not templates:
            raise SystemExit(
                "--contracts copies the demo contracts: run it on a database "
                "with the suite's demo data"
            )
        Partner = self.env["res.partner"]
        contracts = self.env["tma.contract"]
        for index in range(first, first + count):
            template = templates[index % len(templates)]
            client = Partner.create(
                {
                    "name": f"{template.partner_id.name} {index + 1:04d}",
                    "is_company": True,
                    "lang": template.partner_id.lang,
                }
            )
            Partner.create(
                {
                    "name": f"Contact {index + 1:04d}",
                    "parent_id": client.id,
                    "lang": template.partner_id.lang,
                    "email": f"contact{index + 1:04d}@example.com",
                }
            )
            contracts |= template.copy(
                {
                    "partner_id": client.id,
                    "date_start": self.first_month,
                    "title": f"{template.title} {index + 1:04d}",
                    "sale_order_id": False,
                }
            )
        contracts.action_activate()
        return contracts

    def contact_of(self, contract):
        contacts = contract.partner_id.child_ids
        return contacts.filtered("user_ids")[:1] or contacts[:1] or contract.partner_id

    def months(self):
        month = self.first_month
        while month <= self.today:
            yield month
            month += relativedelta(months=1)

    def plan(self, contracts):
        for contract in contracts:
            self.plan_contract(contract)
        # The daily crons, every business day: the books past their date
        # expired, the amendments due applied, the reviews scheduled; at
        # noon the SLA cron (breaches notified, escalation rules applied:
        # once a day, where the server runs it every few minutes, so that
        # a year costs little; the breaches' dates are the timers' own).
        for day in business_days(self.first_month, self.today - timedelta(days=1)):
            morning = datetime.combine(day, datetime.min.time())
            self.at(morning + timedelta(hours=5), "daily crons", self.daily_crons)
            self.at(morning + timedelta(hours=11), "sla cron", self.sla_cron)
        for month in self.months():
            first = datetime.combine(month, datetime.min.time())
            if month.month % 3 == 1:
                self.at(first + timedelta(hours=3), "surveys", self.open_surveys)

    def plan_contract(self, contract):
        rng = self.rng
        self.at(
            datetime.combine(self.first_month, datetime.min.time())
            + timedelta(hours=1),
            "contract start",
            self.start_contract,
            contract,
        )
        middle = self.first_month + relativedelta(months=self.args.months // 2)
        amended = bool(contract.amendment_ids)
        for month in self.months():
            last = min(
                month + relativedelta(months=1, days=-1),
                self.today - timedelta(days=1),
            )
            days = list(business_days(month, last))
            if days:
                count = max(
                    1, round(self.args.tickets_per_month * rng.uniform(0.6, 1.4))
                )
                for _index in range(count):
                    self.plan_ticket(contract, rng.choice(days))
                # Outages before last month (the demo data tells last
                # month's and today's).
                if rng.random() < 0.3 and month < self.last_month:
                    self.plan_outage(contract, rng.choice(days))
            # A contract whose story holds amendments already (Alpha's, at
            # install) keeps its terms; the others are amended mid-year.
            if month == middle and self.args.months >= 2 and not amended:
                self.at(
                    work_hour(rng, month + timedelta(days=2)),
                    "amendment",
                    self.amend,
                    contract,
                    month,
                )
            next_month = month + relativedelta(months=1)
            if next_month <= self.today:
                first = datetime.combine(next_month, datetime.min.time())
                self.at(
                    first + timedelta(hours=2),
                    "month-end",
                    self.month_end,
                    contract,
                    month,
                )

    def plan_ticket(self, contract, day):
        rng = self.rng
        opened = work_hour(rng, day)
        plan = {
            "subject": rng.randrange(len(SUBJECTS)),
            "priority": rng.choices(["0", "1", "2", "3"], [3, 4, 2, 1])[0],
            "complexity": rng.choices(["simple", "medium", "complex"], [5, 3, 1])[0],
        }
        state = {}
        self.at(opened, "ticket open", self.open_ticket, contract, plan, state)
        # Most commitments met, some missed: an urgent ticket is answered
        # and resolved sooner, one in eight takes three times longer.
        urgency = int(plan["priority"])
        late = 3 if rng.random() < 0.12 else 1
        answered = opened + timedelta(minutes=rng.randint(5, 50 * (4 - urgency)))
        self.at(answered, "ticket answer", self.answer_ticket, state)
        hours = rng.uniform(2, 30 * (4 - urgency)) * late
        resolved = answered + timedelta(hours=hours)
        if urgency >= 2:
            workaround = answered + timedelta(hours=min(hours / 2, rng.uniform(1, 3)))
            self.at(workaround, "ticket workaround", self.workaround, state)
        if rng.random() < 0.25:
            pause_at = answered + (resolved - answered) / 3
            resume_at = pause_at + timedelta(hours=rng.randint(4, 72))
            resolved += resume_at - pause_at
            self.at(pause_at, "ticket pause", self.pause_ticket, state)
            self.at(resume_at, "ticket resume", self.resume_ticket, state)
        resolved = working_time(resolved)
        self.at(resolved, "ticket close", self.close_ticket, state)
        rate = rng.choices([5, 3, 1, None], [5, 2, 1, 2])[0]
        if rate:
            rated = resolved + timedelta(hours=rng.randint(2, 48))
            self.at(rated, "ticket rating", self.rate_ticket, state, rate)

    def plan_outage(self, contract, day):
        rng = self.rng
        environment = contract.application_ids.environment_ids[:1]
        if not environment or "tma.sla.outage" not in self.env:
            return
        start = datetime.combine(day, datetime.min.time()) + timedelta(
            hours=rng.randint(0, 20)
        )
        end = start + timedelta(minutes=rng.randint(20, 300))
        self.at(end, "outage", self.record_outage, contract, environment, start)

    # ------------------------------------------------------------------
    # Contract flows
    # ------------------------------------------------------------------
    def start_contract(self, contract):
        """The first month: the reviews set up (when it has none), the books
        of a ticket book bought."""
        if "tma.review.type" in self.env and not contract.review_type_ids:
            contract.action_tma_setup_reviews()
        self.top_up(contract)

    def top_up(self, contract):
        """A ticket book's client buys books (a sale order of packs,
        confirmed: the books are credited, then invoiced and posted) when
        less than a month of units is left."""
        if contract.mode != "ticket_book" or not self.pack:
            return
        monthly = max(contract.monthly_volume, 10.0)
        if contract.balance >= monthly:
            return
        packs = int((2 * monthly - contract.balance) // 10) + 1
        order = self.env["sale.order"].create(
            {
                "partner_id": contract.partner_id.id,
                "tma_contract_id": contract.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.pack.id, "product_uom_qty": packs}
                    )
                ],
            }
        )
        order.action_confirm()
        self.invoice_orders(order)
        self.stats["books bought"] += packs

    def invoice_orders(self, orders):
        """Invoice what the orders have to invoice, and post the invoices."""
        orders = orders.filtered(
            lambda o: any(line.qty_to_invoice > 0 for line in o.order_line)
        )
        if not orders:
            return
        moves = orders._create_invoices()
        moves.action_post()
        self.stats["invoices"] += len(moves)

    def amend(self, contract, month):
        """Mid-year, the estimated monthly volume rises by a quarter: the
        amendment submitted, approved by the client, applied by the cron on
        its effective date."""
        contact = self.contact_of(contract)
        volume = contract.monthly_volume or 10.0
        amendment = self.env["tma.contract.amendment"].create(
            {
                "contract_id": contract.id,
                "date_effective": month + relativedelta(days=14),
                "description": self.text(AMENDMENT, contact),
                "change_volume": True,
                "monthly_volume": round(volume * 1.25),
            }
        )
        amendment.action_submit()
        if self.on_behalf_done:
            amendment._approve(contact)
        else:
            # One approval given on paper, at a meeting, recorded by the
            # manager on the client's behalf through the backend's wizard
            # (the portal shows who recorded it, for whom and why).
            self.on_behalf_done = True
            self.env["tma.act.on.behalf"].with_user(self.admin).create(
                {
                    "res_model": amendment._name,
                    "res_id": amendment.id,
                    "act": "approve",
                    "partner_id": contact.id,
                    "on_behalf_reason": self.text(ON_BEHALF, contact),
                    "evidence": base64.b64encode(b"%PDF-1.4\n% signed\n"),
                    "evidence_name": "amendment-signed.pdf",
                }
            ).action_confirm()
        self.stats["amendments"] += 1

    def record_outage(self, contract, environment, start):
        """The outage recorded once the service is back (an ongoing one
        would overlap the later outages the demo data tells)."""
        contact = self.contact_of(contract)
        self.env["tma.sla.outage"].create(
            {
                "name": self.text(OUTAGES, contact),
                "environment_id": environment.id,
                "kind": "unplanned",
                "date_start": start,
                "date_end": datetime.now().replace(microsecond=0),
            }
        )
        self.stats["outages"] += 1

    def daily_crons(self):
        self.env["tma.unit.book"]._cron_expire_books()
        self.env["tma.contract.amendment"]._cron_apply_amendments()
        if "tma.review" in self.env:
            for review in self.env["tma.review"]._cron_schedule_reviews():
                if review.id not in self.reviews_planned:
                    self.reviews_planned.add(review.id)
                    self.plan_review(review)

    def sla_cron(self):
        """The SLA cron, on the days it has work: a ticket open, or closed
        since its last run (a day with neither gives it nothing to do)."""
        if self.open_tickets or self.closed_since_cron:
            self.closed_since_cron = False
            self.env["tma.sla.timer"]._cron_check()

    def open_surveys(self):
        for survey in self.env["tma.satisfaction.survey"]._cron_open_surveys():
            if self.rng.random() < 0.8:
                when = datetime.now() + timedelta(days=self.rng.randint(3, 12))
                self.at(when, "survey answer", self.answer_survey, survey)

    def answer_survey(self, survey):
        rng = self.rng
        contact = self.contact_of(survey.contract_id)
        survey._portal_answer(
            contact,
            {
                key: str(rng.choices([2, 3, 4, 5], [1, 3, 4, 2])[0])
                for key in ("quality", "responsiveness", "advice", "communication")
            },
        )
        self.stats["surveys answered"] += 1

    # ------------------------------------------------------------------
    # Reviews
    # ------------------------------------------------------------------
    def plan_review(self, review):
        held = review.date + timedelta(hours=2)
        self.at(held, "review", self.hold_review, review)
        approved = held + timedelta(days=self.rng.randint(1, 6))
        self.at(approved, "review", self.approve_review, review)

    def hold_review(self, review):
        if review.state != "planned":
            return
        review.action_held()
        review.minutes = self.text(MINUTES, review.partner_id)
        review.action_submit_minutes()
        self.stats["reviews"] += 1
        if self.rng.random() < 0.4:
            # An improvement action decided at the review (the review's
            # button opens its form with these defaults), done within weeks.
            contact = review.partner_id
            action = (
                self.env["tma.improvement.action"]
                .with_context(
                    default_contract_id=review.contract_id.id,
                    default_review_id=review.id,
                    default_origin="review",
                )
                .create(
                    {
                        "name": self.text(
                            REVIEW_ACTIONS[self.rng.randrange(len(REVIEW_ACTIONS))],
                            contact,
                        ),
                        "date_due": review.date.date() + timedelta(days=30),
                    }
                )
            )
            action.action_open()
            done = datetime.now() + timedelta(days=self.rng.randint(7, 40))
            self.at(done, "improvement action", self.finish_action, action)

    def finish_action(self, action):
        if action.state != "open":
            return
        action.evidence = self.text(ACTION_EVIDENCE, action.partner_id)
        action.action_done()
        self.stats["improvement actions done"] += 1

    def approve_review(self, review):
        if review.state != "submitted":
            return
        review._portal_approve(self.contact_of(review.contract_id))
        self.stats["minutes approved"] += 1

    # ------------------------------------------------------------------
    # Ticket flows
    # ------------------------------------------------------------------
    def open_ticket(self, contract, plan, state):
        contact = self.contact_of(contract)
        # Corrective work, assistance and the like: an evolution waits for
        # its estimate's approval before work and for the client's
        # acceptance before closing, a loop the demo data tells once in each
        # state (tma_contract/demo/tma_evolutive_demo.xml).
        types = contract.maintenance_type_ids.filtered(
            lambda t: not (contract.estimate_approval and t.requires_estimate)
        )
        vals = {
            "name": self.text(SUBJECTS[plan["subject"]], contact),
            "description": self.text(DESCRIPTIONS, contact),
            "partner_id": contact.id,
            "team_id": self.team.id,
            "user_id": self.engineer.id,
            "tma_contract_id": contract.id,
            "tma_application_id": contract.application_ids[:1].id,
            "tma_complexity": plan["complexity"],
            "priority": plan["priority"],
        }
        if types:
            vals["tma_maintenance_type_id"] = types[plan["subject"] % len(types)].id
        if self.level and "tma_support_level_id" in self.env["helpdesk.ticket"]._fields:
            vals["tma_support_level_id"] = self.level.id
        state["ticket"] = self.env["helpdesk.ticket"].create(vals)
        self.open_tickets += 1
        self.stats["tickets"] += 1

    def message(self, state, texts, stage, client=False):
        """A message on the open ticket, the engineer's (or the client's),
        then the ticket moved to ``stage``."""
        ticket = state["ticket"]
        if ticket.stage_id.closed:
            return
        if client:
            author = {"author_id": ticket.partner_id.id}
        else:
            ticket, author = ticket.with_user(self.engineer), {}
        ticket.message_post(
            body=self.text(texts, ticket.partner_id),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            **author,
        )
        state["ticket"].write({"stage_id": stage.id})

    def answer_ticket(self, state):
        self.message(state, ANSWERS, self.stage_progress)

    def pause_ticket(self, state):
        """A question to the client: the ticket waits on it."""
        self.message(state, QUESTIONS, self.stage_awaiting)

    def resume_ticket(self, state):
        self.message(state, REPLIES, self.stage_progress, client=True)

    def workaround(self, state):
        ticket = state["ticket"]
        if not ticket.stage_id.closed and not ticket.tma_workaround_date:
            ticket.action_tma_workaround()

    def close_ticket(self, state):
        ticket = state["ticket"]
        if ticket.stage_id.closed:
            return
        contract = ticket.tma_contract_id
        ticket.write({"stage_id": self.stage_done.id})
        self.open_tickets -= 1
        self.closed_since_cron = True
        if not contract.consume_on_close:
            # The engineer records the units (the ticket's button).
            ticket._tma_record_consumption()
        self.top_up(contract)

    def rate_ticket(self, state, rate):
        ticket = state["ticket"]
        if not ticket.stage_id.closed:
            return
        feedback = self.text(FEEDBACK[rate], ticket.partner_id)
        ticket._tma_portal_rate(ticket.partner_id, rate, feedback=feedback)
        self.stats["ratings"] += 1

    # ------------------------------------------------------------------
    # Month-end
    # ------------------------------------------------------------------
    def month_end(self, contract, month):
        """The 1st: last month's service report (as the month-end cron
        builds it; its PDF printed later), penalty period computed and
        validated, the fixed fee and the delivered units invoiced."""
        month_last = month + relativedelta(months=1, days=-1)
        if contract.sla_policy_id:
            self.env["tma.sla.service.report"].with_context(
                tma_sla_pdf_later=True
            )._generate_for(contract, month)
            self.stats["reports"] += 1
            Period = self.env["tma.sla.penalty.period"]
            if contract.penalty_rule_ids and not Period.search_count(
                [
                    ("contract_id", "=", contract.id),
                    ("date_from", "<=", month_last),
                    ("date_to", ">=", month),
                ]
            ):
                period = Period.create(
                    {
                        "contract_id": contract.id,
                        "date_from": month,
                        "date_to": month_last,
                    }
                )
                period.action_compute()
                period.action_validate()
                self.stats["penalty periods"] += 1
        recurring = contract.recurring_contract_id
        if recurring:
            moves = recurring._recurring_create_invoice()
            moves.filtered(lambda m: m.state == "draft").action_post()
            self.stats["invoices"] += len(moves)
        if contract.mode == "regie" and contract.sale_order_id:
            self.invoice_orders(contract.sale_order_id)


# ----------------------------------------------------------------------
# Sizes, and the batched mode for the large ones
# ----------------------------------------------------------------------
# The sizes of ``--size``: the generator's options. ``demo`` is the demo's
# year played event by event; a size with ``bulk`` plays a sample of
# ``sample_contracts`` contracts for ``sample_months`` months through the
# flows, then multiplies it in SQL up to ``contracts`` x ``months`` x
# ``tickets_per_month`` (see ``BulkHistory``).
SIZES = {
    "demo": {"months": 12, "contracts": 0, "tickets_per_month": 3, "bulk": False},
    "large": {
        "months": 36,
        "contracts": 300,
        "tickets_per_month": 28,
        "bulk": True,
        "sample_contracts": 4,
        "sample_months": 3,
        "sample_tickets_per_month": 6,
    },
}


class SampleHistory(History):
    """The history of the sample contracts: their first ``sample_months``
    months played through the flows, with their daily crons until a month
    after (the tickets opened late in the window close then)."""

    def __init__(self, env, args, phases, today=None):
        super().__init__(env, args, phases, today=today)
        self.window_end = self.first_month + relativedelta(months=args.sample_months)

    def months(self):
        for month in super().months():
            if month < self.window_end:
                yield month

    def at(self, when, name, func, *args):
        if when.date() < self.window_end + relativedelta(months=1):
            super().at(when, name, func, *args)


# What the batched mode copies, in order (a row's parents before it): the
# table, how its sample rows are found, and a filter on them (``x``).
#   ticket: the sample's tickets, copied in each block that takes them
#       (when their last date, shifted, falls before today);
#   child (table, column): rows of a copied row of ``table``;
#   record (table, model column): rows whose (model, res_id) names a
#       copied record of ``table`` (messages, followers, ratings, acts);
#   block (contract column, date column, every): rows of a sample
#       contract's month, copied in every block (``every``: the books bought
#       with the tickets' units) or once per target month (the month's
#       report, review, outages).
CLONED = (
    ("helpdesk_ticket", "ticket", None, None),
    ("tma_unit_book", "block", ("x.contract_id", "x.create_date", True), None),
    ("tma_unit_entry", "child", ("helpdesk_ticket", "ticket_id"), None),
    (
        "tma_unit_entry",
        "block",
        ("x.contract_id", "x.date", True),
        "x.ticket_id IS NULL",
    ),
    ("tma_unit_allocation", "child", ("tma_unit_entry", "entry_id"), None),
    ("tma_sla_timer", "child", ("helpdesk_ticket", "ticket_id"), None),
    ("tma_sla_escalation", "child", ("tma_sla_timer", "timer_id"), None),
    ("tma_intervention_report", "child", ("helpdesk_ticket", "ticket_id"), None),
    ("tma_sla_service_report", "block", ("x.contract_id", "x.date_from", False), None),
    ("tma_sla_penalty_period", "block", ("x.contract_id", "x.date_from", False), None),
    ("tma_sla_penalty_line", "child", ("tma_sla_penalty_period", "period_id"), None),
    ("tma_review", "block", ("x.contract_id", "x.date", False), None),
    ("tma_improvement_action", "child", ("tma_review", "review_id"), None),
    (
        "tma_satisfaction_survey",
        "block",
        ("x.contract_id", "x.create_date", False),
        None,
    ),
    ("rating_rating", "record", ("helpdesk_ticket", "res_model"), None),
    ("tma_act_journal", "record", ("rating_rating", "res_model"), None),
    ("tma_act_journal", "record", ("helpdesk_ticket", "res_model"), None),
    ("tma_act_journal", "record", ("tma_review", "res_model"), None),
    ("tma_act_journal", "record", ("tma_satisfaction_survey", "res_model"), None),
    ("mail_message", "record", ("helpdesk_ticket", "model"), None),
    ("mail_message", "record", ("tma_review", "model"), None),
    ("mail_message", "record", ("tma_satisfaction_survey", "model"), None),
    ("mail_message", "record", ("tma_intervention_report", "model"), None),
    ("mail_message", "record", ("tma_improvement_action", "model"), None),
    ("mail_message", "record", ("tma_sla_penalty_period", "model"), None),
    ("mail_tracking_value", "child", ("mail_message", "mail_message_id"), None),
    ("mail_notification", "child", ("mail_message", "mail_message_id"), None),
    ("mail_followers", "record", ("helpdesk_ticket", "res_model"), None),
    ("mail_followers", "record", ("tma_review", "res_model"), None),
    ("mail_followers", "record", ("tma_satisfaction_survey", "res_model"), None),
)
# The order of the inserts, where it is not ``CLONED``'s: the acts' journal
# before the records that name their entry.
FIRST = ("helpdesk_ticket", "tma_act_journal", "mail_message")
# Columns set to NULL in the copies: rows the copy does not make (the
# queued mails of the sample, its printed PDFs).
NULLED = {
    "mail_notification": ("mail_mail_id",),
    "tma_sla_penalty_period": ("move_id",),
    "tma_review": ("calendar_event_id", "minutes_attachment_id"),
    "tma_sla_service_report": ("pdf_attachment_id", "xlsx_attachment_id"),
}


class Multiplier:
    """The sample multiplied in SQL: each sample contract's month (a block)
    copied into the months of the contracts made from the same demo
    contract, shifted by whole weeks (a Monday stays a Monday, a night a
    night).

    One statement per table and kind: ``tma_bulk_map`` gives each copied
    row its new id (taken from the table's sequence, in the order of the
    copy's dates: ids grow with time as they do in production), then
    ``INSERT ... SELECT`` writes the copies, every column by a rule read
    from the catalog: the id and the references to copied rows (the
    ``(model, res_id)`` pairs too) mapped, the contract and its client's
    partners replaced by the target's, the dates shifted, the rest copied.
    The many2many tables of a copied table follow it."""

    def __init__(self, env, phases):
        self.env = env
        self.cr = env.cr
        self.phases = phases
        self.copied = {}

    def execute(self, query, *params):
        self.cr.execute(query, params)

    # ------------------------------------------------------------------
    # Catalog
    # ------------------------------------------------------------------
    def columns(self, table):
        self.execute(
            """SELECT attname, format_type(atttypid, atttypmod)
                 FROM pg_attribute
                WHERE attrelid = %s::regclass AND attnum > 0
                  AND NOT attisdropped
                ORDER BY attnum""",
            table,
        )
        return self.cr.fetchall()

    def foreign_keys(self, table):
        """{column: referenced table} of ``table``'s one-column keys."""
        self.execute(
            """SELECT a.attname, c.confrelid::regclass::text
                 FROM pg_constraint c
                 JOIN pg_attribute a
                   ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                WHERE c.conrelid = %s::regclass AND c.contype = 'f'
                  AND array_length(c.conkey, 1) = 1""",
            table,
        )
        return dict(self.cr.fetchall())

    def drop_indexes(self, table):
        """Drop ``table``'s plain indexes (not the unique ones, which hold
        invariants); return the statements that build them again."""
        self.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
                WHERE i.tablename = %s AND i.indexdef NOT LIKE 'CREATE UNIQUE%%'""",
            table,
        )
        indexes = self.cr.fetchall()
        for name, _definition in indexes:
            self.execute(f'DROP INDEX "{name}"')
        return [definition for _name, definition in indexes]

    def relation_tables(self, table):
        """The many2many tables with a column referencing ``table``:
        [(relation, column, other column)]."""
        self.execute(
            """SELECT c.conrelid::regclass::text, a.attname
                 FROM pg_constraint c
                 JOIN pg_attribute a
                   ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                WHERE c.confrelid = %s::regclass AND c.contype = 'f'
                  AND NOT EXISTS (
                        SELECT 1 FROM pg_attribute i
                         WHERE i.attrelid = c.conrelid AND i.attname = 'id'
                           AND NOT i.attisdropped)""",
            table,
        )
        relations = []
        for relation, column in self.cr.fetchall():
            names = [name for name, _type in self.columns(relation)]
            if len(names) == 2:
                other = names[1] if names[0] == column else names[0]
                relations.append((relation, column, other))
        return relations

    # ------------------------------------------------------------------
    # Plan
    # ------------------------------------------------------------------
    def prepare(self, targets, partners):
        """``targets``: [(target, source contract, source month, contract,
        shift in days, primary, month)]; ``partners``: [(source contract,
        contract, source partner, partner)]."""
        for table in ("tma_bulk_target", "tma_bulk_partner", "tma_bulk_map"):
            self.execute(f"DROP TABLE IF EXISTS {table}")
        self.execute(
            """CREATE TEMP TABLE tma_bulk_target (
                   target int PRIMARY KEY, src_contract int, src_month date,
                   dst_contract int, shift interval, shift_days int,
                   is_primary bool, dst_month date)"""
        )
        self.execute(
            """INSERT INTO tma_bulk_target
               SELECT t, sc, sm, dc, make_interval(days => d), d, p, dm
                 FROM unnest(%s::int[], %s::int[], %s::date[], %s::int[],
                             %s::int[], %s::bool[], %s::date[])
                      AS r(t, sc, sm, dc, d, p, dm)""",
            *[list(column) for column in zip(*targets, strict=True)],
        )
        self.execute(
            """CREATE TEMP TABLE tma_bulk_partner (
                   src_contract int, dst_contract int, old_id int, new_id int,
                   PRIMARY KEY (src_contract, dst_contract, old_id))"""
        )
        self.execute(
            """INSERT INTO tma_bulk_partner
               SELECT * FROM unnest(%s::int[], %s::int[], %s::int[], %s::int[])""",
            *[list(column) for column in zip(*partners, strict=True)],
        )
        self.execute(
            """CREATE TEMP TABLE tma_bulk_map (
                   tbl text, old_id int, target int, new_id int, extra bigint)"""
        )
        self.execute("CREATE INDEX ON tma_bulk_map (old_id, target, tbl)")
        self.execute("ANALYZE tma_bulk_target")
        self.execute("ANALYZE tma_bulk_partner")

    def map_rows(self, table, kind, how, where, limit):
        """Give the sample rows of ``table`` their new ids, per block."""
        where = f"AND {where}" if where else ""
        seq = f"{table}_id_seq"
        # The copies' ids in the order of their (shifted) creation.
        names = {name for name, _type in self.columns(table)}
        at = "x.create_date + b.shift" if "create_date" in names else "NULL::timestamp"
        extra = "NULL"
        if kind == "ticket":
            extra = f"nextval('{self.ticket_sequence}')"
            source = f"""
                SELECT x.id, b.target, x.create_date + b.shift AS at
                  FROM helpdesk_ticket x
                  JOIN tma_bulk_target b
                    ON b.src_contract = x.tma_contract_id
                   AND b.src_month = date_trunc('month', x.create_date)::date
                  JOIN tma_bulk_last l ON l.ticket_id = x.id
                 WHERE l.last_at + b.shift < '{limit}' {where}"""
        elif kind == "child":
            parent, column = how
            source = f"""
                SELECT x.id, p.target, {at} AS at
                  FROM {table} x
                  JOIN tma_bulk_map p
                    ON p.tbl = '{parent}' AND p.old_id = x.{column}
                  JOIN tma_bulk_target b ON b.target = p.target
                 WHERE true {where}"""
        elif kind == "record":
            parent, model_column = how
            model = self.models[parent]
            source = f"""
                SELECT x.id, p.target, {at} AS at
                  FROM {table} x
                  JOIN tma_bulk_map p
                    ON p.tbl = '{parent}' AND p.old_id = x.res_id
                  JOIN tma_bulk_target b ON b.target = p.target
                 WHERE x.{model_column} = '{model}' {where}"""
        else:
            contract, date_column, every = how
            primary = "" if every else "AND b.is_primary"
            source = f"""
                SELECT x.id, b.target, {at} AS at
                  FROM {table} x
                  JOIN tma_bulk_target b
                    ON b.src_contract = {contract}
                   AND b.src_month = date_trunc('month', {date_column})::date
                       {primary}
                 WHERE x.id <= {self.sample_max[table]} {where}"""
        self.execute(
            f"""INSERT INTO tma_bulk_map
                SELECT '{table}', id, target, nextval('{seq}'), {extra}
                  FROM ({source} ORDER BY at, id) s"""
        )
        return self.cr.rowcount

    # ------------------------------------------------------------------
    # Copy
    # ------------------------------------------------------------------
    def copy_rows(self, table):
        """Insert the copies of ``table``'s rows mapped last."""
        keys = self.foreign_keys(table)
        joins = []
        exprs = []
        names = []
        overrides = self.overrides(table)
        columns = self.columns(table)
        present = {name for name, _type in columns}
        # The (model, id) references: mapped when they name a copied row.
        poly = {
            "res_id": "model" if "model" in present else "res_model",
            "parent_res_id": "parent_res_model",
        }
        poly = {name: model for name, model in poly.items() if {name, model} <= present}
        for name, sql_type in columns:
            names.append(name)
            ref = keys.get(name)
            if name in overrides:
                exprs.append(overrides[name])
            elif name == "id":
                exprs.append("m.new_id")
            elif name in NULLED.get(table, ()):
                exprs.append("NULL")
            elif ref == "tma_contract":
                exprs.append(
                    f"CASE WHEN x.{name} = b.src_contract THEN b.dst_contract "
                    f"ELSE x.{name} END"
                )
            elif ref == "res_partner":
                alias = f"p_{name}"
                joins.append(
                    f"LEFT JOIN tma_bulk_partner {alias} "
                    f"ON {alias}.src_contract = b.src_contract "
                    f"AND {alias}.dst_contract = b.dst_contract "
                    f"AND {alias}.old_id = x.{name}"
                )
                exprs.append(f"COALESCE({alias}.new_id, x.{name})")
            elif ref in self.copied:
                alias = f"f_{name}"
                joins.append(
                    f"LEFT JOIN tma_bulk_map {alias} ON {alias}.tbl = '{ref}' "
                    f"AND {alias}.old_id = x.{name} AND {alias}.target = m.target"
                )
                exprs.append(f"COALESCE({alias}.new_id, x.{name})")
            elif name in poly:
                alias = f"r_{name}"
                joins.append(
                    f"LEFT JOIN tma_bulk_map {alias} "
                    f"ON {alias}.tbl = replace(x.{poly[name]}, '.', '_') "
                    f"AND {alias}.old_id = x.{name} AND {alias}.target = m.target"
                )
                exprs.append(f"COALESCE({alias}.new_id, x.{name})")
            elif sql_type.startswith("timestamp"):
                exprs.append(f"x.{name} + b.shift")
            elif sql_type == "date":
                exprs.append(f"(x.{name} + b.shift_days)")
            elif name == "access_token":
                exprs.append(
                    f"CASE WHEN x.{name} IS NULL THEN NULL "
                    "ELSE md5(random()::text || m.new_id) END"
                )
            else:
                exprs.append(f"x.{name}")
        self.execute(
            f"""INSERT INTO {table} ({", ".join(f'"{n}"' for n in names)})
                SELECT {", ".join(exprs)}
                  FROM tma_bulk_map m
                  JOIN {table} x ON x.id = m.old_id
                  JOIN tma_bulk_target b ON b.target = m.target
                  {" ".join(joins)}
                 WHERE m.tbl = '{table}' AND m.new_id > {self.sample_max[table]}
"""
        )
        return self.cr.rowcount

    def overrides(self, table):
        """The columns of ``table`` whose copy is not the generic rule's."""
        if table == "helpdesk_ticket":
            prefix, padding = self.ticket_number
            # The contact's fields (filled by the form's onchange), read from
            # the target's contact where the sample's has them.
            contact = (
                "CASE WHEN x.partner_{0} IS NULL THEN NULL ELSE "
                "(SELECT p.{0} FROM res_partner p "
                "WHERE p.id = COALESCE(p_partner_id.new_id, x.partner_id)) END"
            )
            return {
                "number": f"'{prefix}' || {sql_padded('m.extra::text', padding)}",
                "partner_name": contact.format("name"),
                "partner_email": contact.format("email"),
            }
        if table == "mail_message":
            return {
                "message_id": "CASE WHEN x.message_id IS NULL THEN NULL ELSE "
                "'<' || m.new_id || '.tma-history@localhost>' END"
            }
        if table == "tma_unit_entry":
            # Numbered once all are in (``restore_invariants``).
            return {"sequence_number": "-m.new_id"}
        if table == "tma_act_journal":
            return {"sequence": "-m.new_id"}
        if table == "tma_review":
            # The target contract's review type of the same kind.
            return {
                "type_id": "(SELECT t.id FROM tma_review_type t "
                "JOIN tma_review_type st ON st.kind = t.kind "
                "WHERE st.id = x.type_id AND t.contract_id = b.dst_contract "
                "ORDER BY t.id LIMIT 1)"
            }
        if table in ("tma_sla_service_report", "tma_sla_penalty_period"):
            return {
                "date_from": "b.dst_month",
                "date_to": "(b.dst_month + interval '1 month - 1 day')::date",
            }
        return {}

    def copy_relations(self, table):
        """The many2many rows of ``table``'s copies."""
        total = 0
        for relation, column, other in self.relation_tables(table):
            target = self.foreign_keys(relation).get(other)
            if target in self.copied and target != table:
                other_expr = (
                    f"COALESCE((SELECT o.new_id FROM tma_bulk_map o "
                    f"WHERE o.tbl = '{target}' AND o.old_id = r.{other} "
                    f"AND o.target = m.target), r.{other})"
                )
            elif target == "res_partner":
                other_expr = (
                    f"COALESCE((SELECT o.new_id FROM tma_bulk_partner o "
                    f"WHERE o.src_contract = b.src_contract "
                    f"AND o.dst_contract = b.dst_contract "
                    f"AND o.old_id = r.{other}), r.{other})"
                )
            else:
                other_expr = f"r.{other}"
            self.execute(
                f"""INSERT INTO {relation} ({column}, {other})
                    SELECT m.new_id, {other_expr}
                      FROM tma_bulk_map m
                      JOIN {relation} r ON r.{column} = m.old_id
                      JOIN tma_bulk_target b ON b.target = m.target
                     WHERE m.tbl = '{table}' AND m.new_id > {self.sample_max[table]}
                    ON CONFLICT DO NOTHING"""
            )
            total += self.cr.rowcount
        return total

    def run(self, limit):
        """Copy every table of ``CLONED``; return {table: rows copied}."""
        self.models = {
            model._table: name
            for name, model in self.env.registry.models.items()
            if not model._abstract and model._auto
        }
        sequence = self.env["ir.sequence"].search(
            [("code", "=", "helpdesk.ticket.sequence")], limit=1
        )
        if sequence.implementation != "standard" or "%(" in (sequence.prefix or ""):
            raise SystemExit(
                "the batched mode numbers tickets with a standard sequence "
                "of a plain prefix"
            )
        self.ticket_sequence = f"ir_sequence_{sequence.id:03d}"
        self.ticket_number = (sequence.prefix or "", sequence.padding)
        self.sample_max = {}
        for table, *_rest in CLONED:
            self.execute(f"SELECT COALESCE(max(id), 0) FROM {table}")
            self.sample_max[table] = self.cr.fetchone()[0]
        # The last date of each sample ticket's story: a copy is made only
        # when all of it, shifted, falls before today.
        self.execute("DROP TABLE IF EXISTS tma_bulk_last")
        self.execute(
            """CREATE TEMP TABLE tma_bulk_last AS
               SELECT t.id AS ticket_id, greatest(
                        t.write_date,
                        (SELECT max(m.date) FROM mail_message m
                          WHERE m.model = 'helpdesk.ticket' AND m.res_id = t.id),
                        (SELECT max(r.write_date) FROM rating_rating r
                          WHERE r.res_model = 'helpdesk.ticket' AND r.res_id = t.id),
                        (SELECT max(s.write_date) FROM tma_sla_timer s
                          WHERE s.ticket_id = t.id)) AS last_at
                 FROM helpdesk_ticket t"""
        )
        counts = defaultdict(int)
        for table, kind, how, where in CLONED:
            with self.phases(f"map {table}"):
                counts[f"{table} (mapped)"] += self.map_rows(
                    table, kind, how, where, limit
                )
                self.copied[table] = True
        self.execute("ANALYZE tma_bulk_map")
        tables = list(dict.fromkeys(table for table, *_rest in CLONED))
        tables = [*FIRST, *(t for t in tables if t not in FIRST)]
        # The copies reference rows that exist (copied from rows that do,
        # mapped to rows inserted before them): the foreign keys' triggers,
        # one lookup per key and row, are skipped for the transaction
        # (``session_replication_role``, a superuser's setting, as
        # ``pg_restore --disable-triggers`` does); the plain indexes of the
        # large tables are built again once their rows are in.
        self.execute("SET LOCAL session_replication_role = replica")
        self.execute("SET LOCAL work_mem = '256MB'")
        for table in tables:
            with self.phases(f"copy {table}"):
                large = counts[f"{table} (mapped)"] > 50000
                indexes = self.drop_indexes(table) if large else []
                counts[table] += self.copy_rows(table)
                relations = self.copy_relations(table)
                if relations:
                    counts[f"{table} relations"] += relations
            with self.phases(f"index {table}"):
                for definition in indexes:
                    self.execute(definition)
        self.execute("SET LOCAL session_replication_role = origin")
        return counts


class BulkHistory:
    """The batched mode: ``args.contracts`` contracts over ``args.months``
    months, about ``args.tickets_per_month`` tickets a month each.

    1. The sample: ``sample_contracts`` contracts (made from the demo
       contracts in turn, so each template has its own) live their first
       ``sample_months`` months through the flows, as in the demo mode, with
       ``sample_tickets_per_month`` tickets a month: every row the copies
       are made of is one the product wrote.
    2. The other contracts are made (as in the demo mode's ``--contracts``).
    3. The copies (``Multiplier``): each contract's month takes as many
       sample months of a contract of its template as its ticket count
       needs, shifted by whole weeks; the month's report comes with the
       first of them.
    4. The invariants made true again, in bulk: each contract's ledger
       numbered 1..n in date order and its balance its sum; each journal
       of acts numbered 1..n and its hash chain computed again; the
       tickets' contact fields read from their partner; the statistics of
       the planner refreshed (``ANALYZE``)."""

    def __init__(self, env, args, phases):
        self.env = env
        self.args = args
        self.phases = phases
        self.history = History(env, args, phases)
        self.rng = random.Random(args.seed)
        self.stats = defaultdict(int)

    def sample_args(self):
        return options(
            **(
                vars(self.args)
                | {"tickets_per_month": self.args.sample_tickets_per_month}
            )
        )

    def run(self, clock, templates=None):
        """Build the history; return the contracts. ``templates``: the
        contracts the new ones copy (default: the demo's)."""
        history = self.history
        templates = templates or history.demo_contracts()
        if not templates:
            raise SystemExit(
                "the batched mode copies the demo contracts: run it on a "
                "database with the suite's demo data"
            )
        count = self.args.contracts
        samples_count = self.args.sample_contracts
        start = datetime.combine(history.first_month, datetime.min.time())
        with self.phases("contracts"):
            samples = history.new_contracts(templates, samples_count)
        sample = SampleHistory(
            self.env, self.sample_args(), self.phases, today=history.today
        )
        with self.phases("plan"):
            sample.plan(samples)
        sample.play(clock)
        for key, value in sample.stats.items():
            self.stats[f"sample {key}"] = value
        clock.move_to(start)
        with self.phases("contracts"):
            others = history.new_contracts(
                templates, count - samples_count, first=samples_count
            )
            if "tma.review.type" in self.env:
                # Their review types (the copies of the reviews are of their
                # kinds), the next reviews planned from last month on.
                clock.move_to(datetime.combine(history.last_month, datetime.min.time()))
                for contract in others.filtered(lambda c: not c.review_type_ids):
                    contract.action_tma_setup_reviews()
        contracts = samples | others
        self.env.flush_all()
        with self.phases("copy plan"):
            targets, partners = self.plan(
                templates, samples, contracts, sample.window_end
            )
        multiplier = Multiplier(self.env, self.phases)
        multiplier.prepare(targets, partners)
        limit = datetime.combine(history.today, datetime.min.time())
        copied = multiplier.run(limit)
        self.stats.update(copied)
        self.restore_invariants(contracts)
        self.stats["contracts"] = len(contracts)
        return contracts

    def plan(self, templates, samples, contracts, window_end):
        """The blocks to copy: ``(target, source contract, source month,
        contract, shift in days, first of its month, month)``, and the
        partners each pair of contracts maps."""
        history = self.history
        cr = self.env.cr
        cr.execute(
            """SELECT tma_contract_id, date_trunc('month', create_date)::date,
                      count(*)
                 FROM helpdesk_ticket
                WHERE tma_contract_id = ANY(%s)
                GROUP BY 1, 2""",
            [samples.ids],
        )
        tickets = {(contract, month): n for contract, month, n in cr.fetchall()}
        window = [m for m in history.months() if m < window_end]
        blocks = defaultdict(list)
        for index, sample in enumerate(samples):
            for month in window:
                blocks[index % len(templates)].append((sample.id, month))
        per_block = sum(tickets.values()) / max(1, len(samples) * len(window))
        ratio = self.args.tickets_per_month / max(per_block, 0.1)
        full_months = [m for m in history.months() if m <= history.last_month]
        tail_end = window_end + relativedelta(months=2)
        targets = []
        pairs = set()
        for index, contract in enumerate(contracts):
            sources = blocks[index % len(templates)]
            for month in full_months:
                if contract in samples and month < window_end:
                    continue
                wanted = int(ratio) + (self.rng.random() < ratio - int(ratio))
                # A sample contract's two months after its sample hold what
                # its cron planned then (its reviews): they take tickets,
                # not the month's rows.
                whole = contract not in samples or month >= tail_end
                for number in range(max(1, wanted)):
                    src_contract, src_month = self.rng.choice(sources)
                    shift = (month - src_month).days // 7 * 7
                    targets.append(
                        (
                            len(targets) + 1,
                            src_contract,
                            src_month,
                            contract.id,
                            shift,
                            whole and number == 0,
                            month,
                        )
                    )
                    pairs.add((src_contract, contract.id))
        Contract = self.env["tma.contract"]
        partners = []
        for src_id, dst_id in sorted(pairs):
            src, dst = Contract.browse(src_id), Contract.browse(dst_id)
            partners.append((src_id, dst_id, src.partner_id.id, dst.partner_id.id))
            old, new = history.contact_of(src), history.contact_of(dst)
            if old != src.partner_id:
                partners.append((src_id, dst_id, old.id, new.id))
        self.stats["blocks"] = len(targets)
        return targets, partners

    def restore_invariants(self, contracts):
        with self.phases("invariants: ledgers"):
            self.number_ledgers(contracts)
        with self.phases("invariants: journals"):
            self.chain_journals(contracts)
        with self.phases("invariants: names, statistics"):
            self.refresh(contracts)

    def number_ledgers(self, contracts):
        cr = self.env.cr
        ids = contracts.ids
        # The ledger: entries numbered 1..n per contract in date order (the
        # order the history posted them), named after their number, and the
        # balance their sum. Two steps: the numbers are unique per contract.
        cr.execute(
            """UPDATE tma_unit_entry e SET sequence_number = -n.rn - 1000000000
                 FROM (SELECT id, row_number() OVER (
                                  PARTITION BY contract_id ORDER BY date, id) AS rn
                         FROM tma_unit_entry WHERE contract_id = ANY(%s)) n
                WHERE e.id = n.id""",
            [ids],
        )
        number = "(-e.sequence_number - 1000000000)::text"
        cr.execute(
            f"""UPDATE tma_unit_entry e
                   SET sequence_number = -e.sequence_number - 1000000000,
                       name = c.name || '-' || {sql_padded(number, 5)}
                  FROM tma_contract c
                 WHERE c.id = e.contract_id AND e.contract_id = ANY(%s)""",
            [ids],
        )
        cr.execute(
            """UPDATE tma_contract c
                  SET balance = s.total, entry_seq = s.n,
                      ledger_seq = greatest(COALESCE(c.ledger_seq, 0), s.n)
                 FROM (SELECT contract_id, round(sum(units)::numeric, 6) AS total,
                              count(*) AS n
                         FROM tma_unit_entry WHERE contract_id = ANY(%s)
                        GROUP BY contract_id) s
                WHERE c.id = s.contract_id""",
            [ids],
        )

    def chain_journals(self, contracts):
        cr = self.env.cr
        ids = contracts.ids
        # The journal of acts: numbered 1..n per contract in the acts'
        # order, then each hash computed again from the first.
        cr.execute(
            """UPDATE tma_act_journal j SET sequence = -n.rn - 1000000000
                 FROM (SELECT id, row_number() OVER (
                                  PARTITION BY contract_id ORDER BY recorded_on, id)
                                  AS rn
                         FROM tma_act_journal WHERE contract_id = ANY(%s)) n
                WHERE j.id = n.id""",
            [ids],
        )
        cr.execute(
            """UPDATE tma_act_journal SET sequence = -sequence - 1000000000
                WHERE contract_id = ANY(%s)""",
            [ids],
        )
        Journal = self.env["tma.act.journal"]
        Journal.invalidate_model()
        hashes = []
        for contract in contracts:
            previous = ""
            last = 0
            for entry_id, _stored, values in Journal._tma_stored_rows(contract):
                previous = Journal._compute_entry_hash(values, previous)
                hashes.append((entry_id, previous))
                last = values["sequence"]
            cr.execute(
                "UPDATE tma_contract SET act_seq = %s WHERE id = %s",
                [last, contract.id],
            )
        if hashes:
            cr.execute(
                """UPDATE tma_act_journal j SET inalterable_hash = h.hash
                     FROM unnest(%s::int[], %s::text[]) AS h(id, hash)
                    WHERE j.id = h.id""",
                [[h[0] for h in hashes], [h[1] for h in hashes]],
            )

    def refresh(self, contracts):
        cr = self.env.cr
        ids = contracts.ids
        # The reports' names (their month), computed again.
        Report = self.env["tma.sla.service.report"]
        reports = Report.search([("contract_id", "in", ids)])
        self.env.add_to_compute(Report._fields["name"], reports)
        reports.flush_recordset()
        self.env.invalidate_all()
        for table in BIG_TABLES:
            cr.execute(f"ANALYZE {table}")

    def settle(self):
        """Outside tests, once everything is copied: commit, then ``VACUUM
        (ANALYZE)`` the big tables, as after any bulk load (``pg_restore``'s
        advice), in a connection of its own (VACUUM runs outside a
        transaction). Millions of rows written by one transaction full of
        savepoints are otherwise slow to read until each row has been checked
        once (its transaction's status and hint bits): the figures computed
        next, and the first readers of the database, would pay for it."""
        if getattr(threading.current_thread(), "testing", False):
            return
        self.env.cr.commit()  # pylint: disable=invalid-commit
        _dbname, info = connection_info_for(self.env.cr.dbname)
        connection = psycopg2.connect(**info)
        try:
            connection.autocommit = True
            with connection.cursor() as cr:
                for table in BIG_TABLES:
                    with self.phases(f"vacuum {table}"):
                        cr.execute(f"VACUUM (ANALYZE) {table}")
        finally:
            connection.close()


# The tables the batched mode fills by the million (or near).
BIG_TABLES = (
    "helpdesk_ticket",
    "mail_message",
    "mail_tracking_value",
    "tma_unit_entry",
    "tma_sla_timer",
    "rating_rating",
    "tma_act_journal",
    "mail_followers",
    "mail_notification",
)


def options(**values):
    """The generator's options (``main``'s defaults, ``values`` over them)."""
    defaults = SIZES["demo"] | {
        "seed": 22,
        "sample_contracts": 0,
        "sample_months": 0,
        "sample_tickets_per_month": 0,
    }
    return argparse.Namespace(**(defaults | values))


def check_options(args):
    """Refuse options the generator cannot make a history of (a clear
    message, nothing written)."""
    if args.months < 1 or args.tickets_per_month < 1 or args.contracts < 0:
        raise SystemExit(
            "--months and --tickets-per-month must be at least 1, "
            "--contracts at least 0"
        )
    if args.bulk:
        if args.sample_contracts < 1 or args.contracts < args.sample_contracts:
            raise SystemExit(
                f"the batched mode needs at least {args.sample_contracts or 1} "
                f"contracts (its sample's), got {args.contracts}"
            )
        if not 1 <= args.sample_months < args.months:
            raise SystemExit(
                f"the batched mode's sample of {args.sample_months} months "
                f"must be shorter than the {args.months} months of the history"
            )
        if args.sample_tickets_per_month < 1:
            raise SystemExit("the sample needs at least a ticket a month")


def generate(env, args, phases=None, contracts=None):
    """Play the history on ``env``'s database; return the statistics. On
    ``contracts`` when given (started by the first month), else on the demo
    contracts, or on ``args.contracts`` new ones made from them.

    While it plays, the registry counts as not ready, as while the demo data
    is installed: no web server answers wkhtmltopdf yet, so the suite leaves
    the PDFs to its crons and its portal (printed on demand)."""
    check_options(args)
    phases = phases or Phases()
    # Notifications queued, as the crons queue them, rather than sent at
    # each commit of a cron (no mail server answers while the demo is built).
    env = env(context=dict(env.context, mail_notify_force_send=False))
    history = History(env, args, phases)
    bulk = BulkHistory(env, args, phases) if args.bulk else None
    start = datetime.combine(history.first_month, datetime.min.time())
    registry = env.registry
    ready = registry.ready
    registry.ready = False
    try:
        with Clock(env.cr, start) as clock:
            if bulk:
                contracts = bulk.run(clock, templates=contracts)
            else:
                with phases("contracts"):
                    if contracts is None:
                        contracts = history.demo_contracts()
                    if args.contracts:
                        contracts = history.new_contracts(contracts, args.contracts)
                with phases("plan"):
                    history.plan(contracts)
                history.play(clock)
    finally:
        registry.ready = ready
    if bulk:
        bulk.settle()
    with phases("figures of now"):
        # What the demo data computed at install, computed again with the
        # history behind it, as the crons and buttons would: the recent
        # reports (their trends, their figures), the draft penalty periods,
        # the capacity report.
        Report = env["tma.sla.service.report"].with_context(tma_sla_pdf_later=True)
        for report in Report.search([("contract_id", "in", contracts.ids)]):
            if report.date_to >= history.today - relativedelta(months=1, day=1):
                report._render()
        env["tma.sla.penalty.period"].search(
            [("contract_id", "in", contracts.ids), ("state", "=", "draft")]
        ).action_compute()
        env["tma.capacity.report"]._refresh()
    return bulk.stats if bulk else history.stats


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", dest="conf", required=True)
    parser.add_argument("-d", dest="db", required=True)
    parser.add_argument(
        "--size",
        choices=sorted(SIZES),
        default="demo",
        help="demo: the demo's year, played event by event (the default); "
        "large: 300 contracts over 36 months, 28 tickets a month each, "
        "a sample played then multiplied in SQL",
    )
    parser.add_argument("--months", type=int)
    parser.add_argument("--contracts", type=int)
    parser.add_argument("--tickets-per-month", type=int)
    parser.add_argument(
        "--bulk",
        action="store_true",
        default=None,
        help="the large size's batched mode at the sizes given (--contracts, "
        "--months, --tickets-per-month; the others the large size's)",
    )
    parser.add_argument("--seed", type=int, default=22)
    given = vars(parser.parse_args(argv))
    # --bulk: the large size's batched mode, at the sizes given.
    values = dict(SIZES["large" if given["bulk"] else given["size"]])
    values |= {
        key: value
        for key, value in given.items()
        if value is not None and key not in ("size", "bulk")
    }
    args = options(**values)
    try:
        check_options(args)
    except SystemExit as error:
        parser.error(str(error))
    import odoo
    from odoo import SUPERUSER_ID, api

    odoo.tools.config.parse_config(["-c", args.conf, "-d", args.db])
    registry = odoo.modules.registry.Registry.new(args.db)
    phases = Phases()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        stats = generate(env, args, phases)
    print(f"history: {dict(stats)}")
    phases.report()
    return 0


if __name__ == "__main__":
    sys.exit(main())
