# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    tma_penalty_product_id = fields.Many2one(
        "product.product",
        string="SLA penalty product",
        domain=[("type", "=", "service")],
        help="Product of the credit note lines that carry service-level penalties.",
    )
