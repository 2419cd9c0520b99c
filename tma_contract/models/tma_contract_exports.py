# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the contract gives to the exports (the reversibility package's
workbook): the hooks through which each addon adds its sheets and its
monthly indicators."""

from dateutil.relativedelta import relativedelta

from odoo import _, models
from odoo.tools import SQL


class TmaContract(models.Model):
    """The contract's export hooks. (A file of its own: ``tma_contract.py``
    holds enough concepts.)"""

    _inherit = "tma.contract"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Exports
    # ------------------------------------------------------------------
    def _tma_export_sheets(self):
        """Hook: the sheets an addon adds to the contract's exports (the
        workbook of the reversibility package), in the language of the
        environment.

        Return a list of ``(title, header, rows)``: ``header`` a list of
        column titles, ``rows`` either an ``odoo.tools.SQL`` query (streamed
        through a server-side cursor, so memory stays flat whatever the
        contract's size) or a callable returning an iterator of tuples. The
        rows hold what the client may see in its portal, nothing internal.
        An addon calls super and extends the list with its own sheets, built
        from its own tables (``utils.sql_selection`` and
        ``utils.sql_translated`` give labels in the language of the
        environment).
        """
        self.ensure_one()
        return []

    def _tma_export_kpi_rows(self, date_from, date_to):
        """Hook: the contract's indicators per month, for the exports that
        list them (the KPI sheet of the reversibility package).

        Return a list of ``(month, indicator, value)``, ``month`` being the
        first day of a month from ``date_from`` to ``date_to`` and
        ``indicator`` a label in the language of the environment. An addon
        adds its own indicators: call super and extend the list (tma_sla adds
        its service-level figures). This one gives what tma_contract records:
        tickets opened and closed, units consumed; one query for the whole
        period, whatever its length.
        """
        self.ensure_one()
        first = date_from.replace(day=1)
        # Local months of the contract: a ticket opened at 00:30 on the 1st
        # in its time zone counts in the new month.
        start, end = self._tma_period_bounds(first, date_to)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT %(month_created)s, 'opened', count(*)
                     FROM helpdesk_ticket
                    WHERE tma_contract_id = %(c)s AND active
                      AND create_date >= %(s)s AND create_date < %(e)s
                    GROUP BY 1
                    UNION ALL
                   SELECT %(month_closed)s, 'closed', count(*)
                     FROM helpdesk_ticket
                    WHERE tma_contract_id = %(c)s AND active
                      AND closed_date >= %(s)s AND closed_date < %(e)s
                    GROUP BY 1
                    UNION ALL
                   SELECT %(month_consumed)s, 'units', sum(consumed_units)
                     FROM tma_unit_entry
                    WHERE contract_id = %(c)s AND date >= %(s)s AND date < %(e)s
                    GROUP BY 1""",
                month_created=self._tma_month_sql(SQL("create_date")),
                month_closed=self._tma_month_sql(SQL("closed_date")),
                month_consumed=self._tma_month_sql(SQL("date")),
                c=self.id,
                s=start,
                e=end,
            )
        )
        values = {(month, kind): value for month, kind, value in self.env.cr.fetchall()}
        indicators = [
            ("opened", _("Tickets opened")),
            ("closed", _("Tickets closed")),
            ("units", _("Units consumed")),
        ]
        rows = []
        month = first
        while month <= date_to:
            rows += [
                (month, label, values.get((month, kind), 0))
                for kind, label in indicators
            ]
            month += relativedelta(months=1)
        return rows
