# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import MONDAY_10H, TmaSlaCommon


@tagged("post_install", "-at_install")
class TestCron(TmaSlaCommon):
    def _breach_notes(self, ticket):
        return ticket.message_ids.filtered(lambda m: "breached" in (m.body or ""))

    def test_breach_is_notified_once(self):
        with freeze_time(MONDAY_10H):
            ticket = self._ticket("3")
        ack = self._timer(ticket, "acknowledgement")
        with freeze_time("2026-11-23 09:29:00"):
            self.env["tma.sla.timer"]._cron_check()
        self.assertEqual(ack.status, "running", "not due yet")
        with freeze_time("2026-11-23 09:29:00"):
            self.assertEqual(
                self.env["helpdesk.ticket"].search(
                    [("id", "=", ticket.id), ("tma_sla_breached", "=", False)]
                ),
                ticket,
            )
        self.assertFalse(self._breach_notes(ticket))
        with freeze_time("2026-11-23 09:31:00"):
            self.env["tma.sla.timer"]._cron_check()
            self.assertEqual(ack.status, "breached")
            self.assertTrue(ack.breach_notified)
            self.assertEqual(ticket.tma_sla_status, "late")
            Ticket = self.env["helpdesk.ticket"]
            domain = [("id", "=", ticket.id)]
            self.assertEqual(
                Ticket.search([*domain, ("tma_sla_breached", "=", True)]), ticket
            )
            self.assertFalse(Ticket.search([*domain, ("tma_sla_breached", "=", False)]))
            notes = self._breach_notes(ticket)
            self.assertEqual(len(notes), 1)
            activities = ticket.activity_ids.filtered(
                lambda a: (
                    a.activity_type_id
                    == self.env.ref("tma_sla.mail_activity_type_tma_sla_breach")
                )
            )
            self.assertEqual(activities.user_id, self.team_lead | self.manager)
            mails = self.env["mail.mail"].search(
                [("model", "=", "tma.sla.timer"), ("res_id", "=", ack.id)]
            )
            self.assertEqual(len(mails), 1)
            self.assertIn(self.contact_a, mails.recipient_ids)
            # Idempotent: a second run (or a second cron worker) adds nothing.
            self.env["tma.sla.timer"]._cron_check()
            self.assertEqual(self._breach_notes(ticket), notes)
            self.assertEqual(
                self.env["mail.mail"].search_count(
                    [("model", "=", "tma.sla.timer"), ("res_id", "=", ack.id)]
                ),
                1,
            )

    def test_no_client_email_when_the_contract_says_so(self):
        self.contract.sla_notify_client = False
        with freeze_time(MONDAY_10H):
            ticket = self._ticket("3")
        with freeze_time("2026-11-23 09:31:00"):
            self.env["tma.sla.timer"]._cron_check()
        ack = self._timer(ticket, "acknowledgement")
        self.assertEqual(ack.status, "breached")
        self.assertFalse(
            self.env["mail.mail"].search(
                [("model", "=", "tma.sla.timer"), ("res_id", "=", ack.id)]
            )
        )

    def test_late_fulfilment_is_notified_by_the_cron(self):
        with freeze_time(MONDAY_10H):
            ticket = self._ticket("3")
        ack = self._timer(ticket, "acknowledgement")
        with freeze_time("2026-11-23 10:00:00"):
            ticket.write(
                {"user_id": self.engineer.id, "stage_id": self.stage_progress.id}
            )
            self.assertEqual(ack.status, "breached")
            self.assertFalse(ack.breach_notified)
            self.env["tma.sla.timer"]._cron_check()
        self.assertTrue(ack.breach_notified)
        notes = self._breach_notes(ticket).filtered(
            lambda m: "Acknowledgement" in m.body
        )
        self.assertEqual(len(notes), 1)

    def test_rules_escalate_l1_to_l2_at_75_percent_then_l3_on_breach(self):
        with freeze_time(MONDAY_10H):
            ticket = self._ticket("3")
        resolution = self._timer(ticket, "resolution")
        # 75 % of 480 minutes = 360 minutes → Monday 17:00 Paris.
        self.assertEqual(str(resolution.next_escalation_date), "2026-11-23 16:00:00")
        with freeze_time("2026-11-23 16:01:00"):
            self.env["tma.sla.timer"]._cron_check()
        self.assertEqual(ticket.tma_support_level_id, self.l2)
        self.assertEqual(str(resolution.next_escalation_date), "2026-11-24 09:00:00")
        with freeze_time("2026-11-24 09:01:00"):
            self.env["tma.sla.timer"]._cron_check()
            self.env["tma.sla.timer"]._cron_check()
        self.assertEqual(ticket.tma_support_level_id, self.l3)
        escalations = ticket.tma_escalation_ids.sorted("id")
        self.assertEqual(escalations.mapped("from_level_id"), self.l1 | self.l2)
        self.assertEqual(escalations.mapped("to_level_id"), self.l2 | self.l3)
        self.assertFalse(escalations.user_id, "rules escalate, not people")
        self.assertTrue(all(escalations.mapped("rule_id")))
        # The next level is told.
        self.assertIn(self.engineer.partner_id, ticket.message_partner_ids)
        self.assertIn(self.manager.partner_id, ticket.message_partner_ids)
        # Nothing more to do: rules fire once.
        with freeze_time("2026-11-30 09:00:00"):
            self.env["tma.sla.timer"]._cron_check()
        self.assertEqual(ticket.tma_escalation_ids, escalations)
        self.assertFalse(ticket.tma_sla_timer_ids.filtered("next_escalation_date"))

    def test_manual_escalation_and_de_escalation_with_reason(self):
        with freeze_time(MONDAY_10H):
            ticket = self._ticket("3")
        action = ticket.with_user(self.engineer).action_tma_escalate()
        wizard = Form(
            self.env["tma.sla.escalate"]
            .with_user(self.engineer)
            .with_context(**action["context"])
        )
        self.assertEqual(wizard.level_id, self.l2)
        wizard.reason = "Database expertise needed"
        wizard.save().action_confirm()
        self.assertEqual(ticket.tma_support_level_id, self.l2)
        escalation = ticket.tma_escalation_ids
        self.assertEqual(escalation.user_id, self.engineer)
        self.assertEqual(escalation.direction, "up")
        self.assertEqual(escalation.reason, "Database expertise needed")
        action = ticket.action_tma_deescalate()
        self.assertEqual(action["context"]["default_level_id"], self.l1.id)
        ticket._tma_escalate(self.l1, "Back to the front desk")
        self.assertEqual(ticket.tma_escalation_ids.sorted("id")[-1].direction, "down")

    def test_manager_extends_the_deadlines_from_the_wizard(self):
        with freeze_time(MONDAY_10H):
            ticket = self._ticket("3")
            resolution = ticket.tma_sla_timer_ids.filtered(
                lambda t: t.metric == "resolution"
            )
            action = ticket.with_user(self.manager).action_tma_escalate()
            wizard = Form(
                self.env["tma.sla.escalate"]
                .with_user(self.manager)
                .with_context(**action["context"])
            )
            wizard.level_id = self.l3
            wizard.reason = "Vendor module"
            wizard.extend_deadlines = True
            wizard.extension_reason = "The vendor must ship a fix first."
            wizard.save().action_confirm()
        self.assertEqual(resolution.target_minutes, 960)
        self.assertEqual(
            ticket.tma_escalation_ids.extension_reason,
            "The vendor must ship a fix first.",
        )

    def test_escalation_without_reason_is_refused(self):
        with freeze_time(MONDAY_10H):
            ticket = self._ticket("3")
        with self.assertRaises(UserError):
            ticket._tma_escalate(self.l2, "   ")
        self.assertEqual(ticket.tma_support_level_id, self.l1)
        self.assertFalse(ticket.tma_escalation_ids)

    def test_cannot_escalate_past_the_top_level(self):
        with freeze_time(MONDAY_10H):
            ticket = self._ticket("3", tma_support_level_id=self.l3.id)
        with self.assertRaisesRegex(UserError, "highest level"):
            ticket.action_tma_escalate()
