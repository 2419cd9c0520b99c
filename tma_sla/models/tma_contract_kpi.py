# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The contract's service-level figures, defined once.

One query (:meth:`TmaContract._tma_figures`, its parts in ``figures.py``)
counts every figure of the service report for periods of contracts: the
month's KPIs (the report, the review's agenda, the package's KPI sheet, the
contract's form) take one period of it, the trends take twelve months."""

from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.tools import SQL

from .figures import (
    FIGURE_PARTS,
    TREND_PARTS,
    add_figure_row,
    empty_figures,
    figure_select,
    percent,
)
from .utils import CRITICALITIES, METRICS, TREND_MONTHS, month_count, month_periods


class TmaContract(models.Model):
    _inherit = "tma.contract"  # pylint: disable=consider-merging-classes-inherited

    sla_month_compliance = fields.Float(
        string="Compliance this month (%)", compute="_compute_sla_month"
    )
    sla_month_breaches = fields.Integer(
        string="Breaches this month", compute="_compute_sla_month"
    )

    def _compute_sla_month(self):
        """The commitments of the contracts' current month (their time
        zone's): one figures query per month, for all the contracts."""
        contracts = self.filtered(lambda c: c.sla_policy_id and c.id)
        (self - contracts).update(
            {"sla_month_compliance": 0.0, "sla_month_breaches": 0}
        )
        months = contracts.grouped(lambda c: c._tma_today().replace(day=1))
        for month, group in months.items():
            figures = group._tma_figures(
                month, month + relativedelta(months=1, days=-1), parts=("compliance",)
            )
            for contract in group:
                kpis = self._tma_compliance_of(figures[contract.id][month])
                contract.sla_month_compliance = kpis["compliance"]
                contract.sla_month_breaches = kpis["breached"]

    # ------------------------------------------------------------------
    # The figures query
    # ------------------------------------------------------------------
    def _tma_figures(self, date_from, date_to, group_by_month=False, parts=None):
        """The service-level figures of the contracts over the local days
        ``date_from``..``date_to``, in one query, whatever the number of
        contracts and months.

        Return ``{contract id: {period: figures}}``: one period starting on
        ``date_from``, or with ``group_by_month`` one a calendar month
        (keyed by its first day, its days clipped to the range). Each
        ``figures`` holds ``date_from``, ``date_to``, ``units_estimate`` and
        the named values of the ``parts`` asked (all of ``FIGURE_PARTS`` by
        default): the unkeyed ones as they are (0 or None without rows),
        the keyed ones as ``{key: values}``: ``durations`` by metric,
        ``compliance`` by (metric, criticality), ``escalations`` by level.

        The query joins each figure's rows to the contract's range of
        naive UTC timestamps (its local days, ``_tma_period_bounds``) and
        counts what happened in the contract's local month of its moment
        (as ``_tma_month_sql``), once whatever the number of months; what
        stands at a period's end (the backlog, the open actions) is counted
        against each period's bounds."""
        names = parts or tuple(FIGURE_PARTS)
        result = {}
        windows, bounds = [], []
        for contract in self.filtered("id"):
            if group_by_month:
                periods = month_periods(date_from, date_to)
            else:
                periods = [(date_from, date_from, date_to)]
            # Read only for the parts that need them (a page that shows the
            # month's compliance reads no more than before).
            policy = contract.sla_policy_id
            window = policy.recurrence_days if "recurring" in names else 0
            estimate = contract._get_monthly_volume_units() if "units" in names else 0.0
            windows.append(
                SQL(
                    "(%s, %s, %s, %s, %s, %s)",
                    contract.id,
                    date_from,
                    *contract._tma_period_bounds(date_from, date_to),
                    contract._tma_tz().zone,
                    window or 30,
                )
            )
            result[contract.id] = {}
            for period, first, last in periods:
                bounds.append(
                    SQL(
                        "(%s, %s, %s, %s, %s, %s)",
                        contract.id,
                        period,
                        first,
                        last,
                        *contract._tma_period_bounds(first, last),
                    )
                )
                result[contract.id][period] = empty_figures(
                    first, last, round(estimate * month_count(first, last), 2)
                )
        if not bounds:
            return result
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """WITH period_windows (contract_id, period_key, start_at, end_at,
                                        tz, recurrence_days)
                        AS (VALUES %s),
                        period_bounds (contract_id, period_key, date_from,
                                       date_to, start_at, end_at)
                        AS (VALUES %s)
                   %s""",
                SQL(", ").join(windows),
                SQL(", ").join(bounds),
                SQL(" UNION ALL ").join(
                    figure_select(name, FIGURE_PARTS[name], group_by_month)
                    for name in names
                ),
            )
        )
        for contract_id, period, name, *row in self.env.cr.fetchall():
            add_figure_row(result[contract_id][period], name, row)
        return result

    # ------------------------------------------------------------------
    # The month's KPIs and the trends, from the figures
    # ------------------------------------------------------------------
    def _tma_sla_kpis(self, date_from, date_to):
        """Every figure of the service report of the period (a month or a
        quarter): one figures query."""
        self.ensure_one()
        figures = self._tma_figures(date_from, date_to)[self.id][date_from]
        return self._tma_sla_kpis_of(figures)

    @staticmethod
    def _tma_compliance_of(figures):
        """Met and breached commitments of a period's ``figures``, and the
        compliance (%) they make (100 without any commitment)."""
        lines = figures["compliance"].values()
        met = sum(line["met"] for line in lines)
        breached = sum(line["breached"] for line in lines)
        return {
            "met": met,
            "breached": breached,
            "compliance": percent(met, met + breached, 100.0),
        }

    def _tma_sla_kpis_of(self, figures):
        """The KPIs of the service report from one period's ``figures`` (of
        ``_tma_figures``): tickets, durations and compliance of the
        commitments, escalations, recurring incidents, units, satisfaction
        (ratings of the contract's tickets: average, share of ratings at 4
        or more, requests answered), the improvement actions and the
        evolutive work (estimate accuracy, time to estimate in calendar
        days, acceptance at first delivery, units under warranty; None
        where the period has nothing to measure)."""
        self.ensure_one()
        f = figures
        durations = {}
        for metric, _label in METRICS:
            values = f["durations"].get(metric, {"count": 0, "mean": 0, "p90": 0})
            durations[metric] = {
                "count": values["count"],
                "mean_hours": round((values["mean"] or 0) / 60, 2),
                "p90_hours": round((values["p90"] or 0) / 60, 2),
            }
        compliance = []
        for metric, _label in METRICS:
            for criticality, _clabel in CRITICALITIES:
                line = f["compliance"].get((metric, criticality))
                if line and line["met"] + line["breached"]:
                    compliance.append(
                        {
                            "metric": metric,
                            "criticality": criticality,
                            "met": line["met"],
                            "breached": line["breached"],
                            "rate": percent(
                                line["met"], line["met"] + line["breached"], 0.0
                            ),
                        }
                    )
        overall = self._tma_compliance_of(f)
        escalations = sorted(
            f["escalations"].items(),
            key=lambda item: (item[1]["sequence"] is None, item[1]["sequence"] or 0),
        )
        rated = f["rated"]
        accepted = f["evolutions_accepted"]
        return {
            "contract": self.display_name,
            "date_from": fields.Date.to_string(f["date_from"]),
            "date_to": fields.Date.to_string(f["date_to"]),
            "opened": f["opened"],
            "closed": f["closed"],
            "backlog": f["backlog"],
            "closure_rate": percent(f["closed"], f["opened"], 0.0),
            "first_contact_rate": percent(f["first_contact"], f["closed"], 0.0),
            "durations": durations,
            "compliance": compliance,
            "met": overall["met"],
            "breached": overall["breached"],
            "compliance_rate": overall["compliance"],
            "escalations": [
                {"level": code, "count": values["count"]}
                for code, values in escalations
            ],
            "recurring": f["recurring"],
            "units_consumed": round(f["units_consumed"] or 0.0, 2),
            "units_estimate": f["units_estimate"],
            "units_warranty": round(f["units_warranty"] or 0.0, 2),
            "evolutions_accepted": accepted,
            "estimate_accuracy": percent(
                f["units_accepted"] or 0.0, f["units_estimated"] or 0.0, None
            )
            if accepted
            else None,
            "first_delivery_rate": percent(
                f["evolutions_first_delivery"], accepted, None
            ),
            "estimates_sent": f["estimates_sent"],
            "estimate_days": round(f["estimate_days"], 1)
            if f["estimates_sent"]
            else None,
            "satisfaction": round(f["rating_average"], 2) if rated else None,
            "ratings": rated,
            "satisfaction_rate": percent(f["satisfied"], rated, None),
            "rating_requests": f["rating_requests"],
            "rating_answers": f["rating_answers"],
            "response_rate": percent(f["rating_answers"], f["rating_requests"], None),
            "actions": {
                "open": f["actions_open"],
                "overdue": f["actions_overdue"],
                "done": f["actions_done"],
            },
        }

    def _tma_evolution_kpi_rows(self, kpis):
        """(label, value, definition) of the evolutive work's figures in
        ``kpis`` (of ``_tma_sla_kpis_of``) that the period measures: the
        service report's rows and the package's indicators."""
        _ = self.env._
        rows = []
        if kpis.get("estimate_accuracy") is not None:
            rows.append(
                (
                    _("Estimate accuracy (%)"),
                    kpis["estimate_accuracy"],
                    _(
                        "Units consumed at the acceptance of the evolutions "
                        "accepted in the period per 100 units of the first "
                        "estimate the client approved for them."
                    ),
                )
            )
        if kpis.get("first_delivery_rate") is not None:
            rows.append(
                (
                    _("Acceptance at first delivery (%)"),
                    kpis["first_delivery_rate"],
                    _(
                        "Evolutions accepted in the period that the client "
                        "accepted without rejecting any of their deliveries, "
                        "per 100 evolutions accepted in the period."
                    ),
                )
            )
        if kpis.get("estimate_days") is not None:
            rows.append(
                (
                    _("Mean time to estimate (calendar days)"),
                    kpis["estimate_days"],
                    _(
                        "Calendar days from the creation of an evolutive "
                        "ticket to its first estimate sent to the client, for "
                        "the estimates sent in the period."
                    ),
                )
            )
        if kpis.get("units_warranty"):
            rows.append(
                (
                    _("Units under warranty"),
                    kpis["units_warranty"],
                    _(
                        "What the defects of delivered evolutions fixed under "
                        "warranty in the period were worth: recorded on the "
                        "ledger, not charged to the client."
                    ),
                )
            )
        return rows

    def _tma_sla_trends(self, date_to, months=TREND_MONTHS):
        """{"months": ["2026-01", ...], series: [value per month]} for the
        ``months`` calendar months ending with the one of ``date_to``: the
        KPIs of each month (``_tma_sla_kpis_of``) that the charts draw:
        tickets opened and closed, compliance %, mean and 90th percentile
        resolution time (business hours), average rating, units consumed
        and estimated; None where a month has nothing to measure. Months
        are those of the contract's time zone. One query whatever the
        number of months."""
        self.ensure_one()
        last = date_to.replace(day=1)
        first = last - relativedelta(months=months - 1)
        figures = self._tma_figures(
            first,
            last + relativedelta(months=1, days=-1),
            group_by_month=True,
            parts=TREND_PARTS,
        )[self.id]
        kpis = [self._tma_sla_kpis_of(period) for period in figures.values()]

        def resolution(k, key):
            figures = k["durations"]["resolution"]
            return figures[key] if figures["count"] else None

        return {
            "months": [month.strftime("%Y-%m") for month in figures],
            "opened": [k["opened"] for k in kpis],
            "closed": [k["closed"] for k in kpis],
            "compliance": [
                k["compliance_rate"] if k["met"] + k["breached"] else None for k in kpis
            ],
            "resolution_mean": [resolution(k, "mean_hours") for k in kpis],
            "resolution_p90": [resolution(k, "p90_hours") for k in kpis],
            "satisfaction": [k["satisfaction"] for k in kpis],
            "units_consumed": [k["units_consumed"] for k in kpis],
            "units_estimate": [k["units_estimate"] for k in kpis],
        }
