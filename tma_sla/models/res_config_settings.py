# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    tma_penalty_product_id = fields.Many2one(
        related="company_id.tma_penalty_product_id", readonly=False
    )
