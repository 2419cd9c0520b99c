# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TmaSlaEscalate(models.TransientModel):
    _name = "tma.sla.escalate"
    _description = "Escalate or de-escalate a ticket"

    ticket_id = fields.Many2one("helpdesk.ticket", required=True, readonly=True)
    current_level_id = fields.Many2one(
        related="ticket_id.tma_support_level_id", string="Current level"
    )
    direction = fields.Selection(
        [("up", "Escalate"), ("down", "De-escalate")], required=True, readonly=True
    )
    level_id = fields.Many2one("tma.support.level", string="New level", required=True)
    reason = fields.Text(required=True)
    extend_deadlines = fields.Boolean(
        string="Extend the deadlines",
        help="Let the pending commitments take the targets of the new level "
        "(managers only). The client reads the reason on the ticket.",
    )
    extension_reason = fields.Text(string="Reason given to the client")

    def action_confirm(self):
        self.ensure_one()
        self.ticket_id._tma_escalate(
            self.level_id,
            self.reason,
            extension_reason=(self.extension_reason or "")
            if self.extend_deadlines
            else None,
        )
        return {"type": "ir.actions.act_window_close"}
