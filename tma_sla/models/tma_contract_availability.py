# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import _, fields, models


class TmaContract(models.Model):
    """The availability commitments of the contract and their monthly
    figures. (A file of its own beside ``tma_contract.py``: availability is
    one concept.)"""

    _inherit = "tma.contract"  # pylint: disable=consider-merging-classes-inherited

    availability_target_ids = fields.One2many(
        "tma.sla.availability.target", "contract_id", string="Availability"
    )

    def _tma_export_kpi_rows(self, date_from, date_to):
        """Add each availability commitment's availability of each month (up
        to now): one engine batch a month for all the commitments."""
        rows = super()._tma_export_kpi_rows(date_from, date_to)
        commitments = self.availability_target_ids
        if not commitments:
            return rows
        now = fields.Datetime.now()
        month = date_from.replace(day=1)
        while month <= date_to:
            start, end = self._tma_period_bounds(
                month, month + relativedelta(months=1, days=-1)
            )
            if start >= now:
                break
            figures = commitments._get_availability(start, min(end, now))
            rows += [
                (
                    month,
                    _(
                        "Availability of %(application)s, %(environment)s (%%)",
                        application=commitment.environment_id.application_id.name,
                        environment=commitment.environment_id.name,
                    ),
                    figures[commitment.id]["availability"],
                )
                for commitment in commitments
            ]
            month += relativedelta(months=1)
        return rows
