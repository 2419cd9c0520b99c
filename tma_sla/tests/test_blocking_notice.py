# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Immediate notices of blocking incidents: opened (or qualified),
acknowledged, worked around, resolved; once each; banner in the portal."""

from unittest.mock import patch

from psycopg2 import errors

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import TmaSlaCommon


@tagged("post_install", "-at_install")
class TestBlockingNotice(HttpCase, TmaSlaCommon):
    def _notices(self, ticket):
        template = self.env.ref("tma_sla.mail_template_tma_blocking_notice")
        return ticket.message_ids.filtered(
            lambda m: (
                "Blocking incident" in (m.subject or "")
                and m.model == "helpdesk.ticket"
                and template
            )
        )

    def _send(self):
        return self.env["helpdesk.ticket"]._cron_blocking_notices()

    def test_each_step_of_a_blocking_incident_is_announced_once(self):
        ticket = self._ticket(priority="3")
        self.assertEqual(ticket.tma_notice_pending, "opened")
        self._send()
        self.assertEqual(len(self._notices(ticket)), 1)
        self.assertIn(self.contact_a, self._notices(ticket).partner_ids)
        self.assertIn(self.client_a, self._notices(ticket).partner_ids)
        # Nothing new: nothing sent.
        ticket.name = "Production arrêtée"
        self.assertFalse(self._send())
        # Acknowledged, worked around, resolved.
        ticket.write({"user_id": self.engineer.id, "stage_id": self.stage_progress.id})
        self._send()
        ticket.action_tma_workaround()
        self._send()
        ticket.stage_id = self.stage_done
        self._send()
        subjects = self._notices(ticket).mapped("subject")
        self.assertEqual(len(subjects), 4)
        for label in ("Opened", "Acknowledged", "Worked around", "Resolved"):
            self.assertEqual(sum(label in s for s in subjects), 1, label)
        self.assertEqual(ticket.tma_notice_sent, "resolved")
        self.assertFalse(ticket.tma_notice_pending)

    def test_notices_meeting_a_concurrent_write_are_sent_a_minute_later(self):
        """Under load a ticket written by another transaction since the cron's
        began stops its batch with a concurrency error (the end-to-end fault
        test met it): nothing is sent, the job does not fail, and the cron
        comes back a minute later and sends the notice."""
        ticket = self._ticket(priority="3")
        cron = self.env.ref("tma_sla.ir_cron_tma_blocking_notices")
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        Ticket = type(self.env["helpdesk.ticket"])
        concurrent = errors.SerializationFailure("could not serialize access")
        with (
            patch.object(Ticket, "message_post_with_source", side_effect=concurrent),
            mute_logger("odoo.addons.tma_contract.models.utils"),
        ):
            self.assertFalse(self._send())
        self.assertEqual(ticket.tma_notice_pending, "opened")
        self.assertFalse(self._notices(ticket))
        rearmed = (
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]) - triggers
        )
        self.assertEqual(len(rearmed), 1)
        self.assertGreater(rearmed.call_at, fields.Datetime.now())
        self._send()
        self.assertEqual(len(self._notices(ticket)), 1)
        self.assertFalse(ticket.tma_notice_pending)

    def test_qualifying_a_ticket_as_blocking_announces_it(self):
        ticket = self._ticket(priority="1")
        self.assertFalse(ticket.tma_notice_pending)
        ticket.priority = "3"
        self.assertEqual(ticket.tma_notice_pending, "opened")

    def test_minor_tickets_and_tickets_without_contract_are_not_announced(self):
        minor = self._ticket(priority="1")
        minor.write({"user_id": self.engineer.id, "stage_id": self.stage_done.id})
        outside = self.env["helpdesk.ticket"].create(
            {
                "name": "Hors contrat",
                "description": "x",
                "team_id": self.team.id,
                "priority": "3",
            }
        )
        self.assertFalse(minor.tma_notice_pending)
        self.assertFalse(outside.tma_notice_pending)

    def test_portal_shows_the_banner_to_the_client(self):
        ticket = self._ticket(priority="3", name="Paie bloquée")
        self._send()
        self.authenticate(self.portal_a.login, self.portal_a.login)
        page = self.url_open(f"/my/ticket/{ticket.id}")
        self.assertIn("o_tma_blocking_banner", page.text)
        page = self.url_open(f"/my/tma/contracts/{self.contract.id}")
        self.assertIn("o_tma_blocking_banner", page.text)
        self.assertIn("Paie bloquée", page.text)
        ticket.stage_id = self.stage_done
        page = self.url_open(f"/my/tma/contracts/{self.contract.id}")
        self.assertNotIn("o_tma_blocking_banner", page.text)
        page = self.url_open(f"/my/ticket/{ticket.id}")
        self.assertNotIn("o_tma_blocking_banner", page.text)
