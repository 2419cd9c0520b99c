# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The timers act in batches and never come back in through a ticket write;
the crons report their progress, re-arm themselves and do not starve on the
records they cannot process."""

import re
from contextlib import contextmanager
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged, users, warmup
from odoo.tools import mute_logger

from .common import MONDAY_10H, TmaSlaCommon

UTILS_LOGGER = "odoo.addons.tma_sla.models.utils"
TIMER_LOGGER = "odoo.addons.tma_sla.models.tma_sla_timer_planning"
TICKET_LOGGER = "odoo.addons.tma_sla.models.helpdesk_ticket_timers"


@tagged("post_install", "-at_install")
class TestBatch(TmaSlaCommon):
    def _tickets(self, count, **vals):
        with freeze_time(MONDAY_10H):
            return self.env["helpdesk.ticket"].union(
                *(self._ticket("3", **vals) for _i in range(count))
            )

    def _timer_updates(self, func):
        """Number of UPDATE statements on tma_sla_timer issued by func(), read
        from the cursor's own query log."""
        with self.assertLogs("odoo.sql_db", "DEBUG") as logs:
            func()
        return sum(
            1
            for line in logs.output
            if re.search(r"query: UPDATE \"?tma_sla_timer\"?", line)
        )

    @contextmanager
    def _calls(self, logger, message):
        """The ids of each call whose debug log line starts with ``message``
        (the timer planning and the ticket sync log theirs)."""
        calls = []
        with self.assertLogs(logger, "DEBUG") as logs:
            yield calls
        for line in logs.output:
            found = re.search(re.escape(message) + r" \[([\d, ]*)\]", line)
            if found and found.group(1):
                calls.append([int(i) for i in found.group(1).split(",")])

    def _create_tracked(self, partner, **vals):
        Ticket = self.env["helpdesk.ticket"].with_context(
            tracking_disable=False,
            mail_create_nolog=False,
            mail_create_nosubscribe=False,
            mail_notrack=False,
        )
        values = {
            "name": "Production down",
            "description": "<p>Down</p>",
            "partner_id": partner.id,
            "team_id": self.team.id,
            "priority": "3",
            **vals,
        }
        return Ticket.create(values)

    @users("tma_engineer_t")
    @warmup
    @freeze_time(MONDAY_10H)
    def test_one_ticket_with_four_commitments_tracking_on(self):
        """On a cold record cache, as in a request: the host (helpdesk, its
        number sequence, stages, the chatter's creation message and
        followers) costs 21 queries by itself (see the next test). The
        service-level layer adds 6: the contract (read when the ticket's
        contract is checked to be in force) and its client (compared with
        the requester's), the policy with its targets, escalation rules and
        the sequences of the levels they compare (one query), the timers'
        one INSERT (planned before they are inserted: no UPDATE follows), and
        the blocking notice's cron: whether it is active and its trigger (the
        email itself is sent by the cron, after the commit). The host test's
        search for the requester's contract is not made (the contract is
        given), and the host reads one record of the current user more (its
        company or its user, left in the cache by the host test's set-up).
        The pausing stages and the calendar's timeline are kept in the
        registry's cache; the stored rating figures of a new ticket are
        computed before its INSERT (no rating yet: no query)."""
        with self.assertQueryCount(tma_engineer_t=27):
            ticket = self._create_tracked(
                self.contact_a,
                tma_contract_id=self.contract.id,
                tma_support_level_id=self.l1.id,
            )
        self.assertEqual(len(ticket.tma_sla_timer_ids), 4)
        self.assertTrue(ticket.message_ids, "tracking on: the creation is logged")

    @users("tma_engineer_t")
    @warmup
    @freeze_time(MONDAY_10H)
    def test_the_host_alone_creates_a_ticket_in_21_queries(self):
        """The same ticket for a requester without contract: what the host
        costs (plus the suite's one search for the requester's contract):
        the number sequence (3), the team, its stages, the INSERT, the
        followers (2 INSERTs and their subscriptions), the creation message
        (its subtype, the model, the author, its parent, the alias domain,
        the reply-to alias, its INSERT and its recipients), the requester's
        commercial partner, the contract search, the stage and the UPDATE of
        the computed fields."""
        nobody = self.env["res.partner"].sudo().create({"name": "No contract"})
        with self.assertQueryCount(tma_engineer_t=21):
            ticket = self._create_tracked(nobody)
        self.assertFalse(ticket.tma_contract_id)
        self.assertFalse(ticket.tma_sla_timer_ids)

    def test_a_plan_that_did_not_move_is_not_written(self):
        """Planning again timers whose moments do not move writes nothing;
        the ones that moved are written in one UPDATE."""
        tickets = self._tickets(3)
        timers = tickets.tma_sla_timer_ids
        deadlines = {t.id: t.deadline for t in timers}
        self.env.invalidate_all()
        self.assertEqual(self._timer_updates(timers._plan), 0)
        self.assertEqual({t.id: t.deadline for t in timers}, deadlines)
        moved = timers.filtered(lambda t: t.metric == "resolution")
        moved.write({"used_seconds": 3600})
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(self._timer_updates(timers._plan), 1)
        for timer in timers:
            if timer in moved:
                self.assertLess(timer.deadline, deadlines[timer.id])
            else:
                self.assertEqual(timer.deadline, deadlines[timer.id])

    def test_pause_resume_and_reach_write_the_batch_at_once(self):
        counts = {}
        for size in (1, 6):
            tickets = self._tickets(size)
            with freeze_time("2026-11-23 09:10:00"):
                pause = self._timer_updates(
                    lambda t=tickets: t.write({"stage_id": self.stage_awaiting.id})
                )
            self.assertEqual(
                set(tickets.tma_sla_timer_ids.mapped("status")) - {"met"}, {"paused"}
            )
            with freeze_time("2026-11-23 10:00:00"):
                resume = self._timer_updates(
                    lambda t=tickets: t.write({"stage_id": self.stage_progress.id})
                )
            self.assertEqual(
                set(tickets.tma_sla_timer_ids.mapped("status")) - {"met"}, {"running"}
            )
            with freeze_time("2026-11-23 10:05:00"):
                reach = self._timer_updates(
                    lambda t=tickets: t.write({"stage_id": self.stage_done.id})
                )
            self.assertEqual(set(tickets.tma_sla_timer_ids.mapped("status")), {"met"})
            counts[size] = (pause, resume, reach)
        self.assertTrue(all(counts[1]), "each step writes the timers")
        self.assertEqual(counts[1], counts[6], "as many statements for 6 as for 1")

    def test_escalation_cron_plans_each_timer_once_without_a_ticket_write_loop(self):
        tickets = self._tickets(3)
        # 75 % of the 480-minute resolution: Monday 17:00 Paris.
        with (
            freeze_time("2026-11-23 16:01:00"),
            self._calls(TIMER_LOGGER, "plan timers") as plans,
            self._calls(TICKET_LOGGER, "sync the timers of tickets") as syncs,
        ):
            self.env["tma.sla.timer"]._cron_check()
        self.assertEqual(set(tickets.mapped("tma_support_level_id")), {self.l2})
        self.assertEqual(len(tickets.tma_escalation_ids), 3)
        self.assertEqual(len(syncs), 1, "the escalated tickets are synced once")
        self.assertEqual(sorted(syncs[0]), sorted(tickets.ids))
        self.assertEqual(len(plans), 1, "one plan for the whole batch")
        resolution = tickets.tma_sla_timer_ids.filtered(
            lambda t: t.metric == "resolution"
        )
        self.assertTrue(set(resolution.ids) <= set(plans[0]))
        self.assertEqual(
            set(resolution.mapped("next_escalation_date")),
            {resolution[0].next_escalation_date},
        )
        self.assertEqual(str(resolution[0].next_escalation_date), "2026-11-24 09:00:00")

    def test_a_breach_that_cannot_be_notified_does_not_block_the_others(self):
        # A fault injected into the notification of one ticket (the mail
        # layer refusing it), as a mail server or a template can.
        bad, good = self._tickets(2)
        Timer = type(self.env["tma.sla.timer"])
        original = Timer._notify_breach

        def notify(timers):
            if bad in timers.ticket_id:
                raise ValueError("mail server refuses")
            return original(timers)

        with (
            freeze_time("2026-11-23 09:31:00"),
            patch.object(Timer, "_notify_breach", notify),
            mute_logger(UTILS_LOGGER),
        ):
            done = self.env["tma.sla.timer"]._cron_check(batch_size=1)
            self.assertEqual(done, 1)
            # The bad one is claimed and logged; the next run reaches the good one.
            self.env["tma.sla.timer"]._cron_check(batch_size=1)
        for ticket in (bad, good):
            self.assertTrue(self._timer(ticket, "acknowledgement").breach_notified)
        self.assertTrue(
            good.message_ids.filtered(lambda m: "breached" in (m.body or ""))
        )
        self.assertFalse(
            bad.message_ids.filtered(lambda m: "breached" in (m.body or ""))
        )

    def test_breaches_of_one_ticket_notified_in_one_batch(self):
        ticket = self._tickets(1)
        with freeze_time("2026-11-24 13:00:00"):
            # Four breaches and the escalation rule due at 75 %.
            self.assertEqual(self.env["tma.sla.timer"]._cron_check(), 5)
        self.assertTrue(all(ticket.tma_sla_timer_ids.mapped("breach_notified")))
        notes = ticket.message_ids.filtered(lambda m: "breached" in (m.body or ""))
        self.assertEqual(len(notes), 4, "one note per breached commitment")
        activities = ticket.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("tma_sla.mail_activity_type_tma_sla_breach")
            )
        )
        self.assertEqual(len(activities), 8, "four for the lead, four for the manager")
        self.assertEqual(activities.user_id, self.team_lead | self.manager)
        self.assertEqual(
            len(
                ticket.message_follower_ids.filtered(
                    lambda f: f.partner_id == self.team_lead.partner_id
                )
            ),
            1,
        )
        self.assertEqual(
            self.env["mail.mail"].search_count(
                [
                    ("model", "=", "tma.sla.timer"),
                    ("res_id", "in", ticket.tma_sla_timer_ids.ids),
                ]
            ),
            4,
        )

    def test_breach_cron_reports_progress_and_re_arms_itself(self):
        self._tickets(3)
        cron = self.env.ref("tma_sla.ir_cron_tma_sla_check")
        progress = self.env["ir.cron.progress"].create({"cron_id": cron.id})
        Timer = self.env["tma.sla.timer"].with_context(ir_cron_progress_id=progress.id)
        with freeze_time("2026-11-23 09:31:00"):
            self.assertEqual(Timer._cron_check(batch_size=2), 2)
            self.assertEqual((progress.done, progress.remaining), (2, 1))
            self.assertEqual(Timer._cron_check(batch_size=2), 1)
            self.assertEqual((progress.done, progress.remaining), (1, 0))
            # Outside the cron runner, a run that leaves work re-arms the cron.
            triggers = self.env["ir.cron.trigger"].search_count(
                [("cron_id", "=", cron.id)]
            )
            self._tickets(2)
            self.env["tma.sla.timer"]._cron_check(batch_size=1)
            self.assertEqual(
                self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]),
                triggers + 1,
            )

    def test_pdf_cron_sets_aside_a_report_it_cannot_print(self):
        Report = self.env["tma.sla.service.report"]
        other = self._create_contract(
            mode="forfait", sla_policy_id=self.policy.id, user_id=self.manager.id
        )
        with freeze_time("2026-12-02 08:00:00"):
            bad = Report._generate_for(self.contract, date(2026, 11, 1))
            good = Report._generate_for(other, date(2026, 11, 1))
        (bad | good).pdf_attachment_id.unlink()
        original = type(Report)._render_pdf

        def render(reports):
            if bad in reports:
                raise OSError("wkhtmltopdf crashed")
            return original(reports)

        cron = self.env.ref("tma_sla.ir_cron_tma_sla_report_pdfs")
        progress = self.env["ir.cron.progress"].create({"cron_id": cron.id})
        with (
            patch.object(type(Report), "_render_pdf", render),
            mute_logger(UTILS_LOGGER),
        ):
            printed = Report.with_context(
                ir_cron_progress_id=progress.id
            )._cron_render_pdfs()
            self.assertIn(good, printed)
            self.assertTrue(good.pdf_attachment_id)
            self.assertFalse(bad.pdf_attachment_id)
            self.assertTrue(bad.pdf_error)
            self.assertEqual(progress.remaining, 0)
            # Not tried again by the cron until it is regenerated.
            self.assertNotIn(bad, Report._cron_render_pdfs())
        bad.action_regenerate()
        self.assertTrue(bad.pdf_attachment_id)
        self.assertFalse(bad.pdf_error)

    def test_monthly_cron_sets_aside_a_contract_whose_report_fails(self):
        Report = self.env["tma.sla.service.report"]
        original = type(Report)._generate_for

        def generate(model, contract, month_start):
            if contract == self.contract:
                raise ValueError("broken KPI")
            return original(model, contract, month_start)

        with (
            freeze_time("2026-12-01 06:00:00"),
            patch.object(type(Report), "_generate_for", generate),
            mute_logger(UTILS_LOGGER),
        ):
            reports = Report._cron_monthly_reports()
            self.assertNotIn(self.contract, reports.contract_id)
            failed = Report.search(
                [
                    ("contract_id", "=", self.contract.id),
                    ("date_from", "=", "2026-11-01"),
                ]
            )
            self.assertEqual(failed.state, "draft", "not sent")
            self.assertFalse(failed.generated_on)
            self.assertIn("could not be built", failed.message_ids[:1].body)
            # The next run does not try it again, and nothing is left.
            self.assertFalse(Report._cron_monthly_reports())
