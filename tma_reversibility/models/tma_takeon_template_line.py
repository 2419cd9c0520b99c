# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from .utils import TAKEON_ITEM_TYPES, TAKEON_SIDES


class TmaTakeonTemplateLine(models.Model):
    _name = "tma.takeon.template.line"
    _description = "TMA Take-on Checklist Template Item"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one(
        "tma.takeon.template", required=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    item_type = fields.Selection(TAKEON_ITEM_TYPES, required=True, default="other")
    side = fields.Selection(TAKEON_SIDES, string="Responsible side", required=True)
    mandatory = fields.Boolean(default=True)
    due_days = fields.Integer(
        string="Due after (days)",
        default=30,
        help="Days after the start of the take-on.",
    )
