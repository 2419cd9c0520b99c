# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TmaSlaPenaltyLine(models.Model):
    _name = "tma.sla.penalty.line"
    _description = "TMA SLA Penalty Line"
    _order = "period_id, id"

    period_id = fields.Many2one(
        "tma.sla.penalty.period", required=True, ondelete="cascade", index=True
    )
    currency_id = fields.Many2one(related="period_id.currency_id")
    # A line is a breached timer, or an availability commitment under target.
    timer_id = fields.Many2one("tma.sla.timer", ondelete="restrict")
    availability_target_id = fields.Many2one(
        "tma.sla.availability.target", string="Availability commitment"
    )
    availability = fields.Float(string="Availability (%)", digits=(5, 3))
    ticket_id = fields.Many2one(related="timer_id.ticket_id")
    metric = fields.Selection(related="timer_id.metric")
    criticality = fields.Selection(related="timer_id.criticality")
    deadline = fields.Datetime(related="timer_id.breach_date")
    delay_minutes = fields.Float(string="Delay (business min)")
    amount = fields.Monetary(currency_field="currency_id")
