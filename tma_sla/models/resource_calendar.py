# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


def _replan_timers(env, calendars):
    """Re-plan the running timers counting on ``calendars``."""
    if env.context.get("tma_sla_replan_later") or not calendars:
        return
    env["tma.sla.timer"].sudo().search(
        [
            ("status", "in", ("running", "breached")),
            ("reached_date", "=", False),
            ("calendar_id", "in", calendars.ids),
        ]
    )._plan()


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    def write(self, vals):
        if not {"attendance_ids", "tz", "two_weeks_calendar"}.intersection(vals):
            return super().write(vals)
        # The attendances change one by one inside this write (a form that
        # replaces them all, a module update reloading the calendar): re-plan
        # once, on the calendar as it ends up, not on the states in between
        # (an empty calendar half-way would refuse to plan anything).
        result = super(
            ResourceCalendar, self.with_context(tma_sla_replan_later=True)
        ).write(vals)
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
        _replan_timers(self.env, leaves._tma_calendars())
        return leaves

    def write(self, vals):
        before = self._tma_calendars()
        result = super().write(vals)
        _replan_timers(self.env, before | self._tma_calendars())
        return result

    def unlink(self):
        calendars = self._tma_calendars()
        result = super().unlink()
        _replan_timers(self.env, calendars)
        return result
