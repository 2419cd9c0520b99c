# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import tagged

from .common import TmaCommon

GRID = [
    Command.create({"complexity": "simple", "units": 1.0}),
    Command.create({"complexity": "medium", "units": 3.0}),
]


@tagged("post_install", "-at_install")
class TestInvoicing(TmaCommon):
    def _regie_contract(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.contact_a.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.regie_product.id, "product_uom_qty": 40}
                    )
                ],
            }
        )
        order.action_confirm()
        contract = order.tma_contract_id
        contract.write({"monthly_volume": 40})
        contract.action_activate()
        return order, contract

    def test_regie_consumption_reaches_delivered_quantity_and_invoice(self):
        order, contract = self._regie_contract()
        self.assertEqual(contract.mode, "regie")
        line = order.order_line
        self.assertEqual(line.qty_delivered_method, "tma")
        contract._post_consumption(3.0, ticket=self._create_ticket(contract))
        contract._post_consumption(2.5, ticket=self._create_ticket(contract))
        self.assertEqual(line.qty_delivered, 5.5)
        self.assertEqual(line.qty_to_invoice, 5.5)
        invoice = order._create_invoices()
        self.assertEqual(invoice.invoice_line_ids.quantity, 5.5)
        invoice.action_post()
        self.assertEqual(line.qty_invoiced, 5.5)
        self.assertEqual(line.qty_to_invoice, 0.0)

    def test_regie_cap_is_enforced(self):
        order, contract = self._regie_contract()
        contract._post_consumption(40.0)
        with self.assertRaisesRegex(Exception, "cap of 40.0"):
            contract._post_consumption(1.0)
        self.assertEqual(order.order_line.qty_delivered, 40.0)

    def test_reversing_invoiced_units_leads_to_a_credit_note(self):
        order, contract = self._regie_contract()
        entry = contract._post_consumption(4.0, ticket=self._create_ticket(contract))
        invoice = order._create_invoices()
        invoice.action_post()
        entry._reverse("Billed by mistake")
        line = order.order_line
        self.assertEqual(line.qty_delivered, 0.0)
        self.assertEqual(line.qty_to_invoice, -4.0)
        self.assertTrue(contract.credit_note_pending)
        self.assertIn("credit note", contract.message_ids[0].body)
        refund = order._create_invoices(final=True)
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.invoice_line_ids.quantity, 4.0)

    def _pack_contract(self, **vals):
        """A ticket book sold by an order of one pack of 10 units, with an
        overdraft of 5 units, active."""
        order = self.env["sale.order"].create(
            {
                "partner_id": self.contact_a.id,
                "order_line": [
                    Command.create({"product_id": self.pack.id, "product_uom_qty": 1})
                ],
            }
        )
        order.action_confirm()
        contract = order.tma_contract_id
        contract.write({"overdraft_policy": "allow", "overdraft_limit": 5, **vals})
        contract.action_activate()
        return order, contract

    def test_overage_is_delivered_on_the_contract_order(self):
        order, contract = self._pack_contract()
        contract._post_consumption(12.0)
        overage_line = order.order_line.filtered(
            lambda line: line.product_id == self.overage_product
        )
        self.assertEqual(overage_line.qty_delivered, 2.0)
        self.assertEqual(overage_line.qty_to_invoice, 2.0)
        invoice = order._create_invoices()
        self.assertEqual(
            invoice.invoice_line_ids.filtered(
                lambda line: line.product_id == self.overage_product
            ).quantity,
            2.0,
        )

    def test_an_engineer_who_is_no_salesman_of_the_order_revalues_a_ticket(self):
        order, contract = self._regie_contract()
        contract.valuation_rule_ids = GRID
        self.assertNotEqual(order.user_id, self.engineer)
        ticket = self._create_ticket(contract, complexity="simple")
        ticket.with_user(self.engineer).action_tma_record_consumption()
        invoice = order._create_invoices()
        invoice.action_post()
        self.env.invalidate_all()
        ticket.with_user(self.engineer).write({"tma_complexity": "medium"})
        ticket.with_user(self.engineer).action_tma_record_consumption()
        self.assertEqual(ticket.tma_units_consumed, 3.0)
        self.assertEqual(order.order_line.qty_delivered, 3.0)
        self.assertEqual(order.order_line.qty_to_invoice, 2.0)

    def test_invoiced_overage_frees_the_overdraft_for_an_engineer_too(self):
        order, contract = self._pack_contract(valuation_rule_ids=GRID)
        contract._post_consumption(15.0)  # the 10 units of the book + 5 overage
        order._create_invoices().action_post()
        self.env.invalidate_all()
        ticket = self._create_ticket(contract, complexity="medium")
        ticket.with_user(self.engineer).action_tma_record_consumption()
        self.assertEqual(ticket.tma_units_consumed, 3.0)
        self.assertEqual(contract.units_overage, 8.0)
