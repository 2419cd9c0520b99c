# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    tma_contract_ids = fields.One2many(
        "tma.contract", "partner_id", string="TMA contracts"
    )
    tma_contract_count = fields.Integer(compute="_compute_tma_contract_count")

    def _compute_tma_contract_count(self):
        groups = self.env["tma.contract"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)],
            ["partner_id"],
            ["__count"],
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.tma_contract_count = counts.get(partner.commercial_partner_id.id, 0)

    def action_view_tma_contracts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "tma_contract.tma_contract_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
