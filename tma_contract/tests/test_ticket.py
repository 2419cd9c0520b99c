# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import TmaCommon


@tagged("post_install", "-at_install")
class TestTicket(TmaCommon):
    def test_contract_is_set_when_exactly_one_active_contract_fits(self):
        contract = self._create_contract()
        self._create_contract(activate=False)  # a draft one does not count
        ticket = self._create_ticket()
        self.assertEqual(ticket.tma_contract_id, contract)

    def test_contract_is_left_empty_when_several_fit(self):
        self._create_contract()
        self._create_contract()
        ticket = self._create_ticket()
        self.assertFalse(ticket.tma_contract_id)

    def test_team_restricts_the_matching_contract(self):
        other_team = self.env["helpdesk.ticket.team"].create({"name": "Other"})
        contract = self._create_contract()
        self._create_contract(team_ids=[Command.set(other_team.ids)])
        ticket = self._create_ticket()
        self.assertEqual(ticket.tma_contract_id, contract)

    def test_ticket_on_an_inactive_contract_is_refused(self):
        draft = self._create_contract(activate=False)
        count = self.env["helpdesk.ticket"].search_count([])
        with self.assertRaisesRegex(ValidationError, "only be attached to an active"):
            self._create_ticket(draft)
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), count)
        ticket = self._create_ticket()
        with self.assertRaisesRegex(ValidationError, "only be attached to an active"):
            ticket.tma_contract_id = draft
        self.assertNotEqual(ticket.tma_contract_id, draft)

    def test_ticket_moved_to_another_clients_contract_is_refused(self):
        contract_b = self._create_contract(partner=self.client_b)
        ticket = self._create_ticket()
        with self.assertRaisesRegex(ValidationError, "another client"):
            ticket.tma_contract_id = contract_b
        self.env.invalidate_all()
        self.assertNotEqual(ticket.tma_contract_id, contract_b)

    def test_ticket_form_shows_contract_and_balance(self):
        contract = self._create_contract()
        self._add_book(contract, 7)
        ticket = self._create_ticket()
        self.assertEqual(ticket.tma_balance, 7.0)
        self.assertEqual(ticket.tma_units_valued, 1.0)
