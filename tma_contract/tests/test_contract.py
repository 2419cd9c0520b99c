# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import TmaCommon


@tagged("post_install", "-at_install")
class TestContract(TmaCommon):
    def _sell(self, product, qty, contract=None):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.contact_a.id,
                "tma_contract_id": contract.id if contract else False,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": qty})
                ],
            }
        )
        order.action_confirm()
        return order

    def test_sale_confirmation_creates_contract_and_credits_book(self):
        order = self._sell(self.pack, 3)
        contract = order.tma_contract_id
        self.assertTrue(contract)
        self.assertEqual(contract.partner_id, self.client_a)
        self.assertEqual(contract.mode, "ticket_book")
        self.assertEqual(contract.sale_order_id, order)
        self.assertEqual(len(contract.book_ids), 1)
        book = contract.book_ids
        self.assertEqual(book.units, 30)
        self.assertEqual(book.sale_line_id, order.order_line)
        self.assertGreater(book.date_expiry, fields.Date.today() + timedelta(days=360))
        self.assertEqual(contract.balance, 30)
        credit = contract.entry_ids
        self.assertEqual(credit.entry_type, "credit")
        self.assertEqual(credit.units, 30)
        self.assertLedgerConsistent(contract)

    def test_second_order_extends_the_contract(self):
        contract = self._sell(self.pack, 1).tma_contract_id
        contract.action_activate()
        order2 = self._sell(self.pack, 2, contract=contract)
        self.assertEqual(order2.tma_contract_id, contract)
        self.assertEqual(len(contract.book_ids), 2)
        self.assertEqual(contract.balance, 30)
        self.assertEqual(
            self.env["tma.contract"].search_count(
                [("partner_id", "=", self.client_a.id)]
            ),
            1,
        )

    def test_order_mixing_modes_is_refused(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.contact_a.id,
                "order_line": [
                    Command.create({"product_id": self.pack.id, "product_uom_qty": 1}),
                    Command.create(
                        {"product_id": self.regie_product.id, "product_uom_qty": 5}
                    ),
                ],
            }
        )
        with self.assertRaisesRegex(UserError, "several contract modes"):
            order.action_confirm()

    def test_transitions_follow_the_table_and_are_logged(self):
        contract = self._create_contract(activate=False)
        with self.assertRaisesRegex(UserError, "cannot go from Draft to Closed"):
            contract.action_close()
        self.assertEqual(contract.state, "draft")
        messages_before = len(contract.message_ids)
        contract.action_activate()
        self.assertEqual(contract.state, "active")
        self.assertGreater(len(contract.message_ids), messages_before)
        self.assertIn("Draft", contract.message_ids[0].body)
        self.assertIn("Active", contract.message_ids[0].body)
        # A running contract ends through reversibility, never directly.
        with self.assertRaisesRegex(
            UserError, "cannot go from Active to Closed|closed through reversibility"
        ):
            contract.action_close()
        self.assertEqual(contract.state, "active")
        self._force_state(contract, "closed")
        with self.assertRaises(UserError):
            contract.action_activate()
        # Reversibility and back. (Closing from reversibility is the business of
        # tma_reversibility, which adds its conditions.)
        other = self._create_contract()
        other.action_start_reversibility()
        self.assertEqual(other.state, "reversibility")
        other.action_resume()
        self.assertEqual(other.state, "active")

    def test_engineers_cannot_close_or_terminate(self):
        contract = self._create_contract()
        as_engineer = contract.with_user(self.engineer)
        with self.assertRaisesRegex(UserError, "Only TMA managers"):
            as_engineer.action_close()
        with self.assertRaisesRegex(UserError, "Only TMA managers"):
            as_engineer._terminate("No reason", fields.Date.today())
        self.assertEqual(contract.state, "active")
        self.assertFalse(contract.termination_date)
        with self.assertRaisesRegex(UserError, "Only TMA managers"):
            as_engineer.action_start_reversibility()
        contract.with_user(self.manager).action_start_reversibility()
        self.assertEqual(contract.state, "reversibility")

    def test_state_cannot_be_written_directly(self):
        contract = self._create_contract(activate=False)
        with self.assertRaisesRegex(UserError, "buttons"):
            contract.write({"state": "active"})
        self.assertEqual(contract.state, "draft")

    def test_end_date_before_start_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "end date"):
            self._create_contract(
                date_start=fields.Date.today(),
                date_end=fields.Date.today() - timedelta(days=1),
            )
        contract = self._create_contract()
        with self.assertRaisesRegex(ValidationError, "end date"):
            contract.date_end = contract.date_start - timedelta(days=5)

    def test_termination_respects_the_notice_period(self):
        contract = self._create_contract(notice_period_days=90)
        notice = fields.Date.today()
        with self.assertRaisesRegex(ValidationError, "notice period of 90 days"):
            contract._terminate("Budget cut", notice, notice + timedelta(days=30))
        self.assertFalse(contract.termination_date)
        contract._terminate("Budget cut", notice)
        self.assertEqual(contract.termination_date, notice + timedelta(days=90))
        self.assertEqual(contract.date_end, contract.termination_date)
        self.assertFalse(contract.tacit_renewal)
        self.assertIn("Budget cut", contract.message_ids[0].body)

    def test_forfait_fee_is_invoiced_by_a_recurring_contract(self):
        contract = self._create_contract(mode="forfait")
        recurring = contract.recurring_contract_id
        self.assertTrue(recurring)
        self.assertEqual(recurring.partner_id, self.client_a)
        self.assertEqual(recurring.contract_line_ids.price_unit, 3000.0)
        invoice = recurring.recurring_create_invoice()
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.amount_untaxed, 3000.0)

    def test_forfait_without_fee_cannot_be_activated(self):
        contract = self._create_contract(mode="forfait", activate=False, fee_amount=0)
        with self.assertRaisesRegex(UserError, "fee"):
            contract.action_activate()
        self.assertEqual(contract.state, "draft")

    def test_tacit_renewal_cron_is_idempotent(self):
        today = fields.Date.today()
        contract = self._create_contract(
            date_start=today - timedelta(days=400),
            date_end=today - timedelta(days=1),
            tacit_renewal=True,
            auto_renew=True,
            renewal_period=12,
        )
        manual = self._create_contract(
            partner=self.client_b,
            date_start=today - timedelta(days=400),
            date_end=today - timedelta(days=1),
            tacit_renewal=True,
            auto_renew=False,
        )
        Contract = self.env["tma.contract"]
        Contract._cron_renew_contracts()
        Contract._cron_renew_contracts()
        self.assertGreater(contract.date_end, today)
        self.assertLess(contract.date_end, today + timedelta(days=370))
        self.assertEqual(
            len(
                manual.activity_ids.filtered(lambda a: a.summary == "Renewal decision")
            ),
            1,
        )

    def test_contract_with_entries_cannot_be_deleted(self):
        contract = self._create_contract()
        self._add_book(contract, 5)
        with self.assertRaises(UserError):
            contract.unlink()
        self.assertTrue(contract.exists())
