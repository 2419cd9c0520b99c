# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from .utils import replan_timers


class ResourceCalendarLeaves(models.Model):
    """Public holidays and closures move the deadlines of running timers."""

    _inherit = "resource.calendar.leaves"

    def _tma_replan_scope(self):
        """What these leaves move, as (calendars, companies): a leave of a
        calendar moves the deadlines of everyone on that calendar; a leave
        without calendar (a public holiday) those of its company's contracts,
        on whatever calendar (see ``tma.sla.engine._leave_domain``). A
        resource's own leave moves nothing."""
        leaves = self.filtered(lambda leave: not leave.resource_id)
        general = leaves.filtered(lambda leave: not leave.calendar_id)
        return leaves.calendar_id, general.company_id

    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        replan_timers(self.env, *leaves._tma_replan_scope())
        return leaves

    def write(self, vals):
        calendars, companies = self._tma_replan_scope()
        result = super().write(vals)
        after_calendars, after_companies = self._tma_replan_scope()
        replan_timers(
            self.env, calendars | after_calendars, companies | after_companies
        )
        return result

    def unlink(self):
        scope = self._tma_replan_scope()
        result = super().unlink()
        replan_timers(self.env, *scope)
        return result
