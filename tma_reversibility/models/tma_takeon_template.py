# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TmaTakeonTemplate(models.Model):
    _name = "tma.takeon.template"
    _description = "TMA Take-on Checklist Template"
    _inherit = ["tma.checklist.template.mixin"]

    line_ids = fields.One2many(
        "tma.takeon.template.line", "template_id", string="Items", copy=True
    )
