# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Pages driven in a real headless Chromium through Odoo tours."""

from odoo.tests import HttpCase, tagged

from .common import TmaCommon


@tagged("post_install", "-at_install")
class TestTours(HttpCase, TmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract = cls._create_contract(name="TOUR-CONTRACT", title="Tour upkeep")
        cls._add_book(cls.contract, 7)
        cls.ticket = cls._create_ticket(cls.contract, name="Tour ticket")
        cls.ticket._tma_record_consumption()

    def test_portal_client_reads_its_contract(self):
        self.start_tour(
            "/my/home", "tma_portal_contract_tour", login=self.portal_a.login
        )

    def test_engineer_records_units_from_the_ticket_form(self):
        ticket = self._create_ticket(
            self.contract, name="Backend ticket", complexity="medium"
        )
        self.start_tour(
            f"/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/{ticket.id}",
            "tma_backend_record_units_tour",
            login=self.engineer.login,
        )
        self.assertEqual(ticket.tma_units_consumed, 3.0)
