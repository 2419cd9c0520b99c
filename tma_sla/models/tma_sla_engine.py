# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Business-time arithmetic over ``resource.calendar``, in batches.

Every public method takes many requests at once, groups them by calendar and
asks each calendar for its work intervals **once** (``_work_intervals_batch``
over the window that covers all the requests), then answers each request by
bisection over cumulative sums of those intervals. Creating or updating a
thousand tickets therefore costs one interval computation per calendar, not
one per ticket.

Datetimes in and out are naive UTC, like Odoo's ``Datetime`` fields. A
calendar of ``False`` means "around the clock" (24/7 coverage): business time is
wall-clock time.

Leaves that count: those attached to the calendar, for everyone on it, and the
public holidays (leaves without a calendar, stamped with a company) of the
company a request is made for: the company of the ticket's contract, whatever
the calendar's own company. A calendar shared between companies thus stops the
clock of each contract on its own company's holidays. A request that names no
company counts the holidays of the calendar's company, or of the current
company (``env.company``) for a calendar without one. The engine computes each
(calendar, company) pair once.
"""

import bisect
import math
from collections import defaultdict
from datetime import datetime, time, timedelta

from pytz import UTC, timezone

from odoo import _, api, models, tools
from odoo.exceptions import UserError

# How far the engine looks ahead before concluding that a calendar has no
# working time at all (public holidays everywhere, empty attendances...).
MAX_HORIZON_DAYS = 3 * 366


def _utc(moment):
    """Naive UTC, rounded to the second: Odoo writes an attendance ending at
    24:00 as 23:59:59.999999, which would otherwise leave a gap at midnight."""
    moment = moment.astimezone(UTC).replace(tzinfo=None)
    if moment.microsecond >= 500000:
        moment += timedelta(seconds=1)
    return moment.replace(microsecond=0)


class _Timeline:
    """Work intervals of one calendar over a window, as sorted UTC bounds with
    the cumulative worked seconds before each interval."""

    def __init__(self, intervals):
        self.begins = []
        self.ends = []
        self.cum = []  # worked seconds before interval i
        total = 0.0
        for begin, end in intervals:
            if end <= begin:
                continue
            if self.ends and begin <= self.ends[-1]:
                # Contiguous or overlapping (midnight, DST): merge.
                if end > self.ends[-1]:
                    total += (end - self.ends[-1]).total_seconds()
                    self.ends[-1] = end
                continue
            self.begins.append(begin)
            self.ends.append(end)
            self.cum.append(total)
            total += (end - begin).total_seconds()
        self.total = total
        self.cum_end = [c + (e - b).total_seconds() for c, b, e in self._rows()]

    def _rows(self):
        return zip(self.cum, self.begins, self.ends, strict=True)

    def position(self, moment):
        """Worked seconds between the window start and ``moment``."""
        i = bisect.bisect_right(self.begins, moment) - 1
        if i < 0:
            return 0.0
        if moment >= self.ends[i]:
            return self.cum_end[i]
        return self.cum[i] + (moment - self.begins[i]).total_seconds()

    def long_gaps(self, start, end, length):
        """The spans of at least ``length`` without working time between
        ``start`` and ``end`` (the window), as (begin, end) pairs."""
        gaps = []
        previous = start
        for begin, stop in zip(self.begins, self.ends, strict=True):
            if begin - previous >= length:
                gaps.append((previous, begin))
            previous = max(previous, stop)
        if end - previous >= length:
            gaps.append((previous, end))
        return gaps

    def moment(self, position):
        """The earliest instant at which ``position`` worked seconds are done,
        or None when the window is too short."""
        if position <= 0:
            return None
        j = bisect.bisect_left(self.cum_end, position)
        if j >= len(self.begins):
            return None
        return self.begins[j] + timedelta(seconds=position - self.cum[j])


class TmaSlaEngine(models.AbstractModel):
    _name = "tma.sla.engine"
    _description = "TMA SLA business-time engine"

    # ------------------------------------------------------------------
    # Calendar helpers
    # ------------------------------------------------------------------
    @api.model
    def _weekly_seconds(self, calendar):
        """Nominal worked seconds of a week of ``calendar`` (no leaves)."""
        return self._weekly_seconds_cached(calendar.id)

    @api.model
    @tools.ormcache("calendar_id")
    def _weekly_seconds_cached(self, calendar_id):
        calendar = self.env["resource.calendar"].sudo().browse(calendar_id)
        attendances = calendar.attendance_ids.filtered(
            lambda a: not a.display_type and a.day_period != "lunch"
        )
        hours = sum(a.hour_to - a.hour_from for a in attendances)
        if calendar.two_weeks_calendar:
            hours /= 2
        return hours * 3600

    @api.model
    def _check_calendar_usable(self, calendar, error=UserError):
        if calendar and self._weekly_seconds(calendar) <= 0:
            raise error(
                _(
                    "The working calendar %(calendar)s has no working hours: "
                    "service-level deadlines cannot be computed on it. Add "
                    "working hours to it or choose another calendar.",
                    calendar=calendar.display_name,
                )
            )

    @api.model
    def _holiday_company_id(self, calendar, company=None):
        """The id of the company whose public holidays count for a request on
        ``calendar``: ``company`` (a ``res.company`` record or id) when given,
        else the calendar's company, else the current company
        (``env.company``). The callers of the engine give the company of the
        contract; the fallbacks serve the others."""
        if isinstance(company, models.BaseModel):
            company = company.id
        return company or calendar.company_id.id or self.env.company.id

    @api.model
    def _leave_domain(self, calendar, company):
        """The leaves that count on ``calendar`` for ``company`` (a
        ``res.company``): the calendar's own, whatever their company, and the
        leaves without a calendar (public holidays) of ``company`` only.
        Odoo's default takes every leave without a calendar, whatever its
        company, so one company's holidays would move another company's
        deadlines. (``_leave_intervals_batch`` adds ``calendar_id in [False,
        calendar]`` itself.)"""
        return [
            ("time_type", "=", "leave"),
            "|",
            ("calendar_id", "=", calendar.id),
            ("company_id", "=", company.id),
        ]

    @api.model
    def _timeline(self, calendar, start, end, company=None):
        """Work intervals of ``calendar`` between two naive UTC datetimes, for
        the contracts of ``company`` (whose public holidays count: see
        :meth:`_holiday_company_id`), or rather over the whole UTC days around
        them: the timeline of a window is kept in the registry's cache, so
        the tickets created or planned on the same day ask the calendar
        nothing. The changes of calendars, attendances and leaves clear it
        (``utils.replan_timers``)."""
        day_start = datetime.combine(start.date(), time.min)
        day_end = datetime.combine(end.date(), time.min) + timedelta(days=1)
        return self._timeline_cached(
            calendar.id,
            self._holiday_company_id(calendar, company),
            day_start,
            day_end,
        )

    @api.model
    @tools.ormcache("calendar_id", "company_id", "start", "end")
    def _timeline_cached(self, calendar_id, company_id, start, end):
        calendar = self.env["resource.calendar"].sudo().browse(calendar_id)
        company = self.env["res.company"].sudo().browse(company_id)
        tz = timezone(calendar.tz or "UTC")
        intervals = calendar._work_intervals_batch(
            UTC.localize(start),
            UTC.localize(end),
            domain=self._leave_domain(calendar, company),
            tz=tz,
        )[False]
        return _Timeline((_utc(b), _utc(e)) for b, e, _att in intervals)

    # ------------------------------------------------------------------
    # Batch API
    # ------------------------------------------------------------------
    @api.model
    def _group(self, requests, indexes):
        """``indexes`` of ``requests`` by (calendar, id of the company whose
        public holidays count): one engine computation per pair."""
        groups = defaultdict(list)
        for index in indexes:
            calendar, _start, _amount, *company = requests[index]
            groups[calendar, self._holiday_company_id(calendar, *company)].append(index)
        return groups

    @api.model
    def _add(self, requests):
        """Deadlines: ``requests`` is a list of ``(calendar, start, seconds)``
        or ``(calendar, start, seconds, company)``, ``company`` (a
        ``res.company`` record or id) being the one whose public holidays
        count: the contract's (without it, see :meth:`_holiday_company_id`).

        Returns the list of naive UTC datetimes at which ``seconds`` of
        business time of ``calendar`` have elapsed after ``start`` (to the
        second, like Odoo's datetime fields). A zero or negative amount gives
        ``start`` itself.
        """
        results = [None] * len(requests)
        on_calendars = []
        for index, (calendar, start, seconds, *_company) in enumerate(requests):
            if seconds <= 0:
                results[index] = start
            elif not calendar:
                results[index] = start + timedelta(seconds=seconds)
            else:
                on_calendars.append(index)
        for (calendar, company_id), indexes in self._group(
            requests, on_calendars
        ).items():
            self._check_calendar_usable(calendar)
            weekly = self._weekly_seconds(calendar)
            window_start = min(requests[i][1] for i in indexes)
            max_start = max(requests[i][1] for i in indexes)
            longest = max(requests[i][2] for i in indexes)
            # Enough weeks for the longest request, plus room for holidays.
            days = min(math.ceil(longest / weekly * 7 * 1.5) + 14, MAX_HORIZON_DAYS)
            horizon = timedelta(days=MAX_HORIZON_DAYS)
            pending = indexes
            while pending:
                window_end = max_start + timedelta(days=days)
                timeline = self._timeline(
                    calendar, window_start, window_end, company_id
                )
                # Refuse only what is true: a span of the horizon's length
                # without working time lies between a request's start and its
                # deadline (or the window's end). A sparse calendar (an hour a
                # week) merely needs a longer window.
                gaps = timeline.long_gaps(window_start, window_end, horizon)
                still = []
                for i in pending:
                    start, seconds = requests[i][1:3]
                    deadline = timeline.moment(timeline.position(start) + seconds)
                    for gap_start, gap_end in gaps:
                        gap_start = max(gap_start, start)
                        if min(gap_end, deadline or window_end) - gap_start >= horizon:
                            raise UserError(
                                _(
                                    "The working calendar %(calendar)s has no "
                                    "working time in the %(days)s days after "
                                    "%(date)s (public holidays or leaves cover "
                                    "it all): service-level deadlines cannot be "
                                    "computed on it.",
                                    calendar=calendar.display_name,
                                    days=MAX_HORIZON_DAYS,
                                    date=gap_start,
                                )
                            )
                    if deadline is None:
                        still.append(i)
                    else:
                        results[i] = deadline
                pending = still
                days *= 2
        return [moment and moment.replace(microsecond=0) for moment in results]

    @api.model
    def _elapsed(self, requests):
        """Business seconds: ``requests`` is a list of ``(calendar, start,
        end)`` or ``(calendar, start, end, company)`` (as for :meth:`_add`);
        returns the worked seconds of ``calendar`` between the two (0 when
        ``end`` is not after ``start``)."""
        results = [0.0] * len(requests)
        on_calendars = []
        for index, (calendar, start, end, *_company) in enumerate(requests):
            if not start or not end or end <= start:
                continue
            if not calendar:
                results[index] = (end - start).total_seconds()
            else:
                on_calendars.append(index)
        for (calendar, company_id), indexes in self._group(
            requests, on_calendars
        ).items():
            timeline = self._timeline(
                calendar,
                min(requests[i][1] for i in indexes),
                max(requests[i][2] for i in indexes),
                company_id,
            )
            for i in indexes:
                start, end = requests[i][1:3]
                results[i] = timeline.position(end) - timeline.position(start)
        return results
