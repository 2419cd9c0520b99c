# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TmaPreventiveCheck(models.Model):
    """One check of a preventive ticket's checklist, copied from its plan
    line's template when the ticket is created. A preventive ticket closes
    only once all its checks are done."""

    _name = "tma.preventive.check"
    _description = "Preventive Checklist Item"
    _order = "ticket_id, sequence, id"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    occurrence_id = fields.Many2one(
        related="ticket_id.tma_preventive_occurrence_id", store=True, index=True
    )
    partner_id = fields.Many2one(
        related="ticket_id.commercial_partner_id", store=True, index=True
    )
    name = fields.Char(string="Check", required=True)
    sequence = fields.Integer(default=10)
    done = fields.Boolean()
    note = fields.Char()
