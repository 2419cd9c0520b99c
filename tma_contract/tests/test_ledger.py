# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..models.utils import user_today
from .common import TmaCommon

# Queries of one posting, from the call to the flushed database (the lock,
# the checks, the entry's number with the balance, the entry, the books, the
# alerts).
CONSUMPTION_QUERIES = 12
CREDIT_QUERIES = 10


@tagged("post_install", "-at_install")
class TestLedger(TmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.today()
        cls.contract = cls._create_contract(low_balance_threshold=2.0)
        cls.late_book = cls._add_book(
            cls.contract, 10, today + timedelta(days=200), "Late"
        )
        cls.early_book = cls._add_book(
            cls.contract, 4, today + timedelta(days=20), "Early"
        )

    def test_consumption_draws_the_earliest_expiring_book_first(self):
        ticket = self._create_ticket(self.contract, complexity="medium")
        entry = self.contract._post_consumption(3.0, ticket=ticket)
        self.assertEqual(entry.allocation_ids.book_id, self.early_book)
        self.assertEqual(self.early_book.units_remaining, 1.0)
        self.assertEqual(self.late_book.units_remaining, 10.0)
        # The next consumption empties the early book and spills onto the late one.
        entry2 = self.contract._post_consumption(3.0, ticket=self._create_ticket())
        self.assertEqual(sorted(entry2.allocation_ids.mapped("units")), [-2.0, -1.0])
        self.assertEqual(self.early_book.state, "exhausted")
        self.assertEqual(self.late_book.units_remaining, 8.0)
        self.assertEqual(self.contract.balance, 8.0)
        self.assertLedgerConsistent(self.contract)

    def test_a_posted_entry_reads_the_same_from_the_cache_and_the_database(self):
        """The engine writes its entries and allocations in SQL and fills the
        cache itself: what a posting leaves in the cache is the row, its
        name, number, date, author and the contract's partner, company and
        mode included."""
        ticket = self._create_ticket(self.contract)
        entry = self.contract._post_consumption(5.0, ticket=ticket)
        names = [
            name
            for name, field in entry._fields.items()
            if field.store and name not in models.LOG_ACCESS_COLUMNS
        ]
        with self.assertQueryCount(0):
            cached = {name: entry[name] for name in names}
            allocations = [
                (a.book_id, a.units, a.company_id) for a in entry.allocation_ids
            ]
        self.env.invalidate_all()
        self.assertEqual({name: entry[name] for name in names}, cached)
        self.assertEqual(
            [(a.book_id, a.units, a.company_id) for a in entry.allocation_ids],
            allocations,
        )
        self.assertEqual(
            entry.name, f"{self.contract.name}-{entry.sequence_number:05d}"
        )
        self.assertEqual(entry.sequence_number, self.contract.entry_seq)
        self.assertEqual(
            (entry.partner_id, entry.company_id, entry.mode, entry.user_id),
            (
                self.contract.partner_id,
                self.contract.company_id,
                "ticket_book",
                self.env.user,
            ),
        )
        self.assertEqual((entry.scope, entry.is_reversed), ("in", False))
        self.assertEqual(
            sorted(allocations, key=lambda a: a[0].id),
            sorted(
                [
                    (self.early_book, -4.0, self.contract.company_id),
                    (self.late_book, -1.0, self.contract.company_id),
                ],
                key=lambda a: a[0].id,
            ),
        )
        self.assertEqual(self.contract.entry_ids.filtered("ticket_id"), entry)
        self.assertLedgerConsistent(self.contract)

    def test_a_second_consumption_of_a_ticket_is_refused(self):
        ticket = self._create_ticket(self.contract)
        self.contract._post_consumption(1.0, ticket=ticket)
        before = self._ledger_state(self.contract)
        with self.assertRaisesRegex(UserError, "already has units recorded"):
            self.contract._post_consumption(1.0, ticket=ticket)
        self.assertEqual(self._ledger_state(self.contract), before)

    def test_zero_or_negative_consumption_is_refused(self):
        before = self._ledger_state(self.contract)
        for units in (0.0, -2.0):
            with self.assertRaisesRegex(ValidationError, "positive number of units"):
                self.contract._post_consumption(units)
        self.assertEqual(self._ledger_state(self.contract), before)

    def test_zero_or_negative_book_is_refused(self):
        before = self._ledger_state(self.contract)
        for units in (0.0, -5.0):
            with self.assertRaisesRegex(ValidationError, "positive number of units"):
                self._add_book(self.contract, units)
        self.assertEqual(self._ledger_state(self.contract), before)

    def test_book_without_contract_is_refused(self):
        count = self.env["tma.unit.book"].search_count([])
        with self.assertRaisesRegex(ValidationError, "must belong to a contract"):
            self.env["tma.unit.book"].create({"name": "Orphan", "units": 5})
        self.assertEqual(self.env["tma.unit.book"].search_count([]), count)

    def test_consumption_on_a_draft_contract_is_refused(self):
        draft = self._create_contract(activate=False)
        self._add_book(draft, 5)
        before = self._ledger_state(draft)
        with self.assertRaisesRegex(UserError, "is not active"):
            draft._post_consumption(1.0)
        self.assertEqual(self._ledger_state(draft), before)

    def test_consumption_on_a_closed_contract_is_refused(self):
        contract = self._create_contract()
        self._add_book(contract, 5)
        self._force_state(contract, "closed")
        before = self._ledger_state(contract)
        with self.assertRaisesRegex(UserError, "is not active"):
            contract._post_consumption(1.0)
        self.assertEqual(self._ledger_state(contract), before)

    def test_consumption_for_another_clients_ticket_is_refused(self):
        ticket_b = self._create_ticket(partner=self.contact_b)
        before = self._ledger_state(self.contract)
        with self.assertRaisesRegex(UserError, "another client"):
            self.contract._post_consumption(1.0, ticket=ticket_b)
        self.assertEqual(self._ledger_state(self.contract), before)

    def test_overdraft_blocked_by_policy_leaves_everything_unchanged(self):
        before = self._ledger_state(self.contract)
        with self.assertRaisesRegex(UserError, "not enough units"):
            self.contract._post_consumption(15.0)
        self.assertEqual(self._ledger_state(self.contract), before)
        self.assertLedgerConsistent(self.contract)

    def test_overdraft_allowed_up_to_the_limit_then_refused(self):
        contract = self._create_contract(overdraft_policy="allow", overdraft_limit=3.0)
        self._add_book(contract, 2)
        entry = contract._post_consumption(4.0)
        self.assertEqual(entry.units, -2.0)
        self.assertEqual(entry.overage_units, 2.0)
        self.assertEqual(entry.billable_units, 2.0)
        self.assertEqual(entry.sale_line_id.product_id, self.overage_product)
        self.assertEqual(entry.sale_line_id.qty_delivered, 2.0)
        self.assertEqual(contract.balance, 0.0)
        before = self._ledger_state(contract)
        with self.assertRaisesRegex(UserError, "overdraft limit of 3.0"):
            contract._post_consumption(2.0)
        self.assertEqual(self._ledger_state(contract), before)
        contract._post_consumption(1.0)
        self.assertEqual(contract.units_overage, 3.0)
        self.assertLedgerConsistent(contract)

    def test_posted_entries_cannot_be_edited_or_deleted(self):
        entry = self.contract.entry_ids[:1]
        with self.assertRaisesRegex(UserError, "cannot be modified"):
            entry.with_user(self.manager).write({"units": 1000})
        with self.assertRaises(AccessError):
            entry.with_user(self.manager).unlink()
        # Even the superuser, past access rights, meets the ledger's own refusal.
        with self.assertRaisesRegex(UserError, "cannot be modified"):
            entry.sudo().write({"units": 1000})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            entry.sudo().unlink()
        self.env.invalidate_all()
        self.assertEqual(entry.units, 4.0)

    def test_entries_cannot_be_created_outside_the_engine(self):
        count = self.env["tma.unit.entry"].search_count([])
        with self.assertRaises(AccessError):
            self.env["tma.unit.entry"].with_user(self.manager).create(
                {"contract_id": self.contract.id, "entry_type": "credit", "units": 99}
            )
        with self.assertRaises(AccessError):
            self.env["tma.unit.entry"].create(
                {"contract_id": self.contract.id, "entry_type": "credit", "units": 99}
            )
        self.assertEqual(self.env["tma.unit.entry"].search_count([]), count)

    def test_balance_and_book_figures_are_protected(self):
        with self.assertRaisesRegex(AccessError, "maintained by the unit ledger"):
            self.contract.with_user(self.manager).write({"balance": 1000})
        with self.assertRaisesRegex(AccessError, "maintained by the unit ledger"):
            self.late_book.with_user(self.manager).write({"units_remaining": 1000})
        with self.assertRaisesRegex(AccessError, "maintained by the unit ledger"):
            self.late_book.write({"units": 1000})
        self.env.invalidate_all()
        self.assertEqual(self.contract.balance, 14.0)
        self.assertEqual(self.late_book.units_remaining, 10.0)

    def test_adjustment_needs_a_manager_and_a_reason(self):
        before = self._ledger_state(self.contract)
        with self.assertRaisesRegex(UserError, "Only TMA managers"):
            self.contract.with_user(self.engineer)._post_adjustment(5.0, "Gift")
        with self.assertRaisesRegex(ValidationError, "needs a reason"):
            self.contract.with_user(self.manager)._post_adjustment(5.0, "  ")
        with self.assertRaisesRegex(ValidationError, "cannot be zero"):
            self.contract.with_user(self.manager)._post_adjustment(0.0, "Nothing")
        self.assertEqual(self._ledger_state(self.contract), before)
        entry = self.contract.with_user(self.manager)._post_adjustment(5.0, "Goodwill")
        self.assertEqual(entry.entry_type, "adjustment")
        self.assertEqual(self.contract.balance, 19.0)
        self.contract.with_user(self.manager)._post_adjustment(-2.0, "Correction")
        self.assertEqual(self.contract.balance, 17.0)
        self.assertLedgerConsistent(self.contract)

    def test_reversal_gives_units_back_once(self):
        ticket = self._create_ticket(self.contract)
        entry = self.contract._post_consumption(5.0, ticket=ticket)
        self.assertEqual(self.contract.balance, 9.0)
        reversal = entry._reverse("Wrong ticket")
        self.assertEqual(reversal.units, 5.0)
        self.assertEqual(reversal.reversed_entry_id, entry)
        self.assertTrue(entry.is_reversed)
        self.assertEqual(self.contract.balance, 14.0)
        self.assertEqual(self.early_book.units_remaining, 4.0)
        with self.assertRaisesRegex(UserError, "already been reversed"):
            entry._reverse("Again")
        with self.assertRaisesRegex(UserError, "cannot themselves be reversed"):
            reversal._reverse("Undo the undo")
        self.assertEqual(self.contract.balance, 14.0)
        self.assertLedgerConsistent(self.contract)

    def test_revaluing_a_ticket_posts_a_reversal_and_a_new_entry(self):
        ticket = self._create_ticket(self.contract, complexity="simple")
        first = ticket._tma_record_consumption()
        self.assertEqual(ticket.tma_units_consumed, 1.0)
        # Same value again: nothing new is posted.
        self.assertFalse(ticket._tma_record_consumption())
        ticket.tma_complexity = "medium"
        second = ticket._tma_record_consumption()
        self.assertTrue(first.is_reversed)
        self.assertEqual(second.consumed_units, 3.0)
        self.assertEqual(ticket.tma_units_consumed, 3.0)
        types = ticket.tma_entry_ids.sorted("id").mapped("entry_type")
        self.assertEqual(types, ["consumption", "reversal", "consumption"])
        self.assertEqual(self.contract.balance, 11.0)
        self.assertLedgerConsistent(self.contract)

    def test_ticket_without_value_is_refused(self):
        contract = self._create_contract(valuation_rule_ids=False)
        self._add_book(contract, 3)
        ticket = self._create_ticket(contract)
        with self.assertRaisesRegex(ValidationError, "worth no units"):
            ticket._tma_record_consumption()
        self.assertFalse(ticket.tma_entry_ids)

    def test_timesheet_valuation_uses_hours_times_rate(self):
        contract = self._create_contract(
            valuation_method="timesheet", units_per_hour=0.5
        )
        self._add_book(contract, 10)
        project = self.env["project.project"].create(
            {"name": "TMA", "allow_timesheets": True}
        )
        self.team.write({"allow_timesheet": True, "default_project_id": project.id})
        ticket = self._create_ticket(contract, project_id=project.id)
        employee = self.env["hr.employee"].create(
            {"name": "Eng", "user_id": self.env.user.id}
        )
        self.env["account.analytic.line"].create(
            {
                "name": "Fix",
                "project_id": project.id,
                "ticket_id": ticket.id,
                "unit_amount": 3.0,
                "employee_id": employee.id,
            }
        )
        entry = ticket._tma_record_consumption()
        self.assertEqual(entry.consumed_units, 1.5)
        self.assertEqual(contract.balance, 8.5)

    def test_expiry_cron_moves_the_remainder_out_once(self):
        contract = self._create_contract()
        book = self._add_book(contract, 6, fields.Date.today() - timedelta(days=1))
        self.assertEqual(book.state, "expired")
        Book = self.env["tma.unit.book"]
        Book._cron_expire_books()
        Book._cron_expire_books()
        expiries = contract.entry_ids.filtered(lambda e: e.entry_type == "expiry")
        self.assertEqual(len(expiries), 1)
        self.assertEqual(expiries.units, -6.0)
        self.assertEqual(contract.balance, 0.0)
        self.assertLedgerConsistent(contract)
        # Expired books are not drawn from.
        with self.assertRaisesRegex(UserError, "not enough units"):
            contract._post_consumption(1.0)

    def test_low_balance_raises_an_activity_and_tells_the_client(self):
        self.contract.user_id = self.manager
        self.contract._post_consumption(11.0)
        self.assertFalse(self.contract.activity_ids)
        self.contract._post_consumption(1.0)  # 2 left: threshold reached
        activity = self.contract.activity_ids
        self.assertEqual(activity.summary, "Low unit balance")
        self.assertEqual(activity.user_id, self.manager)
        message = self.contract.message_ids.filtered(
            lambda m: self.client_a in m.partner_ids
        )
        self.assertTrue(message)
        self.assertIn("units of work left", message[0].body)
        # Going further down does not raise it again.
        self.contract._post_consumption(1.0)
        self.assertEqual(len(self.contract.activity_ids), 1)

    def test_reversal_refusals_leave_the_ledger_unchanged(self):
        adjustment = self.contract.with_user(self.manager)._post_adjustment(
            2.0, "Goodwill"
        )
        consumption = self.contract._post_consumption(1.0)
        before = self._ledger_state(self.contract)
        with self.assertRaisesRegex(UserError, "needs a reason"):
            consumption._reverse(" ")
        with self.assertRaisesRegex(UserError, "Only TMA managers"):
            adjustment.with_user(self.engineer)._reverse("Not mine to undo")
        # The early book gave a unit to the consumption: its credit is used.
        credit = self.early_book.entry_ids.filtered(lambda e: e.entry_type == "credit")
        with self.assertRaisesRegex(UserError, "have been used already"):
            credit._reverse("Sold by mistake")
        self.assertEqual(self._ledger_state(self.contract), before)

    def test_book_and_adjustment_refusals(self):
        regie = self._create_contract(mode="regie")
        with self.assertRaisesRegex(ValidationError, "belong to ticket book contracts"):
            self._add_book(regie, 5)
        closed = self._create_contract()
        self._force_state(closed, "closed")
        with self.assertRaisesRegex(ValidationError, "closed or cancelled"):
            self._add_book(closed, 5)
        with self.assertRaisesRegex(UserError, "closed or cancelled contract"):
            closed.with_user(self.manager)._post_adjustment(1.0, "Late gift")
        before = self._ledger_state(self.contract)
        with self.assertRaisesRegex(UserError, "fewer units than the adjustment"):
            self.contract.with_user(self.manager)._post_adjustment(-100.0, "Too much")
        self.assertEqual(self._ledger_state(self.contract), before)
        self.assertFalse(regie.book_ids or closed.book_ids)

    def test_client_and_mode_of_a_used_contract_cannot_change(self):
        with self.assertRaisesRegex(UserError, "client of a contract"):
            self.contract.partner_id = self.client_b
        with self.assertRaisesRegex(UserError, "mode of a contract"):
            self.contract.mode = "regie"
        self.env.invalidate_all()
        self.assertEqual(self.contract.partner_id, self.client_a)
        self.assertEqual(self.contract.mode, "ticket_book")


@tagged("post_install", "-at_install")
class TestLedgerNumbering(TmaCommon):
    """Each contract's ledger is numbered 1, 2, 3... without gaps."""

    def _numbers(self, contract):
        self.env.invalidate_all()
        return sorted(contract.entry_ids.mapped("sequence_number"))

    def test_entries_are_numbered_per_contract(self):
        first = self._create_contract()
        second = self._create_contract()
        self._add_book(first, 5)
        self._add_book(second, 5)
        first._post_consumption(1.0)
        second._post_consumption(1.0)
        self.assertEqual(self._numbers(first), [1, 2])
        self.assertEqual(self._numbers(second), [1, 2])
        self.assertTrue(
            all(
                entry.name == f"{first.name}-{entry.sequence_number:05d}"
                for entry in first.entry_ids
            )
        )

    def test_a_book_state_follows_its_remainder_in_the_database(self):
        """A posting recomputes a book's stored state only when its remainder
        changes it; the stored row and what depends on the remainder in the
        cache are right either way."""
        contract = self._create_contract()
        book = self._add_book(contract, 3)
        self.assertEqual(book.units_used, 0.0)
        first = contract._post_consumption(2.0)
        self.assertEqual(book.units_used, 2.0)  # not a stale cache
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(book.state, "open")
        last = contract._post_consumption(1.0)
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(book.state, "exhausted")
        # Units given back reopen it; the first reversal leaves it open.
        last._reverse("Posted by mistake")
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual((book.state, book.units_remaining), ("open", 1.0))
        first._reverse("Posted by mistake")
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual((book.state, book.units_remaining), ("open", 3.0))
        self.assertEqual(contract.balance, 3.0)

    def test_today_is_in_the_users_time_zone(self):
        """The ledger's "today" (books' expiry, month of the volume) is the
        user's, read from Odoo's cached user context, and follows a change of
        the user's time zone."""
        contract = self._create_contract()
        user = self.env.user
        days = set()
        # UTC+14 and UTC-11: 25 hours apart, never on the same date.
        for tz in ("Pacific/Kiritimati", "Pacific/Niue"):
            user.tz = tz
            self.assertEqual(user_today(contract), fields.Date.context_today(contract))
            days.add(user_today(contract))
        self.assertEqual(len(days), 2)
        # The context's time zone comes first, as in a request.
        self.assertEqual(
            user_today(contract.with_context(tz="Pacific/Kiritimati")),
            max(days),
        )

    def test_a_refused_revaluation_leaves_no_gap(self):
        contract = self._create_contract()
        self._add_book(contract, 2)
        ticket = self._create_ticket(contract)
        ticket._tma_record_consumption(1.0)
        # The reversal of the 1 unit is refused with the new value: nothing
        # of it may remain, not even its number.
        with self.assertRaisesRegex(UserError, "not enough units left"):
            ticket._tma_record_consumption(5.0)
        contract._post_consumption(1.0)
        self.assertEqual(self._numbers(contract), [1, 2, 3])
        # The counter is the ledger's size (the portal's pager relies on it).
        self.assertEqual(contract.entry_seq, len(contract.entry_ids))

    def test_entry_numbers_are_protected(self):
        contract = self._create_contract()
        with self.assertRaises(AccessError):
            contract.write({"entry_seq": 0})


@tagged("post_install", "-at_install")
class TestLedgerQueries(TmaCommon):
    """Every posting goes through one primitive, at a fixed cost."""

    def test_a_consumption_takes_a_fixed_number_of_queries(self):
        contract = self._create_contract()
        self._add_book(contract, 50)
        tickets = [self._create_ticket(contract) for _i in range(3)]
        contract._post_consumption(1.0, ticket=tickets[0])  # warm-up
        with self.assertQueryCount(__system__=CONSUMPTION_QUERIES):
            self.env.invalidate_all()
            contract._post_consumption(1.0, ticket=tickets[1])
            self.env.flush_all()
        # The same again: the cost does not grow with the ledger.
        with self.assertQueryCount(__system__=CONSUMPTION_QUERIES):
            self.env.invalidate_all()
            contract._post_consumption(1.0, ticket=tickets[2])
            self.env.flush_all()

    def test_a_credit_takes_a_fixed_number_of_queries(self):
        contract = self._create_contract()
        self._add_book(contract, 5)  # warm-up
        with self.assertQueryCount(__system__=CREDIT_QUERIES):
            self.env.invalidate_all()
            self._add_book(contract, 5)
            self.env.flush_all()
