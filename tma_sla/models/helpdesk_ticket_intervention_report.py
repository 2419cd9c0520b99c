# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models

from .utils import REPORTED_MAINTENANCE


class HelpdeskTicket(models.Model):
    """The intervention report of a closed corrective or evolutive ticket."""

    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Intervention reports
    # ------------------------------------------------------------------
    tma_intervention_report_ids = fields.One2many(
        "tma.intervention.report", "ticket_id", string="Intervention reports"
    )

    def _tma_on_close(self, already_closed):
        """Closing a corrective or evolutive ticket asks for its intervention
        report (once per closing: not when it only changes closing stage)."""
        result = super()._tma_on_close(already_closed)
        (self - already_closed)._tma_ask_intervention_report()
        return result

    def _tma_ask_intervention_report(self):
        """Draft the intervention report of closed corrective and evolutive
        tickets of a contract, and ask their assignee to write it (one
        activity). A reopened and closed again ticket keeps its report."""
        tickets = self.filtered(
            lambda t: (
                t.tma_contract_id
                and t.tma_maintenance_type_id.code in REPORTED_MAINTENANCE
                and not t.tma_intervention_report_ids
            )
        )
        if not tickets:
            return self.env["tma.intervention.report"]
        reports = (
            self.env["tma.intervention.report"]
            .sudo()
            .create(
                [
                    {
                        "ticket_id": ticket.id,
                        "environment_id": ticket.tma_environment_id.id,
                    }
                    for ticket in tickets
                ]
            )
        )
        for report in reports:
            ticket = report.ticket_id
            report.activity_schedule(
                "tma_sla.mail_activity_tma_intervention_report",
                date_deadline=fields.Date.context_today(self),
                summary=_("Intervention report of %(ticket)s", ticket=ticket.number),
                user_id=(
                    ticket.user_id or ticket.tma_contract_id.user_id or self.env.user
                ).id,
            )
        return reports

    def action_tma_intervention_report(self):
        """Open the ticket's intervention report (drafted if needed)."""
        self.ensure_one()
        report = self.tma_intervention_report_ids[:1]
        if not report:
            report = self.env["tma.intervention.report"].create(
                {
                    "ticket_id": self.id,
                    "environment_id": self.tma_environment_id.id,
                }
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": report._name,
            "res_id": report.id,
            "view_mode": "form",
        }
