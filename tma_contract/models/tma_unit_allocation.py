# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError


class TmaUnitAllocation(models.Model):
    """The share of a ledger entry drawn from (or given back to) one book."""

    _name = "tma.unit.allocation"
    _description = "TMA Unit Allocation"
    _inherit = ["tma.ledger.protected.mixin"]
    _order = "id"

    entry_id = fields.Many2one(
        "tma.unit.entry", required=True, ondelete="restrict", index=True, readonly=True
    )
    book_id = fields.Many2one(
        "tma.unit.book", required=True, ondelete="restrict", index=True, readonly=True
    )
    company_id = fields.Many2one(
        related="entry_id.company_id", store=True, precompute=True
    )
    units = fields.Float(digits="TMA Units", required=True, readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        if not self._tma_is_engine():
            raise AccessError(_("Allocations are written by the unit ledger only."))
        return super().create(vals_list)

    def write(self, vals):
        if not self._tma_is_engine():
            raise UserError(_("Posted ledger allocations cannot be modified."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("Posted ledger allocations cannot be deleted."))

    def _apply_to_books(self):
        for allocation in self:
            allocation.book_id._add_remaining(allocation.units)
