# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from .utils import replan_timers


class ResourceCalendarAttendance(models.Model):
    _inherit = "resource.calendar.attendance"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        replan_timers(self.env, records.calendar_id)
        return records

    def write(self, vals):
        calendars = self.calendar_id
        result = super().write(vals)
        replan_timers(self.env, calendars | self.calendar_id)
        return result

    def unlink(self):
        calendars = self.calendar_id
        result = super().unlink()
        replan_timers(self.env, calendars)
        return result
