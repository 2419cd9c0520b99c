# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
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
    tma_can_transfer = fields.Boolean(
        string="Transferable to the successor",
        compute="_compute_tma_can_transfer",
        help="An evolution still open on a contract in reversibility that has a "
        "successor: the only tickets the successor takes over.",
    )

    @api.depends(
        "closed",
        "tma_transferred",
        "tma_maintenance_type_id.code",
        "tma_contract_id.state",
        "tma_contract_id.successor_id",
    )
    def _compute_tma_can_transfer(self):
        for ticket in self:
            contract = ticket.tma_contract_id
            ticket.tma_can_transfer = bool(
                not ticket.tma_transferred
                and contract.state == "reversibility"
                and contract.successor_id
                and ticket._tma_transferable()
            )

    def action_tma_transfer_to_successor(self):
        """Hand evolutions in progress over to the successor. Incidents (and
        any other work) are not transferable: the outgoing provider closes
        them before the contract closes."""
        for ticket in self:
            contract = ticket.tma_contract_id
            if contract.state != "reversibility" or not contract.successor_id:
                raise UserError(
                    _(
                        "A ticket is transferred to the successor of a contract in "
                        "reversibility that has one."
                    )
                )
            if not ticket._tma_transferable():
                raise UserError(
                    _(
                        "Only an evolution in progress is transferred to the "
                        "successor; %(ticket)s is to be closed or cancelled "
                        "before the contract closes.",
                        ticket=ticket.display_name,
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

    def _tma_transferable(self):
        """Whether the ticket is work the successor may take over: an
        evolution still open."""
        self.ensure_one()
        return not self.closed and self.tma_maintenance_type_id.code == "evolutive"
