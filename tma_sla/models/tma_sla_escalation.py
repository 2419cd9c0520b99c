# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class TmaSlaEscalation(models.Model):
    """One move of a ticket between support levels: who or which rule, when,
    from where to where and why. Append-only: the escalation history of a
    ticket is evidence for the client."""

    _name = "tma.sla.escalation"
    _description = "TMA Ticket Escalation"
    _order = "date desc, id desc"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    contract_id = fields.Many2one(
        related="ticket_id.tma_contract_id", store=True, index=True
    )
    partner_id = fields.Many2one(related="contract_id.partner_id", store=True)
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)
    date = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True)
    from_level_id = fields.Many2one("tma.support.level", string="From", readonly=True)
    to_level_id = fields.Many2one(
        "tma.support.level", string="To", required=True, readonly=True
    )
    direction = fields.Selection(
        [("up", "Escalation"), ("down", "De-escalation")],
        compute="_compute_direction",
        store=True,
    )
    user_id = fields.Many2one(
        "res.users", string="By", readonly=True, help="Empty when a rule escalated."
    )
    rule_id = fields.Many2one(
        "tma.sla.escalation.rule", readonly=True, ondelete="set null"
    )
    timer_id = fields.Many2one("tma.sla.timer", readonly=True, ondelete="set null")
    reason = fields.Text(required=True, readonly=True)
    extension_reason = fields.Text(
        string="Deadline extension",
        readonly=True,
        help="Why a manager let the pending commitments take the targets of "
        "the new level (shown to the client). Empty: the deadlines did not "
        "move.",
    )

    @api.depends("from_level_id", "to_level_id")
    def _compute_direction(self):
        for escalation in self:
            previous = escalation.from_level_id
            escalation.direction = (
                "up"
                if not previous or escalation.to_level_id.sequence > previous.sequence
                else "down"
            )
