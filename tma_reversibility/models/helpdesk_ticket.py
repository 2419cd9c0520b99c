# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models
from odoo.exceptions import UserError


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    tma_transferred = fields.Boolean(
        string="Transferred to the successor",
        readonly=True,
        copy=False,
        help="An evolution handed over to the successor provider at the end of "
        "the contract.",
    )

    def action_tma_transfer_to_successor(self):
        for ticket in self:
            contract = ticket.tma_contract_id
            if contract.state != "reversibility" or not contract.successor_id:
                raise UserError(
                    _(
                        "A ticket is transferred to the successor of a contract in "
                        "reversibility that has one."
                    )
                )
        self.write({"tma_transferred": True})
        for ticket in self:
            ticket.message_post(
                body=_(
                    "Transferred to the successor %(successor)s.",
                    successor=ticket.tma_contract_id.successor_id.display_name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True
