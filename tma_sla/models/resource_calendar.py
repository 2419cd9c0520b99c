# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from .utils import replan_timers


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    def write(self, vals):
        if not {
            "attendance_ids",
            "tz",
            "two_weeks_calendar",
            "company_id",
        }.intersection(vals):
            return super().write(vals)
        # The attendances change one by one inside this write (a form that
        # replaces them all, a module update reloading the calendar): re-plan
        # once, on the calendar as it ends up, not on the states in between
        # (an empty calendar half-way would refuse to plan anything).
        result = super(
            ResourceCalendar, self.with_context(tma_sla_replan_later=True)
        ).write(vals)
        replan_timers(self.env, self)
        return result
