# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.tools import SQL

from .utils import sql_selection


class TmaContract(models.Model):
    """The preventive maintenance plan of the contract and its indicators.
    (A file of its own: ``tma_contract.py`` holds enough concepts.)"""

    _inherit = "tma.contract"

    preventive_plan_ids = fields.One2many(
        "tma.preventive.plan", "contract_id", string="Preventive plan"
    )
    preventive_units_policy = fields.Selection(
        [
            ("included", "Included in the fixed fee"),
            ("consumed", "Consumed from the units"),
        ],
        string="Preventive units",
        compute="_compute_preventive_units_policy",
        store=True,
        readonly=False,
        help="Whether the units of preventive tickets are part of the fixed "
        "fee or recorded in the ledger like any other ticket.",
    )
    preventive_planned = fields.Integer(
        string="Preventive due", compute="_compute_preventive_kpis"
    )
    preventive_done = fields.Integer(compute="_compute_preventive_kpis")
    preventive_late = fields.Integer(compute="_compute_preventive_kpis")
    preventive_on_time_rate = fields.Float(
        string="Preventive on time (%)", compute="_compute_preventive_kpis"
    )

    @api.depends("mode")
    def _compute_preventive_units_policy(self):
        for contract in self:
            if not contract.preventive_units_policy:
                contract.preventive_units_policy = (
                    "included" if contract.mode == "forfait" else "consumed"
                )

    def _compute_preventive_kpis(self):
        figures = self._get_preventive_figures()
        for contract in self:
            planned, done, on_time, late = figures.get(contract.id, (0, 0, 0, 0))
            contract.preventive_planned = planned
            contract.preventive_done = done
            contract.preventive_late = late
            contract.preventive_on_time_rate = (
                round(100.0 * on_time / done, 1) if done else 0.0
            )

    def _get_preventive_figures(self, date_from=None, date_to=None):
        """``{contract id: (due, done, done on time, open late)}`` over the
        occurrences due from ``date_from`` to ``date_to`` (default: up to
        today), in one query."""
        today = fields.Date.context_today(self)
        date_to = min(date_to or today, today)
        self.env["tma.preventive.occurrence"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT contract_id, count(*),
                          count(*) FILTER (WHERE state = 'done'),
                          count(*) FILTER (WHERE state = 'done' AND on_time),
                          count(*) FILTER (WHERE state = 'open' AND due_date < %s)
                     FROM tma_preventive_occurrence
                    WHERE contract_id IN %s AND due_date <= %s
                      AND (%s::date IS NULL OR due_date >= %s::date)
                    GROUP BY contract_id""",
                today,
                tuple(self.ids) or (0,),
                date_to,
                date_from,
                date_from,
            )
        )
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    def _tma_export_sheets(self):
        """Add the preventive audits of the contract and the components of
        the applications it covers (the reversibility package's workbook)."""
        sheets = super()._tma_export_sheets()
        env = self.env
        sheets.append(
            (
                _("Preventive audits"),
                [
                    _("Due date"),
                    _("Plan"),
                    _("Kind of audit"),
                    _("Application"),
                    _("Status"),
                    _("Done on"),
                    _("Ticket"),
                ],
                SQL(
                    """SELECT o.due_date, p.name, %s, a.name, %s, o.date_done,
                              t.number
                         FROM tma_preventive_occurrence o
                         JOIN tma_preventive_plan p ON p.id = o.plan_id
                         JOIN tma_application a ON a.id = o.application_id
                    LEFT JOIN helpdesk_ticket t ON t.id = o.ticket_id
                        WHERE o.contract_id = %s
                        ORDER BY o.due_date, o.id""",
                    sql_selection(
                        env,
                        "tma.preventive.occurrence",
                        "audit_kind",
                        SQL("o.audit_kind"),
                    ),
                    sql_selection(
                        env, "tma.preventive.occurrence", "state", SQL("o.state")
                    ),
                    self.id,
                ),
            )
        )
        sheets.append(
            (
                _("Components"),
                [
                    _("Application"),
                    _("Environment"),
                    _("Software"),
                    _("Version"),
                    _("Vendor"),
                    _("End of support"),
                ],
                SQL(
                    """SELECT a.name, e.name, c.name, c.version, c.vendor,
                              c.end_of_support_date
                         FROM tma_application_component c
                         JOIN tma_application_environment e
                           ON e.id = c.environment_id
                         JOIN tma_application a ON a.id = c.application_id
                        WHERE c.active AND c.partner_id = %s
                          AND (NOT EXISTS (SELECT 1
                                 FROM tma_application_tma_contract_rel r
                                WHERE r.tma_contract_id = %s)
                               OR c.application_id IN (
                                   SELECT r.tma_application_id
                                     FROM tma_application_tma_contract_rel r
                                    WHERE r.tma_contract_id = %s))
                        ORDER BY a.name, e.name, c.name, c.id""",
                    self.partner_id.id,
                    self.id,
                    self.id,
                ),
            )
        )
        return sheets

    def _tma_export_kpi_rows(self, date_from, date_to):
        rows = super()._tma_export_kpi_rows(date_from, date_to)
        month = date_from.replace(day=1)
        while month <= date_to:
            end = month + relativedelta(months=1, days=-1)
            planned, done, on_time, _late = self._get_preventive_figures(
                month, end
            ).get(self.id, (0, 0, 0, 0))
            rows += [
                (month, _("Preventive audits due"), planned),
                (month, _("Preventive audits done"), done),
                (
                    month,
                    _("Preventive audits on time (%)"),
                    round(100.0 * on_time / done, 1) if done else 0.0,
                ),
            ]
            month += relativedelta(months=1)
        return rows

    def _get_preventive_calendar(self, horizon_months=12):
        """The contract's preventive calendar: ``(past, upcoming)`` where
        ``past`` are its occurrences (newest first) and ``upcoming`` a list
        of ``(plan, due date)`` not generated yet within ``horizon_months``."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        until = today + relativedelta(months=horizon_months)
        occurrences = self.env["tma.preventive.occurrence"].search(
            [("contract_id", "=", self.id)]
        )
        upcoming = sorted(
            (
                (day, plan)
                for plan in self.preventive_plan_ids
                for day in plan._get_upcoming_dates(until)
            ),
            key=lambda pair: (pair[0], pair[1].id),
        )
        return occurrences, [(plan, day) for day, plan in upcoming]

    def action_view_preventive_occurrences(self):
        self.ensure_one()
        return self._action_open(
            "tma_contract.tma_preventive_occurrence_action",
            [("contract_id", "=", self.id)],
        )
