# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .utils import TMA_PRODUCT_TYPES


class ProductTemplate(models.Model):
    _inherit = "product.template"

    tma_product_type = fields.Selection(
        TMA_PRODUCT_TYPES,
        string="TMA product",
        help="Unit pack: confirming a sale credits a book of units. Fixed fee "
        "and time and materials: confirming a sale creates the contract. "
        "Time and materials and overage units are invoiced on delivered "
        "quantities fed by the unit ledger.",
    )
    tma_units_per_pack = fields.Float(
        string="Units per pack", digits="TMA Units", default=1.0
    )
    tma_validity_months = fields.Integer(
        string="Validity (months)",
        help="Books bought with this product expire after this many months. "
        "Zero: no expiry.",
    )

    @api.constrains("tma_product_type", "tma_units_per_pack", "tma_validity_months")
    def _check_tma_pack(self):
        for template in self:
            if template.tma_product_type == "unit_pack" and (
                template.tma_units_per_pack <= 0
            ):
                raise ValidationError(
                    _("A unit pack must hold a positive number of units.")
                )
            if template.tma_validity_months < 0:
                raise ValidationError(_("A validity cannot be negative."))

    @api.onchange("tma_product_type")
    def _onchange_tma_product_type(self):
        if self.tma_product_type:
            self.type = "service"
            if self.tma_product_type in ("regie", "overage", "forfait", "out_of_scope"):
                self.invoice_policy = "delivery"
            else:
                self.invoice_policy = "order"
