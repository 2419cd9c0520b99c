# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.tma_contract.tools.bulk_sql import array_literal

from .common import MONDAY_10H, TmaSlaCommon, utc


@tagged("post_install", "-at_install")
@freeze_time(MONDAY_10H)
class TestTimer(TmaSlaCommon):
    def test_new_ticket_gets_one_timer_per_target(self):
        ticket = self._ticket("3")
        timers = ticket.tma_sla_timer_ids
        self.assertEqual(
            sorted(timers.mapped("metric")),
            ["acknowledgement", "first_response", "resolution", "workaround"],
        )
        self.assertEqual(set(timers.mapped("status")), {"running"})
        self.assertEqual(
            self._timer(ticket, "acknowledgement").deadline, utc("2026-11-23 09:30:00")
        )
        # 480 business minutes from 10:00: 2h30 before lunch, 4h30 after,
        # the last hour on Tuesday → Tuesday 10:00 Paris.
        self.assertEqual(
            self._timer(ticket, "resolution").deadline, utc("2026-11-24 09:00:00")
        )
        self.assertEqual(ticket.tma_sla_status, "on_track")

    def test_ticket_without_policy_has_no_timer(self):
        contract = self._create_contract(partner=self.client_b, mode="forfait")
        ticket = self._create_ticket(contract, partner=self.contact_b, priority="3")
        self.assertFalse(ticket.tma_sla_timer_ids)
        self.assertEqual(ticket.tma_sla_status, "none")

    def test_pause_keeps_the_business_time_that_remained(self):
        ticket = self._ticket("3")
        resolution = self._timer(ticket, "resolution")
        with freeze_time("2026-11-23 10:00:00"):  # 11:00 Paris: 60 min used
            ticket.stage_id = self.stage_awaiting
        self.assertEqual(resolution.status, "paused")
        self.assertFalse(resolution.deadline)
        self.assertEqual(resolution.used_seconds, 3600)
        with freeze_time("2026-11-25 08:00:00"):  # Wednesday 9:00 Paris
            ticket.stage_id = self.stage_progress
        self.assertEqual(resolution.status, "running")
        # 420 minutes left from Wednesday 9:00: 3h30 + 3h30 → 17:00 Paris.
        self.assertEqual(resolution.deadline, utc("2026-11-25 16:00:00"))

    def test_pausing_stages_changed_or_archived_apply_at_once(self):
        """The pausing stages are kept in the registry's cache: changing the
        policy's pausing stages or archiving one applies to the next change
        of stage."""
        first = self._ticket("3")
        first.stage_id = self.stage_awaiting  # the cache is filled
        self.assertEqual(self._timer(first, "resolution").status, "paused")
        self.policy.pause_stage_ids = [Command.link(self.stage_progress.id)]
        second = self._ticket("3")
        second.stage_id = self.stage_progress
        self.assertEqual(self._timer(second, "resolution").status, "paused")
        self.stage_awaiting.active = False
        third = self._ticket("3")
        third.stage_id = self.stage_awaiting
        self.assertEqual(self._timer(third, "resolution").status, "running")

    def test_priority_change_replans_running_timers_only(self):
        ticket = self._ticket("3", user_id=self.engineer.id)
        ticket.stage_id = self.stage_progress  # acknowledgement met
        ack = self._timer(ticket, "acknowledgement")
        self.assertEqual(ack.status, "met")
        ticket.priority = "2"  # major: resolution 1,200 minutes
        self.assertEqual(ack.status, "met")
        self.assertEqual(ack.criticality, "blocking", "frozen timers keep their target")
        resolution = self._timer(ticket, "resolution")
        self.assertEqual(resolution.criticality, "major")
        self.assertEqual(resolution.target_minutes, 1200)
        # Major has no workaround nor first-response target: those go.
        self.assertFalse(self._timer(ticket, "workaround"))

    def test_acknowledgement_needs_an_assignee_out_of_the_new_stage(self):
        ticket = self._ticket("3")
        ack = self._timer(ticket, "acknowledgement")
        ticket.user_id = self.engineer
        self.assertEqual(ack.status, "running", "still in the New stage")
        ticket.stage_id = self.stage_progress
        self.assertEqual(ack.status, "met")
        self.assertEqual(ack.reached_date, utc(MONDAY_10H))
        self.assertEqual(ack.elapsed_minutes, 0)

    def test_first_response_is_a_public_message_from_staff(self):
        ticket = self._ticket("3")
        first = self._timer(ticket, "first_response")
        ticket.message_post(
            body="Internal",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            author_id=self.engineer.partner_id.id,
        )
        self.assertEqual(first.status, "running", "an internal note is no answer")
        ticket.message_post(
            body="Me again",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            author_id=self.contact_a.id,
        )
        self.assertEqual(first.status, "running", "the client's message is no answer")
        ticket.with_user(self.engineer).message_post(
            body="We are on it", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertEqual(first.status, "met")
        self.assertTrue(ticket.tma_first_response_date)

    def test_workaround_button_meets_the_workaround_once(self):
        ticket = self._ticket("3")
        ticket.with_user(self.engineer).action_tma_workaround()
        self.assertEqual(self._timer(ticket, "workaround").status, "met")
        with self.assertRaises(UserError):
            ticket.action_tma_workaround()

    def test_late_resolution_is_breached_and_frozen(self):
        ticket = self._ticket("2")
        resolution = self._timer(ticket, "resolution")
        with freeze_time("2026-12-10 09:00:00"):
            ticket.stage_id = self.stage_done
        self.assertEqual(resolution.status, "breached")
        self.assertEqual(resolution.breach_date, resolution.deadline)
        deadline = resolution.deadline
        ticket.priority = "0"
        self.assertEqual(resolution.deadline, deadline)
        self.assertEqual(resolution.status, "breached")
        self.assertEqual(ticket.tma_sla_status, "breached")

    def test_closing_in_time_meets_everything(self):
        ticket = self._ticket("3")
        with freeze_time("2026-11-23 09:20:00"):
            ticket.stage_id = self.stage_done
        self.assertEqual(set(ticket.tma_sla_timer_ids.mapped("status")), {"met"})
        self.assertEqual(self._timer(ticket, "resolution").elapsed_minutes, 20)

    def test_around_the_clock_coverage(self):
        self.contract.sla_coverage = "24_7"
        ticket = self._ticket("3")
        self.assertEqual(
            self._timer(ticket, "resolution").deadline, utc("2026-11-23 17:00:00")
        )

    def test_contract_policy_change_replans_open_tickets(self):
        ticket = self._ticket("3")
        self.contract.sla_coverage = "24_7"
        self.assertEqual(
            self._timer(ticket, "resolution").deadline, utc("2026-11-23 17:00:00")
        )
        self.contract.sla_policy_id = False
        self.assertFalse(ticket.tma_sla_timer_ids)

    def test_l3_has_its_own_resolution_target(self):
        ticket = self._ticket("3", tma_support_level_id=self.l3.id)
        resolution = self._timer(ticket, "resolution")
        self.assertEqual(resolution.support_level_id, self.l3)
        self.assertEqual(resolution.target_minutes, 960)

    # ------------------------------------------------------------------
    # Escalation and targets
    # ------------------------------------------------------------------
    def test_escalation_does_not_extend_a_running_deadline(self):
        """The target comes from the level set at qualification: escalating
        to L3 (longer resolution target) leaves the deadline where it was."""
        ticket = self._ticket("3")
        resolution = self._timer(ticket, "resolution")
        deadline = resolution.deadline
        ticket.with_user(self.engineer)._tma_escalate(self.l3, "Needs the product team")
        self.assertEqual(ticket.tma_support_level_id, self.l3)
        self.assertEqual(resolution.support_level_id, self.l1)
        self.assertEqual(resolution.target_minutes, 480)
        self.assertEqual(resolution.deadline, deadline)
        # A priority change re-plans on the qualified level, not on L3.
        ticket.priority = "2"
        ticket.priority = "3"
        self.assertEqual(resolution.target_minutes, 480)
        self.assertEqual(resolution.deadline, deadline)
        self.assertFalse(ticket.tma_escalation_ids.extension_reason)

    def test_manager_extends_the_deadline_with_a_reason_the_client_sees(self):
        ticket = self._ticket("3")
        resolution = self._timer(ticket, "resolution")
        ticket.with_user(self.manager)._tma_escalate(
            self.l3,
            "Needs the product team",
            extension_reason="The fix needs a change in the vendor's module.",
        )
        self.assertEqual(resolution.support_level_id, self.l3)
        self.assertEqual(resolution.target_minutes, 960)
        # 960 business minutes from Monday 10:00 Paris: Wednesday 10:00.
        self.assertEqual(resolution.deadline, utc("2026-11-25 09:00:00"))
        self.assertEqual(
            ticket.tma_escalation_ids.extension_reason,
            "The fix needs a change in the vendor's module.",
        )
        messages = self.env["mail.message"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "=", ticket.id),
                ("subtype_id.internal", "=", False),
                ("body", "ilike", "vendor"),
            ]
        )
        self.assertEqual(len(messages), 1, "the client reads the reason")
        self.assertNotEqual(messages.message_type, "comment")
        first = self._timer(ticket, "first_response")
        self.assertEqual(first.status, "running", "the notice is no first response")

    def test_extension_is_refused_to_engineers_rules_and_without_reason(self):
        ticket = self._ticket("3")
        resolution = self._timer(ticket, "resolution")
        deadline = resolution.deadline
        rule = self.policy.escalation_rule_ids[:1]
        cases = [
            (self.engineer, "A reason", None, "Only a maintenance manager"),
            (self.manager, "A reason", rule, "Only a maintenance manager"),
            (self.manager, "   ", None, "Say why the deadlines"),
        ]
        for user, reason, by_rule, message in cases:
            with self.subTest(user=user.login, reason=reason):
                with self.assertRaisesRegex(UserError, message):
                    ticket.with_user(user)._tma_escalate(
                        self.l3, "Escalated", rule=by_rule, extension_reason=reason
                    )
                self.env.invalidate_all()
                self.assertEqual(ticket.tma_support_level_id, self.l1)
                self.assertFalse(ticket.tma_escalation_ids)
                self.assertEqual(resolution.support_level_id, self.l1)
                self.assertEqual(resolution.deadline, deadline)

    # ------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------
    def test_zero_or_negative_target_is_refused(self):
        for duration in (0, -30):
            with self.subTest(duration=duration), self.assertRaises(ValidationError):
                self.policy.write(
                    {
                        "target_ids": [
                            Command.create(
                                {
                                    "criticality": "minor",
                                    "metric": "acknowledgement",
                                    "duration": duration,
                                    "duration_unit": "hour",
                                }
                            )
                        ]
                    }
                )
        self.assertEqual(len(self.policy.target_ids), 8)

    def test_pause_stage_that_closes_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "closes tickets"):
            self.policy.pause_stage_ids = [Command.link(self.stage_done.id)]
        self.env.invalidate_all()
        self.assertEqual(self.policy.pause_stage_ids, self.stage_awaiting)

    def test_ticket_moved_to_another_clients_contract_is_refused(self):
        ticket = self._ticket("3")
        other = self._create_contract(
            partner=self.client_b, mode="forfait", sla_policy_id=self.policy.id
        )
        timers = ticket.tma_sla_timer_ids
        with self.assertRaises(UserError):
            ticket.tma_contract_id = other
        self.env.invalidate_all()
        self.assertEqual(ticket.tma_contract_id, self.contract)
        self.assertEqual(ticket.tma_sla_timer_ids, timers)
        self.assertEqual(set(timers.mapped("contract_id")), {self.contract})

    def test_support_level_changes_only_through_escalation(self):
        ticket = self._ticket("3")
        with self.assertRaisesRegex(UserError, "Escalate"):
            ticket.tma_support_level_id = self.l2
        self.assertEqual(ticket.tma_support_level_id, self.l1)

    # ------------------------------------------------------------------
    # Batches
    # ------------------------------------------------------------------
    def _ticket_values(self, count):
        return [
            {
                "name": f"Batch {i}",
                "description": "<p>x</p>",
                "partner_id": self.contact_a.id,
                "team_id": self.team.id,
                "tma_contract_id": self.contract.id,
                "priority": str(i % 4),
            }
            for i in range(count)
        ]

    def test_bulk_creation_plans_timers_in_one_batch(self):
        """The helpdesk itself costs 3 queries per ticket (default stage,
        sequence number); the service-level layer, the ratings (two stored
        figures, one grouped query each) and the trigger of the blocking
        notices' cron add a constant."""
        Ticket = self.env["helpdesk.ticket"].with_context(
            tracking_disable=True, mail_create_nolog=True, mail_notrack=True
        )
        Ticket.create(self._ticket_values(1))  # warm caches
        self.env.invalidate_all()
        with self.assertQueryCount(21):
            Ticket.create(self._ticket_values(1))
        self.env.invalidate_all()
        with self.assertQueryCount(26 + 3 * 99):
            tickets = Ticket.create(self._ticket_values(100))
        self.assertEqual(len(tickets.tma_sla_timer_ids), 25 * 4 + 25 * 2 + 50 * 1)

    def test_timer_planning_queries_do_not_grow_with_tickets(self):
        tickets = self.env["helpdesk.ticket"].create(self._ticket_values(100))
        Timer = self.env["tma.sla.timer"]
        ids = tickets.tma_sla_timer_ids.ids
        self.env.invalidate_all()
        with self.assertQueryCount(6):
            Timer.browse(ids[:4])._plan()
        self.env.invalidate_all()
        with self.assertQueryCount(6):
            Timer.browse(ids)._plan()

    def test_new_public_holiday_moves_running_deadlines(self):
        ticket = self._ticket("2")  # major: resolution 1,200 minutes
        resolution = self._timer(ticket, "resolution")
        before = resolution.deadline
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Company day off",
                "calendar_id": self.calendar.id,
                "date_from": "2026-11-24 23:00:00",  # Wednesday 25, Paris
                "date_to": "2026-11-25 23:00:00",
            }
        )
        self.assertEqual(before, utc("2026-11-25 14:00:00"))
        self.assertEqual(resolution.deadline, utc("2026-11-26 14:00:00"))
        self.assertLess(before, resolution.deadline)

    def test_public_holiday_moves_only_its_companys_deadlines(self):
        """A public holiday (a leave without calendar) re-plans the running
        timers of its company's contracts, and only those (see also
        test_shared_calendar)."""
        company_b = self.env["res.company"].create({"name": "TMA company B"})
        calendar_a = self.calendar.copy(
            {"name": "Company A hours", "company_id": self.env.company.id}
        )
        self.contract.sla_calendar_id = calendar_a
        ticket = self._ticket("2")  # major: resolution 1,200 minutes
        resolution = self._timer(ticket, "resolution")
        self.assertEqual(resolution.deadline, utc("2026-11-25 14:00:00"))
        holiday = {
            "name": "Public holiday",
            "date_from": "2026-11-24 23:00:00",  # Wednesday 25, Paris
            "date_to": "2026-11-25 23:00:00",
        }
        Leave = self.env["resource.calendar.leaves"]
        Leave.with_company(company_b).create(holiday)
        self.assertEqual(resolution.deadline, utc("2026-11-25 14:00:00"))
        Leave.with_company(self.env.company).create(holiday)
        self.assertEqual(resolution.deadline, utc("2026-11-26 14:00:00"))

    def test_replacing_all_the_hours_at_once_replans_once_on_the_new_hours(self):
        """A form that replaces every attendance, or a module update that
        reloads the calendar, empties it half-way through the write: the
        timers are re-planned on the calendar as it ends up."""
        ticket = self._ticket("2")  # major: resolution 1,200 minutes
        resolution = self._timer(ticket, "resolution")
        self.assertEqual(resolution.deadline, utc("2026-11-25 14:00:00"))
        self.calendar.write(
            {
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 8.0,
                            "hour_to": 18.0,
                            "day_period": "morning",
                        }
                    )
                    for day in range(5)
                ]
            }
        )
        # Monday 10:00 Paris + 20 hours of 10-hour days: Wednesday 10:00 Paris.
        self.assertEqual(resolution.deadline, utc("2026-11-25 09:00:00"))

    def test_removing_every_hour_of_a_calendar_in_use_is_refused(self):
        self._ticket("2")
        with self.assertRaisesRegex(UserError, "no working hours"):
            self.calendar.write({"attendance_ids": [Command.clear()]})

    # ------------------------------------------------------------------
    # Waiting on the client after the deadline
    # ------------------------------------------------------------------
    def test_breached_timer_stops_while_waiting_on_the_client(self):
        """A pausing stage stops every unfinished timer, breached or not: the
        delay does not grow while the provider waits on the client."""
        ticket = self._ticket("3")
        resolution = self._timer(ticket, "resolution")
        deadline = resolution.deadline  # Tuesday 10:00 Paris
        self.assertEqual(deadline, utc("2026-11-24 09:00:00"))
        with freeze_time("2026-11-24 10:00:00"):  # Tuesday 11:00 Paris
            self.env["tma.sla.timer"]._cron_check()
        self.assertEqual(resolution.status, "breached")
        with freeze_time("2026-11-24 11:00:00"):  # Tuesday 12:00 Paris
            ticket.stage_id = self.stage_awaiting
        self.assertEqual(resolution.status, "breached")
        self.assertFalse(resolution.segment_start, "the clock is stopped")
        self.assertEqual(resolution.used_seconds, 600 * 60)
        with freeze_time("2026-11-25 16:00:00"):  # Wednesday 17:00 Paris
            resolution.invalidate_recordset()
            self.assertEqual(resolution.used_minutes, 600)
        with freeze_time("2026-11-26 08:00:00"):  # Thursday 9:00 Paris
            ticket.stage_id = self.stage_progress
        self.assertEqual(resolution.segment_start, utc("2026-11-26 08:00:00"))
        with freeze_time("2026-11-26 09:00:00"):  # Thursday 10:00 Paris
            ticket.stage_id = self.stage_done
        self.assertEqual(resolution.status, "breached")
        self.assertEqual(resolution.breach_date, deadline)
        # 480 minutes of target + 2 h before the pause + 1 h after it.
        self.assertEqual(resolution.elapsed_minutes, 660)
        delays = resolution._penalty_delay_minutes(utc("2026-11-30 00:00:00"))
        self.assertEqual(delays[resolution.id], 180)

    def test_budget_run_out_before_a_pause_breaches_at_the_deadline(self):
        """The deadline passes, the ticket waits on the client before the cron
        runs, then resumes: the breach date is when the budget ran out, not
        the resume moment."""
        ticket = self._ticket("3")
        resolution = self._timer(ticket, "resolution")
        deadline = resolution.deadline  # Tuesday 10:00 Paris
        with freeze_time("2026-11-24 10:00:00"):  # Tuesday 11:00 Paris, no cron
            ticket.stage_id = self.stage_awaiting
        self.assertEqual(resolution.status, "breached")
        self.assertEqual(resolution.breach_date, deadline)
        self.assertEqual(resolution.deadline, deadline)
        with freeze_time("2026-11-26 08:00:00"):  # Thursday 9:00 Paris
            ticket.stage_id = self.stage_progress
            self.env["tma.sla.timer"]._cron_check()
        self.assertEqual(resolution.status, "breached")
        self.assertEqual(resolution.deadline, deadline)
        self.assertEqual(resolution.breach_date, deadline)
        self.assertTrue(resolution.breach_notified)

    def test_timer_paused_within_its_budget_resumes_running(self):
        ticket = self._ticket("3")
        resolution = self._timer(ticket, "resolution")
        with freeze_time("2026-11-23 10:00:00"):
            ticket.stage_id = self.stage_awaiting
        self.assertEqual(resolution.status, "paused")
        self.assertFalse(resolution.breach_date)
        with freeze_time("2026-11-25 08:00:00"):
            ticket.stage_id = self.stage_progress
        self.assertEqual(resolution.status, "running")
        self.assertFalse(resolution.breach_date)

    def test_planned_insert_stores_what_the_orm_and_the_plan_would(self):
        """New timers are inserted with their plan in one statement: the row of
        each is the one the ORM's create (defaults, related partner, company
        and team) followed by a plan would have written."""
        ticket = self._ticket("3")
        Timer = self.env["tma.sla.timer"]
        stored = [
            fname
            for fname, field in Timer._fields.items()
            if field.store
            and field.column_type
            and fname not in ("id", "create_date", "write_date")
        ]
        self.env.invalidate_all()

        def row_of(timer):
            row = timer.read(stored)[0]
            del row["id"]
            return row

        inserted = {t.metric: row_of(t) for t in ticket.tma_sla_timer_ids}
        self.assertEqual(len(inserted), 4)
        self.assertTrue(all(row["deadline"] for row in inserted.values()))
        self.assertEqual(
            {row["partner_id"][0] for row in inserted.values()},
            {self.contract.partner_id.id},
        )
        given = (
            "ticket_id contract_id policy_id target_id support_level_id metric "
            "criticality calendar_id target_minutes ramp_up start_date "
            "segment_start status"
        ).split()
        inputs = [
            {
                fname: value[0] if isinstance(value, tuple) else value
                for fname, value in row.items()
                if fname in given
            }
            for row in inserted.values()
        ]
        ticket.tma_sla_timer_ids.unlink()
        through_orm = Timer.sudo().create(inputs)
        through_orm._plan()
        self.env.invalidate_all()
        self.maxDiff = None
        for timer in through_orm:
            self.assertEqual(row_of(timer), inserted[timer.metric])

    def test_array_literal_round_trips_through_postgresql(self):
        """The arrays new timers are inserted from give back each value as
        it was: quotes, backslashes, commas, braces, the word NULL, accents,
        empty values, datetimes, numbers and booleans."""
        texts = [None, 'a"b\\c', "NULL", "x, y {z}", "été", ""]
        moments = [datetime(2026, 11, 23, 9, 30, 5), None]
        self.env.cr.execute(
            "SELECT %s::varchar[], %s::timestamp[], %s::float8[], %s::bool[], "
            "%s::int4[]",
            [
                array_literal(texts),
                array_literal(moments),
                array_literal([1.5, 0.1, None]),
                array_literal([True, False]),
                array_literal([7, None]),
            ],
        )
        self.assertEqual(
            self.env.cr.fetchone(),
            (texts, moments, [1.5, 0.1, None], [True, False], [7, None]),
        )
        with self.assertRaises(TypeError):
            array_literal([{"en_US": "x"}])
