# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .utils import CRITICALITIES, METRICS


class TmaSlaPenaltyRule(models.Model):
    _name = "tma.sla.penalty.rule"
    _description = "TMA SLA Penalty Rule"
    _order = "contract_id, criticality, id"

    contract_id = fields.Many2one(
        "tma.contract", required=True, ondelete="cascade", index=True
    )
    currency_id = fields.Many2one(related="contract_id.currency_id")
    criticality = fields.Selection(
        CRITICALITIES, help="Leave empty for every criticality."
    )
    metric = fields.Selection(METRICS, help="Leave empty for every metric.")
    kind = fields.Selection(
        [
            ("breach", "Per breach"),
            ("hour", "Per started hour of delay"),
            ("availability", "Per started point of availability under target"),
        ],
        required=True,
        default="breach",
    )
    amount = fields.Monetary(required=True, currency_field="currency_id")

    @api.constrains("amount")
    def _check_amount(self):
        for rule in self:
            if rule.amount <= 0:
                raise ValidationError(_("A penalty amount must be positive."))

    def _matches(self, timer):
        self.ensure_one()
        if self.kind == "availability":
            return False
        return (not self.criticality or self.criticality == timer.criticality) and (
            not self.metric or self.metric == timer.metric
        )
