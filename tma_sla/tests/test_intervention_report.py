# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Intervention reports: drafted and asked for when a corrective or evolutive
ticket closes, sent to the client, shown in its portal."""

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.tma_contract.tests.common import assert_on_letterhead

from .common import TmaSlaCommon


@tagged("post_install", "-at_install")
class TestInterventionReport(HttpCase, TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.corrective = cls.env.ref("tma_contract.maintenance_type_corrective")
        cls.assistance = cls.env.ref("tma_contract.maintenance_type_assistance")
        cls.app = cls.env["tma.application"].create(
            {"name": "ERP", "partner_id": cls.client_a.id}
        )
        cls.staging = cls.env["tma.application.environment"].create(
            {"name": "Recette", "application_id": cls.app.id}
        )
        cls.contract._tma_write_terms({"application_ids": [Command.set(cls.app.ids)]})

    def _closed(self, maintenance_type=None, **vals):
        ticket = self._ticket(
            tma_maintenance_type_id=(maintenance_type or self.corrective).id,
            user_id=self.engineer.id,
            **vals,
        )
        ticket.stage_id = self.stage_done
        return ticket

    def _fill(self, report):
        report.write(
            {
                "diagnosis": "<p>Clé de session expirée</p>",
                "actions_done": "<p>Renouvellement automatique de la clé</p>",
                "fix_kind": "patch",
                "validated_by": "Léa Moreau",
                "environment_id": self.staging.id,
                "time_spent": 2.5,
                "follow_up": "<p>Surveiller une semaine</p>",
            }
        )

    def test_the_report_prints_on_the_letterhead(self):
        report = self._closed().tma_intervention_report_ids
        self._fill(report)
        html = assert_on_letterhead(
            self, "tma_sla.action_report_tma_intervention", report
        )
        for text in (
            report.ticket_id.display_name,
            "Clé de session expirée",
            "Renouvellement automatique de la clé",
            "Léa Moreau",
            self.staging.name,
            "Surveiller une semaine",
        ):
            self.assertIn(text, html)

    def test_closing_an_incident_asks_its_assignee_for_the_report(self):
        ticket = self._closed()
        report = ticket.tma_intervention_report_ids
        self.assertEqual(len(report), 1)
        self.assertEqual(report.state, "draft")
        activity = report.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.engineer)
        # Reopened and closed again: still one report.
        ticket.stage_id = self.stage_progress
        ticket.stage_id = self.stage_done
        self.assertEqual(len(ticket.tma_intervention_report_ids), 1)

    def test_closing_an_assistance_ticket_asks_nothing(self):
        ticket = self._closed(self.assistance)
        self.assertFalse(ticket.tma_intervention_report_ids)

    def test_incomplete_report_cannot_be_sent(self):
        report = self._closed().tma_intervention_report_ids
        with self.assertRaises(UserError):
            report.action_send()
        self.assertEqual(report.state, "draft")

    def test_environment_of_another_application_is_refused(self):
        other = self.env["tma.application"].create(
            {"name": "CRM", "partner_id": self.client_a.id}
        )
        prod = self.env["tma.application.environment"].create(
            {"name": "Production", "application_id": other.id}
        )
        ticket = self._closed(tma_application_id=self.app.id)
        report = ticket.tma_intervention_report_ids
        with self.assertRaises(ValidationError):
            report.environment_id = prod

    @mute_logger("odoo.sql_db")
    def test_negative_time_is_refused(self):
        report = self._closed().tma_intervention_report_ids
        with self.assertRaises(IntegrityError), self.env.cr.savepoint():
            report.time_spent = -1
            report.flush_recordset()

    def test_sent_report_reaches_the_client_by_email_and_portal(self):
        ticket = self._closed(name="Connexion impossible")
        report = ticket.tma_intervention_report_ids
        self._fill(report)
        report.action_send()
        self.assertEqual(report.state, "sent")
        self.assertFalse(report.activity_ids)
        message = ticket.message_ids.filtered(
            lambda m: "Clé de session expirée" in (m.body or "")
        )
        self.assertEqual(len(message), 1)
        self.assertIn(self.contact_a, message.partner_ids)
        self.authenticate(self.portal_a.login, self.portal_a.login)
        page = self.url_open(f"/my/ticket/{ticket.id}")
        self.assertIn('id="tma_intervention_report"', page.text)
        self.assertIn("Renouvellement automatique", page.text)
        self.assertIn("Surveiller une semaine", page.text)

    def test_draft_report_stays_out_of_the_portal(self):
        ticket = self._closed()
        self._fill(ticket.tma_intervention_report_ids)
        self.authenticate(self.portal_a.login, self.portal_a.login)
        page = self.url_open(f"/my/ticket/{ticket.id}")
        self.assertNotIn('id="tma_intervention_report"', page.text)
