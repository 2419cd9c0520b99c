# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from .utils import TAKEON_ITEM_TYPES, TAKEON_SIDES


class TmaTakeonTemplateLine(models.Model):
    """An item of the take-on checklist template, of a type (knowledge
    transfer, shadowing, service start, …) that says what its item records."""

    _name = "tma.takeon.template.line"
    _description = "TMA Take-on Checklist Template Item"
    _inherit = ["tma.checklist.template.line.mixin"]
    _checklist_item_fields = ("item_type",)

    template_id = fields.Many2one(
        "tma.takeon.template", required=True, ondelete="cascade"
    )
    item_type = fields.Selection(TAKEON_ITEM_TYPES, required=True, default="other")
    side = fields.Selection(TAKEON_SIDES, string="Responsible side", required=True)
    due_days = fields.Integer(help="Days after the start of the take-on.")
