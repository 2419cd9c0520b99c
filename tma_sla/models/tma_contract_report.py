# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The contract's service reports: the monthly report built by the cron or
on demand, and the trends of the last 12 months on the contract's form."""

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import _, fields, models
from odoo.exceptions import UserError


class TmaContract(models.Model):
    _inherit = "tma.contract"  # pylint: disable=consider-merging-classes-inherited

    sla_report_ids = fields.One2many(
        "tma.sla.service.report", "contract_id", string="Service reports"
    )
    sla_trend_html = fields.Html(
        string="Trends",
        compute="_compute_sla_trend_html",
        sanitize=False,
        help="The last 12 months of the contract, as in its service reports.",
    )

    def _compute_sla_trend_html(self):
        """The contract's dashboard: the trend charts of the last 12 months
        (one figures query per contract, computed when the tab is shown)."""
        Report = self.env["tma.sla.service.report"]
        for contract in self:
            if not contract.id or not contract.sla_policy_id:
                contract.sla_trend_html = False
                continue
            charts = Report._trend_charts_of(
                contract._tma_sla_trends(contract._tma_today())
            )
            contract.sla_trend_html = Markup("").join(
                Markup('<div class="mb-3">%s</div>') % chart for chart in charts
            )

    def _tma_sla_build_monthly_report(self):
        """Build the monthly service report of the contracts for the month in
        the context's ``tma_sla_month_start`` (the monthly cron's batch)."""
        Report = self.env["tma.sla.service.report"]
        for contract in self:
            Report._generate_for(contract, self.env.context["tma_sla_month_start"])

    def action_tma_sla_report_last_month(self):
        """Build (or rebuild) last month's service report and open it."""
        self.ensure_one()
        if not self.sla_policy_id:
            raise UserError(
                _(
                    "Contract %(contract)s has no SLA policy: there is nothing "
                    "to report.",
                    contract=self.display_name,
                )
            )
        first = self._tma_today().replace(day=1)
        report = self.env["tma.sla.service.report"]._generate_for(
            self, first - relativedelta(months=1)
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "tma.sla.service.report",
            "res_id": report.id,
            "view_mode": "form",
        }
