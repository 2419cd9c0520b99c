# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TmaUnitAdjustment(models.TransientModel):
    _name = "tma.unit.adjustment"
    _description = "Adjust a TMA unit balance"

    contract_id = fields.Many2one("tma.contract", required=True)
    units = fields.Float(
        digits="TMA Units",
        required=True,
        help="Positive to give units, negative to remove them.",
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.contract_id._post_adjustment(self.units, self.reason)
        return {"type": "ir.actions.act_window_close"}
