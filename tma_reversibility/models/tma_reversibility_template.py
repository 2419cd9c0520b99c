# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TmaReversibilityTemplate(models.Model):
    _name = "tma.reversibility.template"
    _description = "TMA Handover Checklist Template"
    _inherit = ["tma.checklist.template.mixin"]

    line_ids = fields.One2many(
        "tma.reversibility.template.line", "template_id", string="Items", copy=True
    )
