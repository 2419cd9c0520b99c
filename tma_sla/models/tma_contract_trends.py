# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Trends of a contract over its last periods (the service report's charts
and the backend dashboard): each figure of every month is computed by one
grouped query over the whole window, never by one query per month."""

from dateutil.relativedelta import relativedelta

from odoo import models
from odoo.tools import SQL

TREND_MONTHS = 12


class TmaContract(models.Model):
    _inherit = "tma.contract"

    def _tma_sla_trends(self, date_to, months=TREND_MONTHS):
        """{"months": ["2026-01", ...], series: [value per month]} for the
        ``months`` calendar months ending with the one of ``date_to``:
        tickets opened and closed, compliance %, mean and 90th percentile
        resolution time (business hours), average rating, units consumed
        and estimated. Months are those of the contract's time zone. Six
        queries whatever the number of months."""
        self.ensure_one()
        last = date_to.replace(day=1)
        first = last - relativedelta(months=months - 1)
        labels = [
            (first + relativedelta(months=i)).strftime("%Y-%m") for i in range(months)
        ]
        start, end = self._tma_period_bounds(
            first, last + relativedelta(months=1, days=-1)
        )
        tz = self._tma_sla_tz().zone

        def month_of(column):
            return SQL(
                "to_char(date_trunc('month', (%s AT TIME ZONE 'UTC') "
                "AT TIME ZONE %s), 'YYYY-MM')",
                column,
                tz,
            )

        self.env.flush_all()
        cr = self.env.cr

        def grouped(query):
            cr.execute(query)
            return {row[0]: row[1:] for row in cr.fetchall()}

        opened = grouped(
            SQL(
                """SELECT %s, count(*) FROM helpdesk_ticket t
                    WHERE t.tma_contract_id = %s AND t.active
                      AND t.create_date >= %s AND t.create_date < %s
                    GROUP BY 1""",
                month_of(SQL("t.create_date")),
                self.id,
                start,
                end,
            )
        )
        closed = grouped(
            SQL(
                """SELECT %s, count(*) FROM helpdesk_ticket t
                    WHERE t.tma_contract_id = %s AND t.active
                      AND t.closed_date >= %s AND t.closed_date < %s
                    GROUP BY 1""",
                month_of(SQL("t.closed_date")),
                self.id,
                start,
                end,
            )
        )
        compliance = grouped(
            SQL(
                """SELECT %s, count(*) FILTER (WHERE status = 'met'),
                          count(*) FILTER (WHERE status = 'breached')
                     FROM tma_sla_timer
                    WHERE contract_id = %s AND status IN ('met', 'breached')
                      AND COALESCE(breach_date, reached_date) >= %s
                      AND COALESCE(breach_date, reached_date) < %s
                    GROUP BY 1""",
                month_of(SQL("COALESCE(breach_date, reached_date)")),
                self.id,
                start,
                end,
            )
        )
        resolution = grouped(
            SQL(
                """SELECT %s, avg(elapsed_minutes),
                          percentile_cont(0.9) WITHIN GROUP (ORDER BY elapsed_minutes)
                     FROM tma_sla_timer
                    WHERE contract_id = %s AND metric = 'resolution'
                      AND reached_date >= %s AND reached_date < %s
                    GROUP BY 1""",
                month_of(SQL("reached_date")),
                self.id,
                start,
                end,
            )
        )
        ratings = grouped(
            SQL(
                """SELECT %s, avg(r.rating) FROM rating_rating r
                     JOIN helpdesk_ticket t ON t.id = r.res_id
                    WHERE r.res_model = 'helpdesk.ticket' AND r.consumed
                      AND r.rating > 0 AND t.tma_contract_id = %s
                      AND r.write_date >= %s AND r.write_date < %s
                    GROUP BY 1""",
                month_of(SQL("r.write_date")),
                self.id,
                start,
                end,
            )
        )
        units = grouped(
            SQL(
                """SELECT %s, COALESCE(sum(consumed_units), 0) FROM tma_unit_entry
                    WHERE contract_id = %s AND date >= %s AND date < %s
                      AND scope != 'billed'
                    GROUP BY 1""",
                month_of(SQL("date")),
                self.id,
                start,
                end,
            )
        )
        estimate = round(self._get_monthly_volume_units(), 2)

        def rate(month):
            met, breached = compliance.get(month, (0, 0))
            return round(100.0 * met / (met + breached), 1) if met + breached else None

        def hours(month, index):
            value = resolution.get(month, (None, None))[index]
            return round(value / 60, 2) if value is not None else None

        return {
            "months": labels,
            "opened": [opened.get(m, (0,))[0] for m in labels],
            "closed": [closed.get(m, (0,))[0] for m in labels],
            "compliance": [rate(m) for m in labels],
            "resolution_mean": [hours(m, 0) for m in labels],
            "resolution_p90": [hours(m, 1) for m in labels],
            "satisfaction": [
                round(ratings[m][0], 2) if m in ratings else None for m in labels
            ],
            "units_consumed": [round(units.get(m, (0.0,))[0], 2) for m in labels],
            "units_estimate": [estimate for _m in labels],
        }
