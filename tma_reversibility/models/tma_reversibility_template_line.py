# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from .utils import SIDES


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
