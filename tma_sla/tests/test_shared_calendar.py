# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A calendar without company shared by two companies, each with its own
public holidays (leaves without calendar, stamped with the company): each
contract counts the holidays of its own company, and the leaves of the
calendar itself count for everyone on it."""

from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time
from pytz import UTC, timezone

from odoo import Command
from odoo.tests import tagged

from .common import MONDAY_10H, TmaSlaCommon, utc

# The public holidays of the week of Monday 23 November 2026 (no French
# holiday): company A closes on Tuesday 24, company B on Wednesday 25 and
# Thursday 26 (whole days in Paris, UTC+1). The holidays differ in length, so
# that no company's deadline can come out right on the other's holidays.
HOLIDAYS_A = [("2026-11-23 23:00:00", "2026-11-24 23:00:00")]
HOLIDAYS_B = [("2026-11-24 23:00:00", "2026-11-26 23:00:00")]
# 1,200 business minutes (a major ticket's resolution) from Monday 10:00 Paris
# end on Wednesday 15:00 without holidays; 7 hours are worked on Monday.
WEDNESDAY_15H = utc("2026-11-25 14:00:00")
THURSDAY_15H = utc("2026-11-26 14:00:00")  # Tuesday off (A's holiday)
FRIDAY_15H = utc("2026-11-27 14:00:00")  # Wednesday and Thursday off (B's)
NEXT_MONDAY_15H = utc("2026-11-30 14:00:00")  # the three days off (both)


@tagged("post_install", "-at_install")
@freeze_time(MONDAY_10H)
class TestSharedCalendar(TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.engine = cls.env["tma.sla.engine"]
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "TMA company B"})
        # The shipped French calendar has no company: both companies use it,
        # through a policy of no company either.
        cls.policy.company_id = False
        cls.team_b = cls.env["helpdesk.ticket.team"].create(
            {"name": "TMA team B", "company_id": cls.company_b.id}
        )
        cls.contract_b = cls._create_contract(
            mode="forfait",
            company_id=cls.company_b.id,
            sla_policy_id=cls.policy.id,
            team_ids=[Command.set(cls.team_b.ids)],
        )
        cls.Leave = cls.env["resource.calendar.leaves"]

    def _holidays(self, company, spans):
        """Public holidays of ``company``, entered the usual way: leaves
        without calendar, stamped with the current company."""
        return self.Leave.with_company(company).create(
            [
                {"name": "Public holiday", "date_from": begin, "date_to": end}
                for begin, end in spans
            ]
        )

    def _resolution(self, contract):
        """The resolution timer of a new major ticket (1,200 minutes) of
        ``contract``, started now (Monday 10:00 Paris)."""
        if contract == self.contract_b:
            ticket = self._create_ticket(
                contract,
                team_id=self.team_b.id,
                priority="2",
                tma_support_level_id=self.l1.id,
            )
            self.assertEqual(ticket.company_id, self.company_b)
        else:
            ticket = self._ticket("2")
        timer = self._timer(ticket, "resolution")
        self.assertEqual(timer.segment_start, utc(MONDAY_10H))
        self.assertEqual(timer.target_minutes, 1200)
        return timer

    def _brute_force(self, start, minutes, spans):
        """The end of ``minutes`` worked minutes of the calendar from
        ``start``, counted minute by minute in Paris time: inside an
        attendance, outside the calendar's own leaves and outside ``spans``
        (naive UTC text pairs). Shares nothing with the engine."""
        tz = timezone(self.calendar.tz)
        hours = {}
        for att in self.calendar.attendance_ids:
            if not att.display_type and att.day_period != "lunch":
                hours.setdefault(int(att.dayofweek), []).append(
                    (round(att.hour_from * 60), round(att.hour_to * 60))
                )
        leaves = [
            (leave.date_from, leave.date_to)
            for leave in self.Leave.search(
                [("calendar_id", "=", self.calendar.id), ("resource_id", "=", False)]
            )
        ] + [(utc(begin), utc(end)) for begin, end in spans]
        moment, done = start, 0
        while True:
            local = UTC.localize(moment).astimezone(tz)
            minute = local.hour * 60 + local.minute
            if any(a <= minute < b for a, b in hours.get(local.weekday(), [])) and (
                not any(a <= moment < b for a, b in leaves)
            ):
                done += 1
                if done == minutes:
                    return moment + timedelta(minutes=1)
            moment += timedelta(minutes=1)

    def _planned_timers(self):
        """A spy on the timers' planning: the timers planned (the demo's
        tickets may have some too), and the patch that records them."""
        planned = self.env["tma.sla.timer"]
        Timer = type(planned)
        plan = Timer._plan

        def spy(timers):
            nonlocal planned
            planned |= timers
            return plan(timers)

        return (lambda: planned), patch.object(Timer, "_plan", spy)

    # ------------------------------------------------------------------
    # Engine
    # ------------------------------------------------------------------
    def test_engine_counts_the_holidays_of_the_company_asked_for(self):
        self.assertFalse(self.calendar.company_id)
        self._holidays(self.company_a, HOLIDAYS_A)
        self._holidays(self.company_b, HOLIDAYS_B)
        start, seconds = utc(MONDAY_10H), 1200 * 60
        self.assertEqual(
            self.engine._add(
                [
                    (self.calendar, start, seconds, self.company_a),
                    (self.calendar, start, seconds, self.company_b.id),
                    (self.calendar, start, seconds),  # the current company: A
                    (self.calendar, start, seconds, self.env["res.company"]),
                ]
            ),
            [THURSDAY_15H, FRIDAY_15H, THURSDAY_15H, THURSDAY_15H],
        )
        self.assertEqual(
            self.engine.with_company(self.company_b)._add(
                [(self.calendar, start, seconds)]
            ),
            [FRIDAY_15H],
        )
        # Business time over the week: 40 hours less each company's own days.
        week = (utc("2026-11-23 00:00:00"), utc("2026-11-30 00:00:00"))
        self.assertEqual(
            self.engine._elapsed(
                [
                    (self.calendar, *week, self.company_a),
                    (self.calendar, *week, self.company_b),
                ]
            ),
            [32 * 3600, 24 * 3600],
        )

    def test_engine_computes_each_calendar_and_company_once(self):
        """Many requests of two companies on one calendar: one timeline per
        (calendar, company), whatever the number of requests."""
        requests = [
            (
                self.calendar,
                utc(MONDAY_10H) + timedelta(minutes=13 * i),
                600 * i + 60,
                (self.company_a, self.company_b)[i % 2],
            )
            for i in range(100)
        ]
        self.env.registry.clear_cache()
        Engine = type(self.engine)
        computed = []
        leave_domain = Engine._leave_domain

        def spy(engine, calendar, company):
            computed.append((calendar.id, company.id))
            return leave_domain(engine, calendar, company)

        with patch.object(Engine, "_leave_domain", spy):
            batch = self.engine._add(requests)
        self.assertEqual(
            sorted(computed),
            sorted(
                [
                    (self.calendar.id, self.company_a.id),
                    (self.calendar.id, self.company_b.id),
                ]
            ),
        )
        self.assertEqual(batch, [self.engine._add([r])[0] for r in requests])

    # ------------------------------------------------------------------
    # Timers
    # ------------------------------------------------------------------
    def test_each_deadline_skips_its_own_companys_holidays_only(self):
        self._holidays(self.company_a, HOLIDAYS_A)
        self._holidays(self.company_b, HOLIDAYS_B)
        timer_a = self._resolution(self.contract)
        timer_b = self._resolution(self.contract_b)
        self.assertEqual(timer_a.company_id, self.company_a)
        self.assertEqual(timer_b.company_id, self.company_b)
        self.assertEqual(timer_a.deadline, THURSDAY_15H)
        self.assertEqual(timer_b.deadline, FRIDAY_15H)
        start = utc(MONDAY_10H)
        self.assertEqual(timer_a.deadline, self._brute_force(start, 1200, HOLIDAYS_A))
        self.assertEqual(timer_b.deadline, self._brute_force(start, 1200, HOLIDAYS_B))
        # The clock of each stops on its own holidays: on Thursday 11:00
        # Paris, A worked Monday, Wednesday and Thursday morning (7 + 8 + 2
        # hours), B only Monday, Tuesday (7 + 8 hours).
        with freeze_time("2026-11-26 10:00:00"):
            used = (timer_a | timer_b)._used_now(utc("2026-11-26 10:00:00"))
        self.assertEqual(used[timer_a.id], 17 * 3600)
        self.assertEqual(used[timer_b.id], 15 * 3600)

    def test_a_holiday_of_company_a_replans_the_timers_of_company_a_only(self):
        timer_a = self._resolution(self.contract)
        timer_b = self._resolution(self.contract_b)
        self.assertEqual(timer_a.deadline, WEDNESDAY_15H)
        self.assertEqual(timer_b.deadline, WEDNESDAY_15H)
        timers_a = timer_a.ticket_id.tma_sla_timer_ids
        planned, spying = self._planned_timers()
        with spying:
            holiday = self._holidays(self.company_a, HOLIDAYS_A)
        self.assertEqual(holiday.company_id, self.company_a)
        self.assertFalse(holiday.calendar_id)
        self.assertLessEqual(timers_a, planned())
        self.assertEqual(planned().company_id, self.company_a)
        self.assertEqual(timer_a.deadline, THURSDAY_15H)
        self.assertEqual(timer_b.deadline, WEDNESDAY_15H)
        planned, spying = self._planned_timers()
        with spying:
            holiday.unlink()
        self.assertLessEqual(timers_a, planned())
        self.assertEqual(planned().company_id, self.company_a)
        self.assertEqual(timer_a.deadline, WEDNESDAY_15H)
        self.assertEqual(timer_b.deadline, WEDNESDAY_15H)
        # Company B's holidays move company B's timers only, the same way.
        planned, spying = self._planned_timers()
        with spying:
            self._holidays(self.company_b, HOLIDAYS_B)
        self.assertLessEqual(timer_b.ticket_id.tma_sla_timer_ids, planned())
        self.assertEqual(planned().company_id, self.company_b)
        self.assertEqual(timer_a.deadline, WEDNESDAY_15H)
        self.assertEqual(timer_b.deadline, FRIDAY_15H)

    def test_a_leave_of_the_calendar_counts_for_both_companies(self):
        self._holidays(self.company_b, HOLIDAYS_B)
        timer_a = self._resolution(self.contract)
        timer_b = self._resolution(self.contract_b)
        self.assertEqual(timer_a.deadline, WEDNESDAY_15H)
        self.assertEqual(timer_b.deadline, FRIDAY_15H)
        planned, spying = self._planned_timers()
        with spying:
            # The office closes on Tuesday 24, for everyone on the calendar.
            closure = self.Leave.create(
                {
                    "name": "Office closed",
                    "calendar_id": self.calendar.id,
                    "date_from": HOLIDAYS_A[0][0],
                    "date_to": HOLIDAYS_A[0][1],
                }
            )
        self.assertLessEqual((timer_a | timer_b).ticket_id.tma_sla_timer_ids, planned())
        self.assertEqual(timer_a.deadline, THURSDAY_15H)
        # B: Tuesday, Wednesday and Thursday off.
        self.assertEqual(timer_b.deadline, NEXT_MONDAY_15H)
        self.assertEqual(
            timer_b.deadline,
            self._brute_force(utc(MONDAY_10H), 1200, HOLIDAYS_A + HOLIDAYS_B),
        )
        closure.unlink()
        self.assertEqual(timer_a.deadline, WEDNESDAY_15H)
        self.assertEqual(timer_b.deadline, FRIDAY_15H)

    # ------------------------------------------------------------------
    # Availability
    # ------------------------------------------------------------------
    def test_availability_counts_the_holidays_of_the_contracts_company(self):
        self._holidays(self.company_a, HOLIDAYS_A)
        self._holidays(self.company_b, HOLIDAYS_B)
        app = self.env["tma.application"].create(
            {"name": "ERP A", "partner_id": self.client_a.id}
        )
        prod = self.env["tma.application.environment"].create(
            {"name": "Production", "application_id": app.id}
        )
        Commitment = self.env["tma.sla.availability.target"]
        commitment_a, commitment_b = Commitment.create(
            [
                {
                    "contract_id": contract.id,
                    "environment_id": prod.id,
                    "calendar_id": self.calendar.id,
                }
                for contract in (self.contract, self.contract_b)
            ]
        )
        self.assertEqual(commitment_b.company_id, self.company_b)
        # Down on Tuesday 10:00-12:00 Paris (A's holiday) and on Wednesday
        # 10:00-11:00 Paris (B's holiday).
        self.env["tma.sla.outage"].create(
            [
                {
                    "name": "Database down",
                    "environment_id": prod.id,
                    "kind": "unplanned",
                    "date_start": utc(begin),
                    "date_end": utc(end),
                }
                for begin, end in (
                    ("2026-11-24 09:00:00", "2026-11-24 11:00:00"),
                    ("2026-11-25 09:00:00", "2026-11-25 10:00:00"),
                )
            ]
        )
        week = (utc("2026-11-23 00:00:00"), utc("2026-11-30 00:00:00"))
        figures = (commitment_a | commitment_b)._get_availability(*week)
        # A: 40 hours less Tuesday; down 1 hour (on Wednesday).
        self.assertEqual(figures[commitment_a.id]["service"], 32 * 3600)
        self.assertEqual(figures[commitment_a.id]["downtime"], 1 * 3600)
        self.assertEqual(figures[commitment_a.id]["availability"], 96.875)
        # B: 40 hours less Wednesday and Thursday; down 2 hours (on Tuesday).
        self.assertEqual(figures[commitment_b.id]["service"], 24 * 3600)
        self.assertEqual(figures[commitment_b.id]["downtime"], 2 * 3600)
        self.assertEqual(figures[commitment_b.id]["availability"], 91.667)
