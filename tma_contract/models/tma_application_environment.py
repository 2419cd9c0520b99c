# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TmaApplicationEnvironment(models.Model):
    _name = "tma.application.environment"
    _description = "Application Environment"
    _order = "application_id, sequence, id"

    name = fields.Char(required=True)
    application_id = fields.Many2one(
        "tma.application", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one(related="application_id.partner_id", store=True)
    company_id = fields.Many2one(related="application_id.company_id", store=True)
    environment_type = fields.Selection(
        [
            ("production", "Production"),
            ("iso_production", "Iso-production"),
            ("acceptance", "Acceptance"),
            ("test", "Test"),
            ("development", "Development"),
        ],
        string="Type",
        required=True,
        default="production",
    )
    url = fields.Char(string="URL")
    notes = fields.Text()
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
