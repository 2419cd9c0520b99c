# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class TmaContractTerminate(models.TransientModel):
    _name = "tma.contract.terminate"
    _description = "Terminate a TMA contract"

    contract_id = fields.Many2one("tma.contract", required=True)
    reason = fields.Text(required=True)
    notice_date = fields.Date(
        string="Notice given on", required=True, default=fields.Date.context_today
    )
    termination_date = fields.Date(
        string="Effective date",
        compute="_compute_termination_date",
        store=True,
        readonly=False,
        required=True,
    )

    @api.depends("notice_date", "contract_id")
    def _compute_termination_date(self):
        for wizard in self:
            if wizard.notice_date and wizard.contract_id:
                wizard.termination_date = (
                    wizard.contract_id._get_earliest_termination_date(
                        wizard.notice_date
                    )
                )

    def action_confirm(self):
        self.ensure_one()
        self.contract_id._terminate(
            self.reason, self.notice_date, self.termination_date
        )
        return {"type": "ir.actions.act_window_close"}
