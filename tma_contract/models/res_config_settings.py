# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    tma_overage_product_id = fields.Many2one(
        related="company_id.tma_overage_product_id", readonly=False
    )
    tma_out_of_scope_product_id = fields.Many2one(
        related="company_id.tma_out_of_scope_product_id", readonly=False
    )
    tma_regie_product_id = fields.Many2one(
        related="company_id.tma_regie_product_id", readonly=False
    )
