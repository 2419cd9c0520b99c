# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class ContractContract(models.Model):
    _inherit = "contract.contract"

    def _recurring_create_invoice(self, date_ref=False):
        """A recurring invoice that a TMA credit adjustment leaves below zero
        (days invoiced after an earlier end, with no period left to invoice)
        is issued as a credit note: an invoice cannot be posted negative."""
        moves = super()._recurring_create_invoice(date_ref)
        moves.filtered(
            lambda move: (
                move.move_type == "out_invoice"
                and move.currency_id.compare_amounts(move.amount_total, 0.0) < 0
                and move.invoice_line_ids.contract_line_id.filtered("tma_adjustment")
            )
        ).action_switch_move_type()
        return moves
