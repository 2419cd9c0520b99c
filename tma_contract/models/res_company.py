# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    tma_overage_product_id = fields.Many2one(
        "product.product",
        string="TMA overage product",
        domain=[("tma_product_type", "=", "overage")],
    )
    tma_regie_product_id = fields.Many2one(
        "product.product",
        string="TMA time and materials product",
        domain=[("tma_product_type", "=", "regie")],
    )
    tma_out_of_scope_product_id = fields.Many2one(
        "product.product",
        string="TMA out-of-scope product",
        domain=[("tma_product_type", "=", "out_of_scope")],
        help="Invoices the units of tickets outside a contract's scope that its "
        "policy bills.",
    )
