# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


def _replan_timers(env, calendars):
    """Re-plan the running timers counting on ``calendars`` (all of them when a
    leave without calendar, such as a public holiday, changes)."""
    if env.context.get("tma_sla_replan_later"):
        return  # the calendar's write re-plans once its lines are all written
    domain = [("status", "in", ("running", "breached")), ("reached_date", "=", False)]
    if calendars is not None:
        if not calendars:
            return
        domain.append(("calendar_id", "in", calendars.ids))
    else:
        domain.append(("calendar_id", "!=", False))
    env["tma.sla.timer"].sudo().search(domain)._plan()


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    def write(self, vals):
        # Replacing the working hours (delete all, then create) must not
        # re-plan in between, on a calendar without hours.
        result = super(
            ResourceCalendar, self.with_context(tma_sla_replan_later=True)
        ).write(vals)
        if {"attendance_ids", "tz", "two_weeks_calendar"}.intersection(vals):
            _replan_timers(self.env, self)
        return result


class ResourceCalendarAttendance(models.Model):
    _inherit = "resource.calendar.attendance"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        _replan_timers(self.env, records.calendar_id)
        return records

    def write(self, vals):
        calendars = self.calendar_id
        result = super().write(vals)
        _replan_timers(self.env, calendars | self.calendar_id)
        return result

    def unlink(self):
        calendars = self.calendar_id
        result = super().unlink()
        _replan_timers(self.env, calendars)
        return result


class ResourceCalendarLeaves(models.Model):
    """Public holidays and closures move the deadlines of running timers."""

    _inherit = "resource.calendar.leaves"

    def _tma_calendars(self):
        if self.filtered(lambda leave: not leave.resource_id and not leave.calendar_id):
            return None
        return self.filtered(lambda leave: not leave.resource_id).calendar_id

    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        _replan_timers(self.env, leaves._tma_calendars())
        return leaves

    def write(self, vals):
        before = self._tma_calendars()
        result = super().write(vals)
        after = self._tma_calendars()
        _replan_timers(
            self.env, None if before is None or after is None else before | after
        )
        return result

    def unlink(self):
        calendars = self._tma_calendars()
        result = super().unlink()
        _replan_timers(self.env, calendars)
        return result
