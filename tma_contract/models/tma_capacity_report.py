# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Capacity across contracts, month by month: the units the contracts
estimate (the volume in force that month), the units consumed, and the
team's capacity from its members' working calendars.

Calendar figures cannot come from SQL, so the report is a table rebuilt by
``_refresh`` (a daily cron, and the menu before it opens), not an SQL view.
"""

from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .utils import later_on_conflict, sql_local_month

MONTHS_BACK = 6
MONTHS_AHEAD = 6
UNITS_PER_HOUR_PARAM = "tma_contract.capacity_units_per_hour"


class TmaCapacityReport(models.Model):
    _name = "tma.capacity.report"
    _description = "TMA Capacity"
    _order = "month desc, kind, id"
    _rec_name = "month"

    month = fields.Date(required=True, readonly=True, index=True)
    kind = fields.Selection(
        [("contract", "Contract"), ("team", "Team")], required=True, readonly=True
    )
    contract_id = fields.Many2one("tma.contract", readonly=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Client", readonly=True)
    team_id = fields.Many2one("helpdesk.ticket.team", readonly=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    estimated_units = fields.Float(string="Estimated units", readonly=True)
    consumed_units = fields.Float(string="Consumed units", readonly=True)
    capacity_units = fields.Float(
        string="Team capacity (units)",
        readonly=True,
        help="Working hours of the team's members in the month (their "
        "calendars, minus leaves) times the units per hour setting.",
    )

    @api.model
    def _units_per_hour(self):
        value = self.env["ir.config_parameter"].sudo().get_param(UNITS_PER_HOUR_PARAM)
        try:
            return float(value or 1.0)
        except ValueError:
            return 1.0

    @api.model
    def _refresh(self, today=None):
        """Rebuild the report over the last and next months. Serialised by a
        transaction-level advisory lock, so parallel refreshes do not
        duplicate rows."""
        today = today or fields.Date.context_today(self)
        self.env.cr.execute(
            SQL("SELECT pg_advisory_xact_lock(hashtext(%s))", self._name)
        )
        first = today.replace(day=1) - relativedelta(months=MONTHS_BACK)
        months = [
            first + relativedelta(months=i)
            for i in range(MONTHS_BACK + MONTHS_AHEAD + 1)
        ]
        end = months[-1] + relativedelta(months=1)
        self.sudo().search([]).unlink()
        vals_list = self._prepare_contract_rows(months, end)
        vals_list += self._prepare_team_rows(months)
        self.sudo().create(vals_list)
        return True

    @api.model
    def _prepare_contract_rows(self, months, end):
        Contract = self.env["tma.contract"].sudo()
        contracts = Contract.search(
            [
                ("state", "not in", ("draft", "cancelled")),
                ("date_start", "<", end),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", months[0]),
            ]
        )
        consumed = {}
        if contracts:
            # The months of each contract are those of its time zone.
            zones, starts, stops = [], [], []
            for contract in contracts:
                zones.append(contract._tma_tz().zone)
                bounds = contract._tma_period_bounds(months[0], end - timedelta(days=1))
                starts.append(bounds[0])
                stops.append(bounds[1])
            self.env["tma.unit.entry"].flush_model()
            self.env.cr.execute(
                SQL(
                    """SELECT e.contract_id, %s, SUM(e.consumed_units)
                         FROM tma_unit_entry e
                         JOIN unnest(%s::int[], %s::text[], %s::timestamp[],
                                     %s::timestamp[]) AS z(contract_id, tz, start, stop)
                           ON z.contract_id = e.contract_id
                        WHERE e.date >= z.start AND e.date < z.stop
                        GROUP BY 1, 2""",
                    sql_local_month(SQL("e.date"), SQL("z.tz")),
                    contracts.ids,
                    zones,
                    starts,
                    stops,
                )
            )
            consumed = {(c, m): u for c, m, u in self.env.cr.fetchall()}
        rows = []
        for contract in contracts:
            for month in months:
                month_end = month + relativedelta(months=1, days=-1)
                if contract.date_start > month_end or (
                    contract.date_end and contract.date_end < month
                ):
                    continue
                terms = contract._get_terms_at(max(month, contract.date_start))
                rows.append(
                    {
                        "month": month,
                        "kind": "contract",
                        "contract_id": contract.id,
                        "partner_id": contract.partner_id.id,
                        "company_id": contract.company_id.id,
                        "estimated_units": terms["monthly_volume"] or 0.0,
                        "consumed_units": consumed.get((contract.id, month), 0.0),
                    }
                )
        return rows

    @api.model
    def _prepare_team_rows(self, months):
        """One row per team and month: its members' working hours, one
        batched calendar call per month for every employee."""
        teams = self.env["helpdesk.ticket.team"].sudo().search([])
        employees = teams.user_ids.employee_ids
        rate = self._units_per_hour()
        rows = []
        if not employees:
            return rows
        for month in months:
            start = datetime.combine(month, time.min)
            stop = datetime.combine(month + relativedelta(months=1), time.min)
            hours = {
                emp_id: data["hours"]
                for emp_id, data in employees._get_work_days_data_batch(
                    start, stop
                ).items()
            }
            for team in teams:
                members = team.user_ids.employee_ids
                if not members:
                    continue
                rows.append(
                    {
                        "month": month,
                        "kind": "team",
                        "team_id": team.id,
                        "company_id": team.company_id.id,
                        "capacity_units": sum(hours.get(e.id, 0.0) for e in members)
                        * rate,
                    }
                )
        return rows

    @api.model
    @later_on_conflict("tma_contract.ir_cron_tma_capacity_refresh")
    def _cron_refresh(self):
        """Daily: rebuild the capacity report. Its rows refer to every
        contract: one another transaction wrote meanwhile (a consumption
        changes its balance) stops the rebuild with a concurrency error; it
        is then done a minute later."""
        return self._refresh()

    def action_open_report(self):
        """Rebuild the report, then open it (pivot first). TMA users only."""
        self.check_access("read")
        self._refresh()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "tma_contract.tma_capacity_report_action"
        )
