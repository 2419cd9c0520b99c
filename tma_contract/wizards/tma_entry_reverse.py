# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TmaEntryReverse(models.TransientModel):
    _name = "tma.entry.reverse"
    _description = "Reverse TMA ledger entries"

    entry_ids = fields.Many2many("tma.unit.entry", required=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.entry_ids._reverse(self.reason)
        return {"type": "ir.actions.act_window_close"}
