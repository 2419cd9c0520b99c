# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Closing a ticket records its units on contracts that ask for it."""

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import TmaCommon


@tagged("post_install", "-at_install")
class TestConsumeOnClose(TmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.cancelled = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_cancelled")
        cls.progress = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        cls.contract = cls._create_contract()
        cls._add_book(cls.contract, 5)

    def _consumed(self, ticket):
        self.env.invalidate_all()
        return ticket.tma_units_consumed

    def test_the_option_is_on_by_default_for_ticket_books_only(self):
        self.assertTrue(self.contract.consume_on_close)
        self.assertFalse(self._create_contract(mode="regie").consume_on_close)
        self.assertFalse(self._create_contract(mode="forfait").consume_on_close)

    def test_closing_records_the_valuation(self):
        ticket = self._create_ticket(self.contract, complexity="medium")
        ticket.stage_id = self.done
        self.assertEqual(self._consumed(ticket), 3.0)
        self.assertEqual(self.contract.balance, 2.0)
        self.assertLedgerConsistent(self.contract)

    def test_reopening_and_closing_again_never_counts_twice(self):
        ticket = self._create_ticket(self.contract, complexity="medium")
        ticket.stage_id = self.done
        ticket.stage_id = self.progress
        ticket.stage_id = self.done
        self.assertEqual(self._consumed(ticket), 3.0)
        self.assertEqual(self.contract.balance, 2.0)
        self.assertEqual(
            len(ticket.tma_entry_ids.filtered(lambda e: e.entry_type == "consumption")),
            1,
        )

    def test_a_recorded_ticket_keeps_its_units_when_closed(self):
        ticket = self._create_ticket(self.contract, complexity="complex")
        ticket._tma_record_consumption(2.0)  # agreed with the client
        ticket.stage_id = self.done
        self.assertEqual(self._consumed(ticket), 2.0)

    def test_a_closing_the_contract_cannot_take_leaves_the_ticket_open(self):
        ticket = self._create_ticket(self.contract, complexity="complex")
        before = self._ledger_state(self.contract)
        with self.assertRaisesRegex(UserError, "not enough units left"):
            ticket.stage_id = self.done
        self.env.invalidate_all()
        self.assertFalse(ticket.stage_id.closed)
        self.assertEqual(self._ledger_state(self.contract), before)

    def test_a_cancelled_ticket_records_nothing(self):
        ticket = self._create_ticket(self.contract, complexity="medium")
        ticket.stage_id = self.cancelled
        self.assertTrue(ticket.stage_id.closed)
        self.assertEqual(self._consumed(ticket), 0.0)

    def test_without_the_option_closing_records_nothing(self):
        self.contract.consume_on_close = False
        ticket = self._create_ticket(self.contract, complexity="medium")
        ticket.stage_id = self.done
        self.assertEqual(self._consumed(ticket), 0.0)

    def test_a_ticket_worth_nothing_closes_with_a_note(self):
        contract = self._create_contract(valuation_method="timesheet")
        self._add_book(contract, 5)
        ticket = self._create_ticket(contract)
        ticket.stage_id = self.done
        self.assertTrue(ticket.stage_id.closed)
        self.assertEqual(self._consumed(ticket), 0.0)
        self.assertIn("worth none", ticket.message_ids[:1].body)

    def test_a_ticket_created_closed_records_its_units(self):
        ticket = self._create_ticket(self.contract, stage_id=self.done.id)
        self.assertEqual(self._consumed(ticket), 1.0)

    def test_a_cancelled_ticket_done_later_records_its_units(self):
        """From one closing stage to another that records units: the closing
        hook runs, the units are recorded."""
        ticket = self._create_ticket(self.contract, complexity="medium")
        ticket.stage_id = self.cancelled
        ticket.stage_id = self.done
        self.assertEqual(self._consumed(ticket), 3.0)

    def test_one_refused_ticket_closes_none_of_the_batch(self):
        """Each posting runs in its own savepoint inside the write's: the
        ticket the contract refuses rolls back the batch's postings and
        stages, with the contract's refusal."""
        first = self._create_ticket(self.contract, complexity="medium")
        second = self._create_ticket(self.contract, complexity="medium")
        before = self._ledger_state(self.contract)
        with self.assertRaisesRegex(UserError, "not enough units left"):
            (first | second).write({"stage_id": self.done.id})
        self.env.invalidate_all()
        self.assertFalse((first | second).stage_id.closed)
        self.assertEqual(self._ledger_state(self.contract), before)

    def test_the_stage_moves_are_worked_out_once_for_the_hooks(self):
        """``_tma_stage_moves`` tells the closing, the closed already and the
        reopening tickets of a write; a ticket that stays in its stage is
        none of them."""
        open_ticket = self._create_ticket(self.contract)
        done = self._create_ticket(self.contract, stage_id=self.done.id)
        cancelled = self._create_ticket(self.contract, stage_id=self.cancelled.id)
        tickets = open_ticket | done | cancelled
        closing, already_closed, reopening = tickets._tma_stage_moves(
            {"stage_id": self.done.id}
        )
        self.assertEqual(closing, open_ticket | cancelled)
        self.assertEqual(already_closed, cancelled)
        self.assertFalse(reopening)
        closing, already_closed, reopening = tickets._tma_stage_moves(
            {"stage_id": self.progress.id}
        )
        self.assertFalse(closing | already_closed)
        self.assertEqual(reopening, done | cancelled)
        self.assertEqual(tickets._tma_stage_moves({"name": "x"}), (tickets[:0],) * 3)
