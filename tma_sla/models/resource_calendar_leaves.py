# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from .utils import replan_timers


class ResourceCalendarLeaves(models.Model):
    """Public holidays and closures move the deadlines of running timers."""

    _inherit = "resource.calendar.leaves"

    def _tma_calendars(self):
        """The calendars whose deadlines these leaves move: their own calendar,
        or for a leave without calendar (a public holiday) the calendars of
        its company (see ``tma.sla.engine._leave_domain``)."""
        leaves = self.filtered(lambda leave: not leave.resource_id)
        calendars = leaves.calendar_id
        general = leaves.filtered(lambda leave: not leave.calendar_id)
        if general:
            companies = general.mapped(lambda leave: leave.company_id.id)
            calendars |= (
                self.env["resource.calendar"]
                .sudo()
                .search([("company_id", "in", companies)])
            )
        return calendars

    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        replan_timers(self.env, leaves._tma_calendars())
        return leaves

    def write(self, vals):
        before = self._tma_calendars()
        result = super().write(vals)
        replan_timers(self.env, before | self._tma_calendars())
        return result

    def unlink(self):
        calendars = self._tma_calendars()
        result = super().unlink()
        replan_timers(self.env, calendars)
        return result
