# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TmaTakeonTemplate(models.Model):
    _name = "tma.takeon.template"
    _description = "TMA Take-on Checklist Template"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company")
    line_ids = fields.One2many(
        "tma.takeon.template.line", "template_id", string="Items", copy=True
    )
