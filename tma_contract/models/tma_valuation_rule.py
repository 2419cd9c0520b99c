# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .utils import COMPLEXITY


class TmaValuationRule(models.Model):
    """One cell of a contract's valuation grid: category x complexity -> units."""

    _name = "tma.valuation.rule"
    _description = "TMA Valuation Grid Rule"
    _order = "contract_id, category_id, complexity"

    contract_id = fields.Many2one(
        "tma.contract", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    category_id = fields.Many2one(
        "helpdesk.ticket.category",
        string="Ticket category",
        help="Leave empty for the rule that applies to any category.",
    )
    complexity = fields.Selection(COMPLEXITY, required=True, default="simple")
    units = fields.Float(digits="TMA Units", required=True)

    _sql_constraints = [
        (
            "rule_uniq",
            "unique(contract_id, category_id, complexity)",
            "The valuation grid already has a rule for this category and complexity.",
        )
    ]

    @api.constrains("units")
    def _check_units(self):
        for rule in self:
            if rule.units <= 0:
                raise ValidationError(
                    _("A valuation rule must be worth a positive number of units.")
                )
