# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

SIDES = [
    ("provider", "Provider"),
    ("client", "Client"),
    ("successor", "Successor"),
]


class TmaReversibilityTemplate(models.Model):
    _name = "tma.reversibility.template"
    _description = "TMA Handover Checklist Template"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company")
    line_ids = fields.One2many(
        "tma.reversibility.template.line", "template_id", string="Items", copy=True
    )


class TmaReversibilityTemplateLine(models.Model):
    _name = "tma.reversibility.template.line"
    _description = "TMA Handover Checklist Template Item"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one(
        "tma.reversibility.template", required=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    side = fields.Selection(SIDES, string="Responsible side", required=True)
    mandatory = fields.Boolean(default=True)
    evidence_required = fields.Boolean(
        string="Evidence required",
        help="The item is signed off only with evidence attached (an "
        "attestation, minutes).",
    )
    due_days = fields.Integer(
        string="Due after (days)",
        default=30,
        help="Days after the start of reversibility.",
    )
