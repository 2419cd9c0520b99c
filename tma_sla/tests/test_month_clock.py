# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The service-level monthly figures count the contract's local month: the
month of its SLA calendar's time zone (Europe/Paris here). 00:30 on the 1st
in Paris is 23:30 UTC the day before in winter, 22:30 UTC in summer."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.tma_contract.tests.common import MONTH_EDGE_SUMMER, MONTH_EDGE_WINTER

from .common import TmaSlaCommon


@tagged("post_install", "-at_install")
class TestSlaMonth(TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The SLA calendar's time zone wins over the provider's.
        cls.company.partner_id.tz = "Asia/Tokyo"
        cls.app = cls.env["tma.application"].create(
            {"name": "ERP A", "partner_id": cls.client_a.id}
        )
        cls.prod = cls.env["tma.application.environment"].create(
            {"name": "Production", "application_id": cls.app.id}
        )
        cls.commitment = cls.env["tma.sla.availability.target"].create(
            {
                "contract_id": cls.contract.id,
                "environment_id": cls.prod.id,
                "coverage": "24_7",
            }
        )

    def _ticket_at(self, moment):
        """A ticket opened at ``moment`` (naive UTC; the transaction's clock,
        which stamps create_date, follows the frozen one)."""
        with freeze_time(moment):
            return self._ticket()

    def _outage(self, start, minutes):
        return self.env["tma.sla.outage"].create(
            {
                "name": "Database down",
                "environment_id": self.prod.id,
                "kind": "unplanned",
                "date_start": start,
                "date_end": start + timedelta(minutes=minutes),
            }
        )

    def test_the_sla_calendar_time_zone_is_the_contract_one(self):
        self.assertEqual(self.contract._tma_tz().zone, "Europe/Paris")
        no_sla = self._create_contract(date_start=date(2026, 1, 1))
        self.assertEqual(no_sla._tma_tz().zone, "Asia/Tokyo")

    def test_the_trends_count_the_local_month(self):
        for first, new_month, old_month in (MONTH_EDGE_WINTER, MONTH_EDGE_SUMMER):
            with self.subTest(month=first):
                before = self.contract._tma_sla_trends(first, months=2)
                self._ticket_at(new_month)
                self._ticket_at(old_month)
                with freeze_time(new_month):
                    self.contract._post_consumption(3.0)
                trends = self.contract._tma_sla_trends(first, months=2)
                self.assertEqual(
                    trends["months"],
                    [f"{first.year}-{first.month - 1:02d}", first.strftime("%Y-%m")],
                )
                pairs = zip(trends["opened"], before["opened"], strict=True)
                opened = [now - then for now, then in pairs]
                self.assertEqual(opened, [1, 1])
                units = trends["units_consumed"][1] - before["units_consumed"][1]
                self.assertEqual(units, 3.0)

    def test_the_availability_month_starts_at_local_midnight(self):
        for first, _new_month, _old_month in (MONTH_EDGE_WINTER, MONTH_EDGE_SUMMER):
            with self.subTest(month=first):
                start, end = self.contract._tma_month_bounds(first)
                # Down from 00:00 to 00:30 on the 1st in Paris: this month.
                outage = self._outage(start, 30)
                with freeze_time(start + timedelta(hours=6)):
                    self.commitment.invalidate_recordset(["availability_month"])
                    self.assertEqual(
                        self.commitment.availability_month,
                        round(100.0 * 5.5 / 6, 3),
                    )
                    self.assertTrue(self.commitment.under_target)
                month = self.commitment._get_month_availability(first)
                hours = (end - start).total_seconds() / 3600
                self.assertEqual(
                    month[self.commitment.id]["availability"],
                    round(100.0 * (hours - 0.5) / hours, 3),
                )
                outage.unlink()
