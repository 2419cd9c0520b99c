# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the service levels add to the contract's exports (the reversibility
package): the SLA timers sheet and the service-level indicators of each
month, through the hooks of tma_contract."""

from odoo import _, models
from odoo.tools import SQL

from odoo.addons.tma_contract.models.utils import sql_selection


class TmaContract(models.Model):
    _inherit = "tma.contract"  # pylint: disable=consider-merging-classes-inherited

    def _tma_export_sheets(self):
        """Add the SLA timers of the contract's tickets (those the client
        sees: archived tickets stay out)."""
        sheets = super()._tma_export_sheets()
        env = self.env
        sheets.append(
            (
                _("SLA timers"),
                [
                    _("Ticket"),
                    _("Commitment"),
                    _("Criticality"),
                    _("Status"),
                    _("Deadline"),
                    _("Reached"),
                    _("Business minutes"),
                ],
                SQL(
                    """SELECT t.number, %s, %s, %s,
                              COALESCE(s.breach_date, s.deadline), s.reached_date,
                              s.elapsed_minutes
                         FROM tma_sla_timer s
                         JOIN helpdesk_ticket t ON t.id = s.ticket_id
                        WHERE s.contract_id = %s AND t.active
                        ORDER BY s.id""",
                    sql_selection(env, "tma.sla.timer", "metric", SQL("s.metric")),
                    sql_selection(
                        env, "tma.sla.timer", "criticality", SQL("s.criticality")
                    ),
                    sql_selection(env, "tma.sla.timer", "status", SQL("s.status")),
                    self.id,
                ),
            )
        )
        return sheets

    def _tma_export_kpi_rows(self, date_from, date_to):
        """Add the service-level indicators of each month to the contract's
        exported indicators (the KPI sheet of the reversibility package):
        the month's KPIs of each month, from one figures query."""
        rows = super()._tma_export_kpi_rows(date_from, date_to)
        metrics = dict(
            self.env["tma.sla.timer"]._fields["metric"]._description_selection(self.env)
        )
        months = self._tma_figures(date_from, date_to, group_by_month=True)[self.id]
        for month, figures in months.items():
            kpis = self._tma_sla_kpis_of(figures)
            rows += [
                (month, _("Backlog at the end of the month"), kpis["backlog"]),
                (month, _("Closure rate (%)"), kpis["closure_rate"]),
                (month, _("First-contact resolution (%)"), kpis["first_contact_rate"]),
                (month, _("Commitments met"), kpis["met"]),
                (month, _("Commitments breached"), kpis["breached"]),
                (month, _("SLA compliance (%)"), kpis["compliance_rate"]),
                (month, _("Recurring incidents"), kpis["recurring"]),
            ]
            rows += [
                (
                    month,
                    # self.env._: in a comprehension, _() finds no language
                    self.env._(
                        "%(metric)s: mean (business hours)", metric=metrics[metric]
                    ),
                    durations["mean_hours"],
                )
                for metric, durations in kpis["durations"].items()
            ]
            if kpis["satisfaction"] is not None:
                rows.append(
                    (month, _("Customer satisfaction (out of 5)"), kpis["satisfaction"])
                )
            if kpis["satisfaction_rate"] is not None:
                rows.append(
                    (month, _("Satisfied clients (%)"), kpis["satisfaction_rate"])
                )
            if kpis["response_rate"] is not None:
                rows.append(
                    (month, _("Rating response rate (%)"), kpis["response_rate"])
                )
            rows += [
                (month, label, value)
                for label, value, _definition in self._tma_evolution_kpi_rows(kpis)
            ]
        return rows
