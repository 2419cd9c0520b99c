# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One month for every monthly figure: the contract's local calendar month.

The provider company is in Paris: 00:30 on the 1st in Paris is 23:30 UTC on
the last day of the month before in winter (UTC+1) and 22:30 UTC in summer
(UTC+2). Work done then counts in the new month for every figure."""

from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MONTH_EDGE_SUMMER, MONTH_EDGE_WINTER, TmaCommon


@tagged("post_install", "-at_install")
class TestContractMonth(TmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "Europe/Paris"

    def _contract(self, **vals):
        return self._create_contract(
            mode="forfait", date_start=date(2025, 1, 1), monthly_volume=10.0, **vals
        )

    def _consume(self, contract, units, moment):
        with freeze_time(moment):
            return contract._post_consumption(units)

    def _ticket_at(self, contract, moment):
        """A ticket of ``contract`` opened and closed at ``moment`` (naive
        UTC; the transaction's clock, which stamps create_date, follows the
        frozen one)."""
        with freeze_time(moment):
            ticket = self._create_ticket(contract)
            ticket.closed_date = moment
        return ticket

    def test_fixtures_made_under_a_frozen_clock_are_dated_by_it(self):
        # The transaction's clock (create_date, write_date) follows a frozen
        # clock in the tests, and only while it is frozen.
        with freeze_time("2026-03-15 10:00:00"):
            contract = self._contract()
            contract.title = "Written at the frozen moment"
        self.assertEqual(contract.create_date, datetime(2026, 3, 15, 10, 0))
        self.assertEqual(contract.write_date, datetime(2026, 3, 15, 10, 0))
        later = self._contract()
        self.assertGreater(later.create_date, datetime(2026, 12, 1))

    def test_the_clock_counts_in_the_contract_time_zone(self):
        contract = self._contract()
        self.assertEqual(contract._tma_tz().zone, "Europe/Paris")
        self.assertEqual(
            contract._tma_month_bounds(date(2026, 2, 14)),
            (datetime(2026, 1, 31, 23, 0), datetime(2026, 2, 28, 23, 0)),
        )
        self.assertEqual(
            contract._tma_month_bounds(date(2026, 7, 14)),
            (datetime(2026, 6, 30, 22, 0), datetime(2026, 7, 31, 22, 0)),
        )
        for first, new_month, old_month in (MONTH_EDGE_WINTER, MONTH_EDGE_SUMMER):
            with freeze_time(new_month):
                self.assertEqual(contract._tma_today(), first)
            with freeze_time(old_month):
                self.assertLess(contract._tma_today(), first)

    def test_without_company_time_zone_the_user_time_zone_counts(self):
        self.company.partner_id.tz = False
        contract = self._contract()
        self.assertEqual(
            contract.with_context(tz="Asia/Tokyo")._tma_tz().zone, "Asia/Tokyo"
        )

    def test_the_cap_month_starts_at_local_midnight(self):
        for first, new_month, old_month in (MONTH_EDGE_WINTER, MONTH_EDGE_SUMMER):
            with self.subTest(month=first):
                contract = self._create_contract(
                    mode="regie", date_start=date(2025, 1, 1), monthly_volume=10.0
                )
                # 23:30 in Paris on the last day: last month's work, not
                # counted against this month's cap.
                self._consume(contract, 6.0, old_month)
                # 00:30 in Paris on the 1st: this month's.
                self._consume(contract, 4.0, new_month)
                cap, already = contract._get_regie_cap(first.replace(day=10))
                self.assertEqual((cap, already), (10.0, 4.0))
                self.assertEqual(contract._month_consumption(first), 4.0)
                self._consume(contract, 6.0, new_month)
                with self.assertRaisesRegex(UserError, "cap of 10.0 units"):
                    self._consume(contract, 1.0, new_month)

    def test_the_volume_alert_counts_the_local_month(self):
        for first, new_month, old_month in (MONTH_EDGE_WINTER, MONTH_EDGE_SUMMER):
            with self.subTest(month=first):
                contract = self._contract(
                    user_id=self.manager.id, volume_alert_deviation=0.0
                )
                # 9 units on the last evening of the month before: no alert
                # then, and none carried into the new month.
                self._consume(contract, 9.0, old_month)
                self._consume(contract, 2.0, new_month)
                self.assertFalse(contract.volume_alert_month)
                # 9 more at 00:30 on the 1st and after: 11 in the new month.
                self._consume(contract, 9.0, new_month)
                self.assertEqual(contract.volume_alert_month, first)
                self.assertIn(
                    "Monthly volume exceeded",
                    contract.activity_ids.mapped("summary"),
                )

    def test_the_package_kpi_rows_count_the_local_month(self):
        for first, new_month, old_month in (MONTH_EDGE_WINTER, MONTH_EDGE_SUMMER):
            with self.subTest(month=first):
                contract = self._contract()
                self._ticket_at(contract, new_month)
                self._ticket_at(contract, old_month)
                self._consume(contract, 3.0, new_month)
                self._consume(contract, 5.0, old_month)
                previous = date(first.year, first.month - 1, 1)
                rows = contract._tma_export_kpi_rows(previous, first.replace(day=28))
                values = {(month, name): value for month, name, value in rows}
                for month in (previous, first):
                    self.assertEqual(values[month, "Tickets opened"], 1)
                    self.assertEqual(values[month, "Tickets closed"], 1)
                self.assertEqual(values[first, "Units consumed"], 3.0)
                self.assertEqual(values[previous, "Units consumed"], 5.0)

    def test_the_capacity_report_counts_the_local_month(self):
        for first, new_month, old_month in (MONTH_EDGE_WINTER, MONTH_EDGE_SUMMER):
            with self.subTest(month=first):
                contract = self._contract()
                self._consume(contract, 3.0, new_month)
                self._consume(contract, 5.0, old_month)
                Report = self.env["tma.capacity.report"]
                Report._refresh(today=first.replace(day=15))
                rows = Report.search([("contract_id", "=", contract.id)])
                consumed = {row.month: row.consumed_units for row in rows}
                previous = date(first.year, first.month - 1, 1)
                self.assertEqual(consumed[first], 3.0)
                self.assertEqual(consumed[previous], 5.0)

    def test_this_month_units_count_the_local_month(self):
        contract = self._contract()
        first, new_month, old_month = MONTH_EDGE_WINTER
        self._consume(contract, 3.0, new_month)
        self._consume(contract, 5.0, old_month)
        with freeze_time(first.replace(day=10)):
            contract.invalidate_recordset(["units_month"])
            self.assertEqual(contract.units_month, 3.0)

    def test_a_book_expires_at_the_end_of_its_day_in_the_contract_time_zone(self):
        """A book valid until the last day of January runs to midnight in
        Paris, for the expiry cron, the book's state and the consumption that
        draws from it, whatever the time zone of the user or the cron: Tokyo
        is in February an hour before Paris, New York still in January after."""
        first, paris_half_past_midnight, paris_half_past_eleven = MONTH_EDGE_WINTER
        contract = self._create_contract(date_start=date(2025, 1, 1))
        with freeze_time(paris_half_past_eleven):
            tokyo = contract.with_context(tz="Asia/Tokyo")
            book = self._add_book(tokyo, 5, expiry=date(2026, 1, 31))
            book.invalidate_recordset(["state"])
            self.assertEqual(book.with_context(tz="Asia/Tokyo").state, "open")
            self.env["tma.unit.book"].with_context(tz="Asia/Tokyo")._cron_expire_books()
            self.assertEqual(book.units_remaining, 5.0)
            tokyo._post_consumption(1.0)  # still drawn from the book
            self.assertEqual(book.units_remaining, 4.0)
        with freeze_time(paris_half_past_midnight):
            new_york = contract.with_context(tz="America/New_York")
            self.assertEqual(new_york._tma_today(), first)
            with self.assertRaisesRegex(UserError, "not enough units"):
                new_york._post_consumption(1.0)
            Book = self.env["tma.unit.book"].with_context(tz="America/New_York")
            Book._cron_expire_books()
            Book._cron_expire_books()
            self.assertEqual(book.units_remaining, 0.0)
            self.assertEqual(book.state, "expired")
        expiries = contract.entry_ids.filtered(lambda e: e.entry_type == "expiry")
        self.assertEqual(expiries.mapped("units"), [-4.0])
        self.assertLedgerConsistent(contract)
