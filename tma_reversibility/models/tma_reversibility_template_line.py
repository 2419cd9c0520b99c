# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from .utils import SIDES


class TmaReversibilityTemplateLine(models.Model):
    """An item of the handover checklist template: its side signs it off,
    with evidence attached where it is required."""

    _name = "tma.reversibility.template.line"
    _description = "TMA Handover Checklist Template Item"
    _inherit = ["tma.checklist.template.line.mixin"]
    _checklist_item_fields = ("evidence_required",)

    template_id = fields.Many2one(
        "tma.reversibility.template", required=True, ondelete="cascade"
    )
    side = fields.Selection(SIDES, string="Responsible side", required=True)
    evidence_required = fields.Boolean(
        string="Evidence required",
        help="The item is signed off only with evidence attached (an "
        "attestation, minutes).",
    )
    due_days = fields.Integer(help="Days after the start of reversibility.")
