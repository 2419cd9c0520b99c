# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The business-time engine against an independent brute force.

The brute force walks time minute by minute in UTC, converts each minute to the
calendar's time zone with pytz and asks "is this minute inside an attendance of
that weekday, and outside every leave?". It shares nothing with the engine
(neither Odoo's interval code nor bisection), so agreement over many generated
cases (time zones, DST switches, holidays, lunch breaks, weekends, 24/7) is
strong evidence that deadlines are right.
"""

from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytz import UTC, timezone

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, tagged

from .common import utc

HYPOTHESIS = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def attendance(day, hour_from, hour_to, period="morning"):
    return Command.create(
        {
            "name": f"{day} {hour_from}",
            "dayofweek": str(day),
            "hour_from": hour_from,
            "hour_to": hour_to,
            "day_period": period,
        }
    )


@tagged("post_install", "-at_install")
class TestEngine(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.engine = cls.env["tma.sla.engine"]
        Calendar = cls.env["resource.calendar"]
        cls.fr = cls.env.ref("tma_sla.resource_calendar_tma_fr")
        # Nights across the DST switches (01:00-04:00 on Sundays) and late
        # evenings, in Paris.
        cls.night = Calendar.create(
            {
                "name": "Night shifts",
                "tz": "Europe/Paris",
                "attendance_ids": [Command.clear()]
                + [attendance(6, 1.0, 4.0)]
                + [attendance(d, 20.0, 23.5, "afternoon") for d in range(5)],
            }
        )
        # Around the clock in New York (DST on 8 March and 1 November 2026).
        cls.ny247 = Calendar.create(
            {
                "name": "New York 24/7",
                "tz": "America/New_York",
                "attendance_ids": [Command.clear()]
                + [attendance(d, 0.0, 24.0) for d in range(7)],
            }
        )
        cls.calendars = [cls.fr, cls.night, cls.ny247]

    # ------------------------------------------------------------------
    # Brute force
    # ------------------------------------------------------------------
    def _minute_checker(self, calendar):
        tz = timezone(calendar.tz)
        spans = {}
        for att in calendar.attendance_ids:
            if att.display_type or att.day_period == "lunch":
                continue
            spans.setdefault(int(att.dayofweek), []).append(
                (round(att.hour_from * 60), round(att.hour_to * 60))
            )
        leaves = [
            (leave.date_from, leave.date_to)
            for leave in self.env["resource.calendar.leaves"].search(
                [
                    ("calendar_id", "in", [False, calendar.id]),
                    ("resource_id", "=", False),
                    ("time_type", "=", "leave"),
                ]
            )
        ]

        def works(moment):
            local = UTC.localize(moment).astimezone(tz)
            minute = local.hour * 60 + local.minute
            if not any(a <= minute < b for a, b in spans.get(local.weekday(), [])):
                return False
            return not any(a <= moment < b for a, b in leaves)

        return works

    def _brute_force(self, calendar, start, minutes):
        works = self._minute_checker(calendar)
        moment, done = start, 0
        while True:
            if works(moment):
                done += 1
                if done == minutes:
                    return moment + timedelta(minutes=1)
            moment += timedelta(minutes=1)

    # ------------------------------------------------------------------
    # Generated cases
    # ------------------------------------------------------------------
    windows = st.sampled_from(
        [
            datetime(2026, 3, 5),  # New York springs forward on 8 March
            datetime(2026, 3, 25),  # Paris springs forward on 29 March
            datetime(2026, 10, 21),  # Paris falls back on 25 October
            datetime(2026, 10, 28),  # New York falls back on 1 November
            datetime(2026, 12, 20),  # Christmas and New Year holidays
            datetime(2026, 5, 1),  # May holidays (1, 8, 14 and 25 May)
        ]
    )

    @HYPOTHESIS
    @given(
        calendar_index=st.integers(0, 2),
        window=windows,
        offset=st.integers(0, 10 * 24 * 60),
        minutes=st.integers(1, 3 * 24 * 60),
    )
    def test_deadline_matches_brute_force(
        self, calendar_index, window, offset, minutes
    ):
        calendar = self.calendars[calendar_index]
        start = window + timedelta(minutes=offset)
        (deadline,) = self.engine._add([(calendar, start, minutes * 60)])
        self.assertEqual(
            deadline,
            self._brute_force(calendar, start, minutes),
            f"{calendar.name}: {minutes} min from {start} UTC",
        )

    @HYPOTHESIS
    @given(
        calendar_index=st.integers(0, 2),
        window=windows,
        offset=st.integers(0, 10 * 24 * 60),
        length=st.integers(0, 5 * 24 * 60),
    )
    def test_elapsed_matches_brute_force(self, calendar_index, window, offset, length):
        calendar = self.calendars[calendar_index]
        start = window + timedelta(minutes=offset)
        end = start + timedelta(minutes=length)
        works = self._minute_checker(calendar)
        expected = sum(works(start + timedelta(minutes=i)) for i in range(length))
        (seconds,) = self.engine._elapsed([(calendar, start, end)])
        self.assertEqual(seconds, expected * 60)

    def test_batch_equals_one_by_one(self):
        requests = [
            (
                calendar,
                datetime(2026, 3, 27, 8) + timedelta(hours=7 * i),
                60 * (37 * i + 1),
            )
            for i in range(30)
            for calendar in self.calendars
        ]
        batch = self.engine._add(requests)
        self.assertEqual(batch, [self.engine._add([r])[0] for r in requests])

    def test_batch_costs_queries_per_calendar_not_per_request(self):
        requests = [
            (
                self.fr,
                datetime(2026, 11, 23, 9) + timedelta(minutes=13 * i),
                600 * i + 60,
            )
            for i in range(200)
        ]
        self.engine._add(requests[:1])  # warm the calendar's caches
        self.env.invalidate_all()
        with self.assertQueryCount(6):
            self.engine._add(requests[:1])
        self.env.invalidate_all()
        with self.assertQueryCount(6):
            self.engine._add(requests)

    # ------------------------------------------------------------------
    # Known cases
    # ------------------------------------------------------------------
    def test_dst_lunch_weekend_and_holiday(self):
        cases = [
            # Friday 27 March 2026 17:00 Paris (CET) + 4 h: one hour on Friday,
            # three on Monday after the switch to CEST → 12:00 CEST.
            ("2026-03-27 16:00:00", 240, "2026-03-30 10:00:00"),
            # Monday 12:00 Paris + 1 h: 30 min before lunch, 30 min after.
            ("2026-11-23 11:00:00", 60, "2026-11-23 13:00:00"),
            # Thursday 24 December 17:00 + 3 h: Christmas and the weekend
            # skipped → Monday 28 December 11:00 CET.
            ("2026-12-24 16:00:00", 180, "2026-12-28 10:00:00"),
            # Saturday night: starts on Monday morning.
            ("2026-11-21 22:00:00", 30, "2026-11-23 08:30:00"),
        ]
        for start, minutes, expected in cases:
            with self.subTest(start=start):
                (deadline,) = self.engine._add([(self.fr, utc(start), minutes * 60)])
                self.assertEqual(deadline, utc(expected))

    def test_around_the_clock_is_wall_clock(self):
        empty = self.env["resource.calendar"]
        start = utc("2026-10-24 23:30:00")
        (deadline,) = self.engine._add([(empty, start, 5 * 3600)])
        self.assertEqual(deadline, utc("2026-10-25 04:30:00"))

    def test_calendar_without_working_hours_is_refused(self):
        empty = self.env["resource.calendar"].create(
            {
                "name": "Nothing",
                "tz": "Europe/Paris",
                "attendance_ids": [Command.clear()],
            }
        )
        with self.assertRaises(ValidationError):
            self.env["tma.sla.policy"].create({"name": "Bad", "calendar_id": empty.id})
        with self.assertRaisesRegex(UserError, "no working hours"):
            self.engine._add([(empty, utc("2026-11-23 09:00:00"), 60)])

    def test_calendar_always_on_leave_stops_with_an_error(self):
        closed = self.fr.copy({"name": "Closed for years"})
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Closed",
                "calendar_id": closed.id,
                "date_from": "2026-01-01 00:00:00",
                "date_to": "2031-01-01 00:00:00",
            }
        )
        with self.assertRaisesRegex(UserError, "no working time"):
            self.engine._add([(closed, utc("2026-11-23 09:00:00"), 60)])

    # ------------------------------------------------------------------
    # Sparse calendars and the horizon
    # ------------------------------------------------------------------
    def _sparse(self):
        """One working hour a week: Monday 9:00-10:00 Paris, no leaves."""
        return self.env["resource.calendar"].create(
            {
                "name": "One hour a week",
                "tz": "Europe/Paris",
                "company_id": False,
                "attendance_ids": [Command.clear(), attendance(0, 9.0, 10.0)],
            }
        )

    def test_long_target_on_a_sparse_calendar_is_planned(self):
        """105 business hours at one hour a week take two years: feasible, so
        planned, not refused before the calendar is even read."""
        sparse = self._sparse()
        # Monday 23 November 2026 10:00 Paris: the week's hour is over; the
        # first hour is on 30 November, the 105th on Monday 27 November 2028.
        start = utc("2026-11-23 09:00:00")
        (deadline,) = self.engine._add([(sparse, start, 105 * 3600)])
        self.assertEqual(deadline, utc("2028-11-27 09:00:00"))
        (seconds,) = self.engine._elapsed([(sparse, start, deadline)])
        self.assertEqual(seconds, 105 * 3600)

    def test_sparse_calendar_closed_for_years_is_refused(self):
        sparse = self._sparse()
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Closed",
                "calendar_id": sparse.id,
                "date_from": "2027-06-01 00:00:00",
                "date_to": "2032-01-01 00:00:00",
            }
        )
        start = utc("2026-11-23 09:00:00")
        # About 27 hours are left before the closure: 20 are planned...
        (deadline,) = self.engine._add([(sparse, start, 20 * 3600)])
        self.assertEqual(deadline, utc("2027-04-12 08:00:00"))
        # ... 105 are not: the calendar truly has no working time for years.
        with self.assertRaisesRegex(UserError, "no working time"):
            self.engine._add([(sparse, start, 105 * 3600)])

    # ------------------------------------------------------------------
    # Leaves of several companies
    # ------------------------------------------------------------------
    def test_only_the_leaves_of_the_calendar_and_of_the_company_count(self):
        """Public holidays (leaves without calendar) count for the company a
        request names, whatever the calendar's company; without one, for the
        calendar's company, else the current company."""
        company_a = self.env.company
        company_b = self.env["res.company"].create({"name": "TMA company B"})
        calendar_a = self.fr.copy(
            {"name": "Company A hours", "company_id": company_a.id}
        )
        start = utc("2026-11-23 09:00:00")  # Monday 10:00 Paris
        seconds = 1200 * 60
        expected = utc("2026-11-25 14:00:00")  # Wednesday 15:00 Paris
        moved = utc("2026-11-26 14:00:00")  # Thursday: Wednesday off
        requests = [
            (calendar_a, start, seconds),  # its company: A
            (self.fr, start, seconds),  # no company: the current one, A
            (self.fr, start, seconds, company_a),
            (self.fr, start, seconds, company_b),
            (calendar_a, start, seconds, company_b.id),
        ]
        self.assertEqual(self.engine._add(requests), [expected] * 5)
        holiday = {
            "name": "Holiday",
            "calendar_id": False,
            "date_from": "2026-11-24 23:00:00",  # Wednesday 25, Paris
            "date_to": "2026-11-25 23:00:00",
        }
        # Company B's public holiday moves company B's deadlines only, on
        # any calendar.
        Leave = self.env["resource.calendar.leaves"]
        b_holiday = Leave.with_company(company_b).create(holiday)
        self.assertEqual(b_holiday.company_id, company_b)
        self.assertEqual(
            self.engine._add(requests), [expected, expected, expected, moved, moved]
        )
        self.assertEqual(
            self.engine.with_company(company_b)._add(requests[:2]), [expected, moved]
        )
        b_holiday.unlink()
        # Company A's own public holiday moves company A's deadlines only.
        Leave.with_company(company_a).create(holiday)
        self.assertEqual(
            self.engine._add(requests), [moved, moved, moved, expected, expected]
        )
