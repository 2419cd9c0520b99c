# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class TmaUnitBook(models.Model):
    _inherit = "tma.unit.book"

    forecast_date_end = fields.Date(
        string="Forecast end",
        compute="_compute_forecast_date_end",
        help="The day the book is forecast to run out at the contract's "
        "forecast rate, or its expiry date when it expires first.",
    )
    forecast_end_reason = fields.Selection(
        [("exhausted", "Runs out"), ("expires", "Expires with units left")],
        compute="_compute_forecast_date_end",
    )

    @api.depends(
        "units_remaining", "date_expiry", "state", "contract_id.forecast_date_exhausted"
    )
    def _compute_forecast_date_end(self):
        forecasts = self.contract_id._get_forecast() if self.contract_id else {}
        for book in self:
            data = forecasts.get(book.contract_id.id, {}).get("books", {})
            book.forecast_date_end, book.forecast_end_reason = data.get(
                book.id, (False, False)
            )
