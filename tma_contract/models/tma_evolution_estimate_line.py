# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class TmaEvolutionEstimateLine(models.Model):
    _name = "tma.evolution.estimate.line"
    _description = "TMA Evolution Estimate Line"
    _order = "sequence, id"

    estimate_id = fields.Many2one(
        "tma.evolution.estimate", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Part of the work", required=True)
    units = fields.Float(digits="TMA Units")
    hours = fields.Float(
        digits="TMA Units", help="Capped time and materials: the part's hours."
    )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.estimate_id._check_draft_lines()
        return lines

    def write(self, vals):
        self.estimate_id._check_draft_lines()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        self.estimate_id._check_draft_lines()
