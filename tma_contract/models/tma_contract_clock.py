# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from pytz import UTC, UnknownTimeZoneError, timezone

from odoo import fields, models

from .utils import sql_local_month


class TmaContractClock(models.AbstractModel):
    """The contract's clock: its time zone, its today, its days and months.

    Every monthly figure of the suite (the cap of capped time and materials,
    the volume alert, the KPIs, the trends, the availability, the package's
    KPI sheet, the capacity report...) counts the contract's local calendar
    month through these methods, so a ticket opened at 00:30 on the 1st in
    the contract's time zone falls in the same month for all of them.
    Timestamps are stored in naive UTC; the methods give naive UTC bounds.
    ``tma.contract`` inherits it; an addon may override :meth:`_tma_tz`
    (tma_sla: the time zone of the SLA calendar).
    """

    _name = "tma.contract.clock"
    _description = "TMA contract clock"

    def _tma_tz(self):
        """Hook: the contract's time zone (a pytz time zone): the provider
        company's, else the user's, else UTC. Neither reads a row of its own
        (a posting's and a portal page's query counts are pinned): the
        company's is stored on the contract (``company_tz``), the user's
        comes from the context, else from the user's context Odoo caches."""
        self.ensure_one()
        name = (
            self.company_tz
            or self.env.context.get("tz")
            or self.env["res.users"].context_get().get("tz")
        )
        try:
            return timezone(name or "UTC")
        except UnknownTimeZoneError:
            return UTC

    def _tma_today(self):
        """Today in the contract's time zone (from ``fields.Datetime.now``,
        so a frozen clock applies)."""
        self.ensure_one()
        now = UTC.localize(fields.Datetime.now())
        return now.astimezone(self._tma_tz()).date()

    def _tma_period_bounds(self, date_from, date_to):
        """Naive UTC bounds [start, end) of the local days date_from..date_to."""
        self.ensure_one()
        tz = self._tma_tz()
        start = tz.localize(datetime.combine(date_from, time.min))
        end = tz.localize(datetime.combine(date_to + timedelta(days=1), time.min))
        return (
            start.astimezone(UTC).replace(tzinfo=None),
            end.astimezone(UTC).replace(tzinfo=None),
        )

    def _tma_month_bounds(self, day):
        """Naive UTC bounds [start, end) of the local calendar month holding
        the date ``day``."""
        first = day.replace(day=1)
        return self._tma_period_bounds(first, first + relativedelta(months=1, days=-1))

    def _tma_month_sql(self, column):
        """SQL of the first day (a date) of the contract's local month holding
        ``column``, an SQL naive UTC timestamp: what to group monthly
        figures by."""
        self.ensure_one()
        return sql_local_month(column, self._tma_tz().zone)
