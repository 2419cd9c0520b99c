# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A ticket's live consumption follows the ticket: at most one, on the
contract the ticket is on, whatever moves it."""

from psycopg2.errors import UniqueViolation

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import TmaCommon


@tagged("post_install", "-at_install")
class TestTicketMove(TmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.old = cls._create_contract(title="Old")
        cls.new = cls._create_contract(title="New")
        cls._add_book(cls.old, 10)
        cls._add_book(cls.new, 10)

    def _live(self, ticket):
        self.env.invalidate_all()
        return self.env["tma.unit.entry"].search(
            [
                ("ticket_id", "=", ticket.id),
                ("entry_type", "=", "consumption"),
                ("is_reversed", "=", False),
            ]
        )

    def _consumed_ticket(self, units=3.0):
        ticket = self._create_ticket(self.old)
        ticket._tma_record_consumption(units)
        return ticket

    def test_moving_a_consumed_ticket_moves_its_units(self):
        ticket = self._consumed_ticket()
        ticket.tma_contract_id = self.new
        live = self._live(ticket)
        self.assertEqual(len(live), 1)
        self.assertEqual(live.contract_id, self.new)
        self.assertEqual(live.consumed_units, 3.0)
        self.assertEqual(self.old.balance, 10.0)
        self.assertEqual(self.new.balance, 7.0)
        self.assertLedgerConsistent(self.old)
        self.assertLedgerConsistent(self.new)
        reversal = self.env["tma.unit.entry"].search(
            [("contract_id", "=", self.old.id), ("entry_type", "=", "reversal")]
        )
        self.assertEqual(reversal.ticket_id, ticket)
        self.assertIn("moved to contract", reversal.reason)

    def test_recording_after_a_move_posts_on_the_new_contract(self):
        ticket = self._consumed_ticket()
        ticket.tma_contract_id = self.new
        ticket._tma_record_consumption(3.0)  # the same value: nothing to do
        live = self._live(ticket)
        self.assertEqual(live.contract_id, self.new)
        self.assertEqual(self.new.balance, 7.0)
        self.assertEqual(self.old.balance, 10.0)

    def test_a_move_the_new_contract_cannot_take_is_refused(self):
        poor = self._create_contract(title="Poor")
        self._add_book(poor, 1)
        ticket = self._consumed_ticket()
        before = (self._ledger_state(self.old), self._ledger_state(poor))
        with self.assertRaisesRegex(UserError, "not enough units left"):
            ticket.tma_contract_id = poor
        self.env.invalidate_all()
        self.assertEqual(ticket.tma_contract_id, self.old)
        self.assertEqual(
            (self._ledger_state(self.old), self._ledger_state(poor)), before
        )
        self.assertEqual(self._live(ticket).contract_id, self.old)

    def test_a_move_off_a_closed_contract_is_refused(self):
        ticket = self._consumed_ticket()
        self._force_state(self.old, "closed")
        # The ticket cannot move onto another contract while its units stay
        # on a closed one.
        with self.assertRaisesRegex(UserError, "closed or cancelled contract"):
            ticket.tma_contract_id = self.new
        self.env.invalidate_all()
        self.assertEqual(ticket.tma_contract_id, self.old)
        self.assertEqual(self.new.balance, 10.0)

    def test_detaching_a_ticket_gives_its_units_back(self):
        ticket = self._consumed_ticket()
        ticket.tma_contract_id = False
        self.assertFalse(self._live(ticket))
        self.assertEqual(self.old.balance, 10.0)
        self.assertLedgerConsistent(self.old)

    def test_a_new_client_moves_the_units_with_the_computed_contract(self):
        contract_b = self._create_contract(partner=self.client_b, title="B")
        self._add_book(contract_b, 5)
        ticket = self._consumed_ticket(2.0)
        # Another client: the contract is computed again, the units follow.
        ticket.partner_id = self.contact_b
        self.env.invalidate_all()
        self.assertEqual(ticket.tma_contract_id, contract_b)
        self.assertEqual(self._live(ticket).contract_id, contract_b)
        self.assertEqual(self.old.balance, 10.0)
        self.assertEqual(contract_b.balance, 3.0)

    def test_there_is_never_a_second_live_consumption(self):
        ticket = self._consumed_ticket()
        Entry = self.env["tma.unit.entry"]._tma_engine()
        with (
            self.assertRaises(UniqueViolation),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            Entry.create(
                {
                    "contract_id": self.new.id,
                    "entry_type": "consumption",
                    "ticket_id": ticket.id,
                    "consumed_units": 1.0,
                    "units": -1.0,
                }
            )
        self.assertEqual(len(self._live(ticket)), 1)
