# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class RatingRating(models.Model):
    """The moment a rating was given, for the satisfaction figures.

    The figures' periods are computed on the code's clock
    (``fields.Datetime.now``, today in the contract's time zone); a rating
    counted by ``write_date`` would be dated by another clock, the
    transaction's (``cr.now()``), and moved by any later write of the row
    (its message, its visibility). ``tma_rated_on`` is stamped on the code's
    clock when the rating value is given, and only then."""

    _inherit = "rating.rating"

    tma_rated_on = fields.Datetime(
        string="Rated on",
        readonly=True,
        copy=False,
        index=True,
        help="When the rating was given: the date the satisfaction figures "
        "count it on.",
    )

    def init(self):
        # Ratings given before this field existed: their last write is the
        # best date left of them.
        self.env.cr.execute(
            SQL(
                """UPDATE rating_rating SET tma_rated_on = write_date
                    WHERE consumed AND tma_rated_on IS NULL"""
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        self._tma_check_rated_on(vals_list)
        now = fields.Datetime.now()
        vals_list = [
            dict(vals, tma_rated_on=now)
            if vals.get("consumed") and vals.get("rating")
            else vals
            for vals in vals_list
        ]
        return super().create(vals_list)

    def write(self, vals):
        self._tma_check_rated_on([vals])
        if vals.get("rating") and vals.get("consumed", True):
            vals = dict(vals, tma_rated_on=fields.Datetime.now())
        return super().write(vals)

    @api.model
    def _tma_check_rated_on(self, vals_list):
        if any("tma_rated_on" in vals for vals in vals_list):
            raise UserError(
                _(
                    "The moment a rating was given is recorded when it is "
                    "given; nobody can write it."
                )
            )
