# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The demo's history generator (``setup/demo_history.py``, loaded by its
path: it is no part of the addons), run on one contract for two months."""

import importlib.util
from datetime import date
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


@freeze_time("2026-11-20 10:00:00")
class TestDemoHistory(TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.generator = load_generator()
        cls.book_contract = cls._create_contract(
            partner=cls.client_a,
            mode="ticket_book",
            date_start=date(2026, 9, 1),
            sla_policy_id=cls.policy.id,
            user_id=cls.manager.id,
            monthly_volume=10.0,
            support_level_ids=[Command.set((cls.l1 | cls.l2 | cls.l3).ids)],
        )

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
