# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TmaChecklistTemplateMixin(models.AbstractModel):
    """A checklist template (the handover's, the take-on's): the items a
    contract's checklist starts with (``tma.checklist.template.line.mixin``),
    created by ``tma.contract._checklist_instantiate``.

    Inheriting models define ``line_ids``, the One2many of their lines."""

    _name = "tma.checklist.template.mixin"
    _description = "TMA checklist template"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company")
