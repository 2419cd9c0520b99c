# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .utils import REVIEW_DEFAULT_CADENCE, REVIEW_KINDS


class TmaReviewType(models.Model):
    """A kind of periodic review of one contract (the monthly operational
    review, the quarterly steering committee) with its cadence, its next date
    and who attends from both sides. The review cron schedules the next
    review of each type as a calendar event."""

    _name = "tma.review.type"
    _description = "TMA Review Type"
    _order = "contract_id, cadence_months, id"

    name = fields.Char(required=True, translate=True)
    contract_id = fields.Many2one(
        "tma.contract", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one(related="contract_id.partner_id", store=True)
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    kind = fields.Selection(REVIEW_KINDS, required=True, default="operational")
    cadence_months = fields.Integer(
        string="Cadence (months)",
        required=True,
        default=1,
        help="Months between two reviews; the review covers the months since "
        "the previous one.",
    )
    next_date = fields.Datetime(
        string="Next review",
        required=True,
        help="When the next review takes place; the cron schedules it and "
        "moves this date on by the cadence.",
    )
    duration_hours = fields.Float(string="Duration (hours)", default=1.5)
    location = fields.Char()
    provider_user_ids = fields.Many2many(
        "res.users", string="Provider attendees", domain=[("share", "=", False)]
    )
    client_partner_ids = fields.Many2many("res.partner", string="Client attendees")
    active = fields.Boolean(default=True)
    review_ids = fields.One2many("tma.review", "type_id", string="Reviews")

    @api.constrains("cadence_months")
    def _check_cadence(self):
        for review_type in self:
            if review_type.cadence_months <= 0:
                raise ValidationError(
                    _(
                        "The cadence of the review “%(name)s” must be at least "
                        "one month.",
                        name=review_type.name,
                    )
                )

    @api.onchange("kind")
    def _onchange_kind(self):
        self.cadence_months = REVIEW_DEFAULT_CADENCE.get(self.kind, 1)

    def _period_of(self, review_date):
        """(date_from, date_to) covered by a review held at ``review_date``:
        the ``cadence_months`` whole months before the review's month."""
        self.ensure_one()
        month_start = fields.Date.to_date(review_date).replace(day=1)
        return (
            month_start - relativedelta(months=self.cadence_months),
            month_start - relativedelta(days=1),
        )
