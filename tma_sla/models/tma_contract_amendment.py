# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class TmaContractAmendment(models.Model):
    """An amendment may also change the contract's SLA policy."""

    _inherit = "tma.contract.amendment"

    change_sla = fields.Boolean(string="Change the SLA policy")
    sla_policy_id = fields.Many2one("tma.sla.policy", string="SLA policy")

    @api.model
    def _get_amendment_terms(self):
        terms = super()._get_amendment_terms()
        terms["sla"] = ("change_sla", ("sla_policy_id",))
        return terms

    @api.depends(
        "change_scope", "change_volume", "change_price", "change_dates", "change_sla"
    )
    def _compute_terms_summary(self):
        return super()._compute_terms_summary()

    @api.constrains("change_sla", "sla_policy_id")
    def _check_sla_terms(self):
        self._check_terms()
