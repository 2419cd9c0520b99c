# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The contract's scope and its out-of-scope policy are applied."""

from lxml import html

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from .common import TmaCommon


class ScopeCommon(TmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.corrective = cls.env.ref("tma_contract.maintenance_type_corrective")
        cls.assistance = cls.env.ref("tma_contract.maintenance_type_assistance")
        cls.erp = cls.env["tma.application"].create(
            {"name": "ERP", "partner_id": cls.client_a.id}
        )
        cls.intranet = cls.env["tma.application"].create(
            {"name": "Intranet", "partner_id": cls.client_a.id}
        )

    def _scoped_contract(self, policy, **vals):
        contract = self._create_contract(
            maintenance_type_ids=[Command.set(self.corrective.ids)],
            application_ids=[Command.set(self.erp.ids)],
            out_of_scope_policy=policy,
            **vals,
        )
        self._add_book(contract, 10)
        return contract

    def _question(self, contract, **vals):
        return self._create_ticket(
            contract, tma_maintenance_type_id=self.assistance.id, **vals
        )


@tagged("post_install", "-at_install")
class TestScope(ScopeCommon):
    def test_gaps_name_what_the_scope_does_not_cover(self):
        contract = self._scoped_contract("count")
        self.assertEqual(contract._get_scope_gaps(self.corrective, self.erp), [])
        self.assertEqual(len(contract._get_scope_gaps(self.assistance, self.erp)), 1)
        self.assertEqual(
            len(contract._get_scope_gaps(self.assistance, self.intranet)), 2
        )
        open_contract = self._create_contract()  # names nothing: covers all
        self.assertEqual(open_contract._get_scope_gaps(self.assistance, self.erp), [])

    def test_refuse_policy_refuses_an_out_of_scope_ticket(self):
        contract = self._scoped_contract("refuse")
        count = self.env["helpdesk.ticket"].search_count([])
        with (
            self.assertRaisesRegex(ValidationError, "outside the scope"),
            self.env.cr.savepoint(),
        ):
            self._question(contract)
        with (
            self.assertRaisesRegex(ValidationError, "application Intranet"),
            self.env.cr.savepoint(),
        ):
            self._create_ticket(contract, tma_application_id=self.intranet.id)
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), count)
        ticket = self._create_ticket(
            contract, tma_maintenance_type_id=self.corrective.id
        )
        with (
            self.assertRaisesRegex(ValidationError, "outside the scope"),
            self.env.cr.savepoint(),
        ):
            ticket.tma_maintenance_type_id = self.assistance
        self.env.invalidate_all()
        self.assertEqual(ticket.tma_maintenance_type_id, self.corrective)

    def test_the_ticket_says_it_is_out_of_scope(self):
        contract = self._scoped_contract("bill")
        question = self._question(contract)
        self.assertIn("Outside the scope", question.tma_scope_warning)
        self.assertIn("Bill", question.tma_scope_warning)
        question.tma_maintenance_type_id = self.corrective
        self.assertFalse(question.tma_scope_warning)

    def test_count_policy_counts_an_out_of_scope_ticket_in_the_volume(self):
        contract = self._scoped_contract("count")
        entry = self._question(contract)._tma_record_consumption(2.0)
        self.assertEqual(entry.scope, "counted")
        self.assertEqual(entry.units, -2.0)
        self.assertEqual(entry.billable_units, 0.0)
        self.assertEqual(contract.balance, 8.0)

    def test_bill_policy_bills_out_of_scope_units_on_top(self):
        contract = self._scoped_contract("bill")
        in_scope = self._create_ticket(
            contract, tma_maintenance_type_id=self.corrective.id
        )._tma_record_consumption(1.0)
        self.assertEqual(in_scope.scope, "in")
        entry = self._question(contract)._tma_record_consumption(2.0)
        self.assertEqual(entry.scope, "billed")
        self.assertEqual(entry.units, 0.0)  # the books are not touched
        self.assertEqual(entry.billable_units, 2.0)
        self.assertEqual(contract.balance, 9.0)
        self.assertEqual(entry.sale_line_id.qty_delivered, 2.0)
        # On its own line: the overage and its overdraft limit are untouched.
        self.assertEqual(
            entry.sale_line_id.product_id,
            self.env.ref("tma_contract.product_tma_out_of_scope"),
        )
        self.assertEqual(contract._get_open_overage(), 0.0)
        self.assertLedgerConsistent(contract)

    def test_bill_policy_bills_past_the_free_questions_of_the_month(self):
        contract = self._scoped_contract("bill", out_of_scope_free_count=2)
        scopes = [
            self._question(contract)._tma_record_consumption(1.0).scope
            for _i in range(3)
        ]
        self.assertEqual(scopes, ["counted", "counted", "billed"])
        self.assertEqual(contract.balance, 8.0)

    def test_a_revalued_question_keeps_its_slot(self):
        contract = self._scoped_contract("bill", out_of_scope_free_count=1)
        question = self._question(contract)
        question._tma_record_consumption(1.0)
        entry = question._tma_record_consumption(2.0)
        self.assertEqual(entry.scope, "counted")
        reversal = entry.ticket_id.tma_entry_ids.filtered(
            lambda e: e.entry_type == "reversal"
        )
        self.assertEqual(reversal.scope, "counted")
        self.assertEqual(contract.balance, 8.0)

    def test_a_negative_number_of_free_questions_is_refused(self):
        contract = self._scoped_contract("bill")
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            contract.out_of_scope_free_count = -1

    def test_scope_summary_lists_what_the_client_reads(self):
        self.env["tma.application.environment"].create(
            [
                {"name": "Production", "application_id": self.erp.id, "sequence": 1},
                {"name": "Recette", "application_id": self.erp.id, "sequence": 2},
            ]
        )
        archived = self.env["tma.application"].create(
            {"name": "Old CRM", "partner_id": self.client_a.id, "active": False}
        )
        level = self.env["tma.support.level"].search([], limit=1)
        contract = self._scoped_contract(
            "count",
            support_level_ids=[Command.set(level.ids)],
        )
        contract._tma_write_terms(
            {
                "application_ids": [
                    Command.link(self.intranet.id),
                    Command.link(archived.id),
                ]
            }
        )
        summary = contract._get_scope_summary()
        self.assertEqual(
            summary["applications"],
            [("ERP", ["Production", "Recette"]), ("Intranet", [])],
        )
        self.assertEqual(summary["maintenance_types"], [self.corrective.name])
        self.assertEqual(summary["support_levels"], [level.code])
        # In the reader's language.
        self.env["res.lang"]._activate_lang("fr_FR")
        self.corrective.with_context(lang="fr_FR").name = "Corrective (FR)"
        french = contract.with_context(lang="fr_FR")._get_scope_summary()
        self.assertEqual(french["maintenance_types"], ["Corrective (FR)"])


@tagged("post_install", "-at_install")
class TestScopePortal(HttpCase, ScopeCommon):
    def test_the_clients_ledger_shows_what_an_out_of_scope_ticket_billed(self):
        contract = self._scoped_contract("bill")
        entry = self._question(contract)._tma_record_consumption(2.0)
        self.authenticate(self.portal_a.login, self.portal_a.login)
        page = self.url_open(f"/my/tma/contracts/{contract.id}")
        self.assertEqual(page.status_code, 200)
        tree = html.fromstring(page.content)
        rows = [
            row
            for row in tree.xpath('//table[@id="tma_ledger"]/tbody/tr')
            if entry.name in row.text_content()
        ]
        self.assertEqual(len(rows), 1)
        cells = [" ".join(cell.text_content().split()) for cell in rows[0]]
        headers = [
            " ".join(th.text_content().split())
            for th in tree.xpath('//table[@id="tma_ledger"]/thead//th')
        ]
        self.assertEqual(headers[-1], "Invoiced")
        self.assertIn("Out of scope, billed", cells[2])
        self.assertEqual(cells[-2], "0.00")  # the books are not touched
        self.assertEqual(cells[-1], "2.00")  # what the client is invoiced
