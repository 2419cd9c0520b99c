# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The demo's history generator (``setup/demo_history.py``, loaded by its
path: it is no part of the addons), run on one contract for two months."""

import contextlib
import importlib.util
import io
from datetime import date, datetime, timedelta
from pathlib import Path

from freezegun import freeze_time

from odoo import Command

from .common import TmaSlaCommon

GENERATOR = Path(__file__).resolve().parents[2] / "setup" / "demo_history.py"


def load_generator():
    spec = importlib.util.spec_from_file_location("tma_demo_history", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def book_contract(case, start):
    """A ticket book contract of the tests' client, under the tests' SLA
    policy, started on ``start``."""
    return case._create_contract(
        partner=case.client_a,
        mode="ticket_book",
        date_start=start,
        sla_policy_id=case.policy.id,
        user_id=case.manager.id,
        monthly_volume=10.0,
        support_level_ids=[Command.set((case.l1 | case.l2 | case.l3).ids)],
    )


@freeze_time("2026-11-20 10:00:00")
class TestDemoHistory(TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.generator = load_generator()
        cls.book_contract = book_contract(cls, date(2026, 9, 1))

    def _generate(self, **values):
        return self.generator.generate(
            self.env,
            self.generator.options(months=2, tickets_per_month=3, **values),
            contracts=self.book_contract,
        )

    def test_history_is_dated_in_the_past_months_with_valid_ledgers(self):
        contract = self.book_contract
        stats = self._generate()
        self.assertGreater(stats["tickets"], 0)
        entries = self.env["tma.unit.entry"].search([("contract_id", "=", contract.id)])
        months = {entry.date.strftime("%Y-%m") for entry in entries}
        # Posted on the business dates of September and October, not today.
        self.assertTrue({"2026-09", "2026-10"} <= months, months)
        self.assertTrue(all(e.date.date() < date(2026, 11, 20) for e in entries))
        tickets = self.env["helpdesk.ticket"].search(
            [("tma_contract_id", "=", contract.id)]
        )
        self.assertTrue(all(t.create_date.date() < date(2026, 11, 20) for t in tickets))
        self.assertIn("2026-09", {t.create_date.strftime("%Y-%m") for t in tickets})
        # The unit ledger: numbered 1..n without gaps, the balance its sum.
        self.assertEqual(
            sorted(entries.mapped("sequence_number")), list(range(1, len(entries) + 1))
        )
        self.assertAlmostEqual(contract.balance, sum(entries.mapped("units")))
        # The journal of the parties' acts (ratings, approvals) chains.
        journal = self.env["tma.act.journal"]
        self.assertTrue(journal.search_count([("contract_id", "=", contract.id)]))
        self.assertIsNone(journal._tma_check_chain(contract))

    def test_report_trends_hold_the_two_months(self):
        contract = self.book_contract
        self._generate()
        report = self.env["tma.sla.service.report"].search(
            [("contract_id", "=", contract.id), ("date_from", "=", date(2026, 10, 1))]
        )
        self.assertTrue(report, "October's report is built on 1 November")
        trends = report.kpi_data["trends"]
        opened = dict(zip(trends["months"], trends["opened"], strict=True))
        self.assertGreater(opened["2026-09"], 0)
        self.assertGreater(opened["2026-10"], 0)
        self.assertFalse(report.pdf_attachment_id, "PDFs are left to the PDF cron")

    def test_same_seed_same_history(self):
        first = self._generate(seed=7)
        names = self.env["helpdesk.ticket"].search(
            [("tma_contract_id", "=", self.book_contract.id)], order="create_date, id"
        )
        self.assertEqual(first["tickets"], len(names))
        plan = self.generator.History(
            self.env, self.generator.options(months=2, seed=7), None
        )
        other = self.generator.History(
            self.env, self.generator.options(months=2, seed=7), None
        )
        plan.plan(self.book_contract)
        other.plan(self.book_contract)
        self.assertEqual(
            [(e[0], e[2]) for e in sorted(plan.events)],
            [(e[0], e[2]) for e in sorted(other.events)],
        )


@freeze_time("2026-11-20 10:00:00")
class TestDemoHistoryBulk(TmaSlaCommon):
    """The batched mode at a tiny size: a sample of one contract's month
    played through the flows, multiplied in SQL to three contracts over
    three months, with the product's invariants true on the result."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.generator = load_generator()
        cls.template = book_contract(cls, date(2026, 8, 1))
        cls.args = cls.generator.options(
            bulk=True,
            contracts=3,
            months=3,
            tickets_per_month=6,
            sample_contracts=1,
            sample_months=1,
            sample_tickets_per_month=3,
        )
        cls.stats = cls.generator.generate(cls.env, cls.args, contracts=cls.template)
        cls.contracts = cls.env["tma.contract"].search(
            [("title", "like", f"{cls.template.title} 000")], order="id"
        )
        cls.tickets = cls.env["helpdesk.ticket"].search(
            [("tma_contract_id", "in", cls.contracts.ids)]
        )
        cls.sample = cls.contracts[0]

    def _rows(self, query, *params):
        self.env.flush_all()
        self.env.cr.execute(query, params)
        return self.env.cr.fetchall()

    def test_tickets_in_proportion_over_every_month_before_today(self):
        self.assertEqual(len(self.contracts), 3)
        # Three contracts, three months (August to October), six tickets a
        # month each: about 54, within the sample's randomness.
        self.assertTrue(30 <= len(self.tickets) <= 90, len(self.tickets))
        months = {
            (t.tma_contract_id.id, t.create_date.strftime("%Y-%m"))
            for t in self.tickets
        }
        for contract in self.contracts:
            for month in ("2026-08", "2026-09", "2026-10"):
                self.assertIn((contract.id, month), months)
        self.assertTrue(
            all(t.create_date < datetime(2026, 11, 20) for t in self.tickets)
        )
        # Each ticket is its contract's client's: the copies' partners are
        # the target contract's, not the sample's.
        for ticket in self.tickets:
            self.assertEqual(
                ticket.partner_id.commercial_partner_id,
                ticket.tma_contract_id.partner_id,
            )
            self.assertIn(ticket.partner_email, (False, ticket.partner_id.email))

    def test_messages_and_ledger_entries_per_ticket_as_in_the_sample(self):
        def per_ticket(tickets):
            messages = self.env["mail.message"].search_count(
                [("model", "=", "helpdesk.ticket"), ("res_id", "in", tickets.ids)]
            )
            consumed = tickets.filtered(
                lambda t: t.stage_id.closed
            )  # every closed ticket of a book recorded its units
            entries = self.env["tma.unit.entry"].search_count(
                [("ticket_id", "in", consumed.ids), ("entry_type", "=", "consumption")]
            )
            return messages / len(tickets), entries / max(1, len(consumed))

        sample_tickets = self.tickets.filtered(
            lambda t: (
                t.tma_contract_id == self.sample
                and t.create_date < datetime(2026, 9, 1)
            )
        )
        copies = self.tickets - sample_tickets
        self.assertTrue(sample_tickets and copies)
        sample_messages, sample_entries = per_ticket(sample_tickets)
        copy_messages, copy_entries = per_ticket(copies)
        self.assertGreater(sample_messages, 3)
        self.assertAlmostEqual(
            copy_messages, sample_messages, delta=sample_messages / 3
        )
        self.assertEqual(sample_entries, 1.0)
        self.assertEqual(copy_entries, 1.0)

        # The copies' tracking values follow their messages, as many per
        # ticket as the sample's (none when the tests' context disables
        # tracking).
        def tracked(tickets):
            return self._rows(
                """SELECT count(*) FROM mail_tracking_value v
                     JOIN mail_message m ON m.id = v.mail_message_id
                    WHERE m.model = 'helpdesk.ticket' AND m.res_id = ANY(%s)""",
                tickets.ids,
            )[0][0] / len(tickets)

        self.assertAlmostEqual(
            tracked(copies), tracked(sample_tickets), delta=tracked(sample_tickets) / 3
        )

    def test_ledgers_balances_and_live_consumptions_hold(self):
        for contract in self.contracts:
            entries = self.env["tma.unit.entry"].search(
                [("contract_id", "=", contract.id)]
            )
            self.assertEqual(
                sorted(entries.mapped("sequence_number")),
                list(range(1, len(entries) + 1)),
            )
            self.assertEqual(contract.entry_seq, len(entries))
            self.assertAlmostEqual(contract.balance, sum(entries.mapped("units")))
            self.assertTrue(
                all(
                    e.name == f"{contract.name}-{e.sequence_number:05d}"
                    for e in entries
                )
            )
        twice = self._rows(
            """SELECT ticket_id FROM tma_unit_entry
                WHERE entry_type = 'consumption' AND NOT is_reversed
                  AND ticket_id IS NOT NULL
                GROUP BY ticket_id HAVING count(*) > 1"""
        )
        self.assertEqual(twice, [])
        # Each consumption is its ticket's contract's.
        crossed = self._rows(
            """SELECT e.id FROM tma_unit_entry e
                 JOIN helpdesk_ticket t ON t.id = e.ticket_id
                WHERE e.contract_id != t.tma_contract_id"""
        )
        self.assertEqual(crossed, [])

    def test_journal_chains_and_timers_follow_their_tickets(self):
        Journal = self.env["tma.act.journal"]
        for contract in self.contracts:
            self.assertTrue(Journal.search_count([("contract_id", "=", contract.id)]))
            self.assertIsNone(Journal._tma_check_chain(contract))
        timers = self.env["tma.sla.timer"].search(
            [("ticket_id", "in", self.tickets.ids)]
        )
        self.assertGreaterEqual(len(timers), len(self.tickets))
        for timer in timers:
            ticket = timer.ticket_id
            self.assertEqual(timer.contract_id, ticket.tma_contract_id)
            self.assertEqual(timer.partner_id, ticket.tma_contract_id.partner_id)
            self.assertGreaterEqual(
                timer.start_date, ticket.create_date - timedelta(minutes=1)
            )
        ratings = self.env["rating.rating"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "in", self.tickets.ids)]
        )
        self.assertTrue(
            all(
                r.partner_id == self.env["helpdesk.ticket"].browse(r.res_id).partner_id
                for r in ratings
            )
        )

    def test_sequences_pass_the_rows_inserted(self):
        numbers = self.tickets.mapped("number")
        self.assertEqual(len(numbers), len(set(numbers)))
        sequence = self.env["ir.sequence"].search(
            [("code", "=", "helpdesk.ticket.sequence")], limit=1
        )
        highest = max(int(n.removeprefix(sequence.prefix or "")) for n in numbers)
        self.assertGreater(sequence.number_next_actual, highest)
        for table in ("helpdesk_ticket", "mail_message", "tma_unit_entry"):
            (last,) = self._rows(f"SELECT last_value FROM {table}_id_seq")[0]
            (top,) = self._rows(f"SELECT max(id) FROM {table}")[0]
            self.assertGreaterEqual(last, top)
        # A month's report per contract and full month.
        reports = self.env["tma.sla.service.report"].search(
            [("contract_id", "in", self.contracts.ids)]
        )
        keys = [(r.contract_id.id, r.date_from) for r in reports]
        self.assertEqual(len(keys), len(set(keys)))
        # Three contracts, three months; the sample contract's two months
        # after its sample hold what its cron planned then, not copies.
        self.assertEqual(len(keys), 7)
        self.assertTrue(all(r.date_from.day == 1 for r in reports))

    def test_bad_sizes_are_refused_with_a_clear_message(self):
        stderr = io.StringIO()
        with (
            self.assertRaises(SystemExit) as raised,
            contextlib.redirect_stderr(stderr),
        ):
            self.generator.main(["-c", "x", "-d", "y", "--size", "huge"])
        self.assertIn("invalid choice: 'huge'", stderr.getvalue())
        self.assertEqual(raised.exception.code, 2)
        count = self.env["helpdesk.ticket"].search_count([])
        refusals = [
            (
                {"contracts": 1, "months": 3, "sample_contracts": 2},
                "at least 2 contracts",
            ),
            (
                {"contracts": 3, "months": 2, "sample_months": 2},
                "shorter than the 2 months",
            ),
        ]
        for values, message in refusals:
            args = self.generator.options(
                **(
                    {
                        "bulk": True,
                        "sample_contracts": 1,
                        "sample_months": 1,
                        "sample_tickets_per_month": 3,
                    }
                    | values
                )
            )
            with self.assertRaisesRegex(SystemExit, message):
                self.generator.generate(self.env, args, contracts=self.template)
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), count)
