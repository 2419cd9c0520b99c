# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Service levels in a real headless Chromium, through Odoo tours."""

from datetime import date

from odoo.tests import HttpCase, tagged

from .common import TmaSlaCommon


@tagged("post_install", "-at_install")
class TestSlaTours(HttpCase, TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract.name = "SLA-TOUR"
        cls.ticket = cls._create_ticket(
            cls.contract,
            name="Tour incident",
            priority="3",
            tma_support_level_id=cls.l1.id,
        )
        cls.env["tma.sla.service.report"]._generate_for(cls.contract, date(2026, 11, 1))

    def test_portal_client_follows_its_ticket_and_reports(self):
        self.start_tour(
            f"/my/ticket/{self.ticket.id}",
            "tma_sla_portal_tour",
            login=self.portal_a.login,
        )

    def test_engineer_escalates_with_a_reason(self):
        self.start_tour(
            f"/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/{self.ticket.id}",
            "tma_sla_escalate_tour",
            login=self.engineer.login,
        )
        escalation = self.ticket.tma_escalation_ids
        self.assertEqual(self.ticket.tma_support_level_id, self.l2)
        self.assertEqual(escalation.user_id, self.engineer)
        self.assertEqual(escalation.reason, "Needs a database expert")
