# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo.tests import HttpCase, tagged

from odoo.addons.tma_contract.tools.burndown import nice_ticks

from .common import TmaCommon, contract_today


class ForecastCommon(TmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The contracts' today, in their time zone (the provider's).
        cls.today = contract_today(cls.env)

    @classmethod
    def _consume(cls, contract, count):
        for _i in range(count):
            cls._create_ticket(contract)._tma_record_consumption()

    @classmethod
    def _contract_with_history(cls, units=20, consumed=6, **vals):
        """A contract 90 days old (a full window: the rate is what it
        consumed, ``consumed`` units, so ``consumed / 3`` a month)."""
        values = {"date_start": cls.today - timedelta(days=90), "monthly_volume": 0}
        values.update(vals)
        contract = cls._create_contract(**values)
        cls._add_book(contract, units)
        cls._consume(contract, consumed)
        return contract

    def _approved_estimate(self, contract, units):
        ticket = self._create_ticket(
            contract,
            tma_maintenance_type_id=self.env.ref(
                "tma_contract.maintenance_type_evolutive"
            ).id,
        )
        values = {"units": units}
        if contract.mode == "regie":
            # Capped time and materials: estimated in hours.
            values = {"hours": units / (contract.units_per_hour or 1.0)}
        estimate = self.env["tma.evolution.estimate"].create(
            {
                "ticket_id": ticket.id,
                "method": "free",
                "justification": "Two screens and a report",
                **values,
            }
        )
        self.assertEqual(estimate.units, units)
        estimate.action_send()
        estimate.with_user(self.portal_a).sudo()._approve(self.contact_a)
        return estimate


@tagged("post_install", "-at_install")
class TestForecast(ForecastCommon):
    def test_rate_is_the_consumption_of_a_full_window(self):
        contract = self._contract_with_history()
        self.assertAlmostEqual(contract.forecast_monthly_rate, 2.0)

    def test_young_contract_follows_the_clients_estimate(self):
        contract = self._create_contract(monthly_volume=30.0)
        self._add_book(contract, 50)
        self.assertAlmostEqual(contract.forecast_monthly_rate, 30.0)
        # 50 units at one a day.
        self.assertEqual(
            contract.forecast_date_exhausted, self.today + timedelta(days=50)
        )

    def test_estimate_weighs_less_as_history_builds_up(self):
        # 60 days of history (weight 2/3) consumed 10 units: 5 a month
        # observed, 30 estimated: 2/3 * 5 + 1/3 * 30 = 13.33.
        contract = self._create_contract(
            date_start=self.today - timedelta(days=60), monthly_volume=30.0
        )
        self._add_book(contract, 40)
        self._consume(contract, 10)
        self.assertAlmostEqual(contract.forecast_monthly_rate, 40.0 / 3, places=2)

    def test_date_the_books_run_out(self):
        contract = self._contract_with_history()
        # 14 units left at 2 a month (one every 15 days).
        self.assertEqual(
            contract.forecast_date_exhausted, self.today + timedelta(days=210)
        )
        book = contract.book_ids
        self.assertEqual(book.forecast_date_end, self.today + timedelta(days=210))
        self.assertEqual(book.forecast_end_reason, "exhausted")

    def test_a_book_expiring_first_loses_its_units(self):
        contract = self._contract_with_history()
        short = self._add_book(
            contract, 10, expiry=self.today + timedelta(days=30), name="Short"
        )
        self.assertEqual(short.forecast_date_end, self.today + timedelta(days=30))
        self.assertEqual(short.forecast_end_reason, "expires")
        # 2 of its units used in 30 days; then the 14 units of the first book.
        self.assertEqual(
            contract.forecast_date_exhausted, self.today + timedelta(days=240)
        )

    def test_overage_expected_at_the_end_date(self):
        contract = self._contract_with_history(
            date_end=self.today + timedelta(days=300)
        )
        # Exhausted on day 210, then 90 days at one unit every 15 days.
        self.assertAlmostEqual(contract.forecast_overage, 6.0)
        self.assertEqual(contract.forecast_period_end, self.today + timedelta(days=300))

    def test_regie_overage_against_the_monthly_estimate(self):
        contract = self._create_contract(
            mode="regie",
            monthly_volume=1.0,
            overdraft_policy="allow",
            overdraft_limit=10.0,
        )
        self._consume(contract, 3)
        self.assertGreaterEqual(contract.forecast_overage, 2.0)

    def test_no_consumption_no_exhaustion(self):
        contract = self._create_contract()
        self._add_book(contract, 10)
        self.assertFalse(contract.forecast_date_exhausted)
        self.assertFalse(contract.forecast_alert)

    def test_alert_cron_raises_once_per_window(self):
        soon = self._create_contract(monthly_volume=30.0, user_id=self.manager.id)
        self._add_book(soon, 10)
        far = self._contract_with_history()
        self.assertTrue(soon.forecast_alert)
        self.assertFalse(far.forecast_alert)
        self.env["tma.contract"]._cron_forecast_alerts()
        activity = soon.activity_ids.filtered(
            lambda a: a.summary == "Unit books forecast to run out"
        )
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.manager)
        notices = soon.message_ids.filtered(
            lambda m: m.message_type == "comment" and "will run out" in m.body
        )
        self.assertEqual(len(notices), 1)
        self.assertFalse(far.activity_ids)
        self.env["tma.contract"]._cron_forecast_alerts()
        self.assertEqual(len(soon.activity_ids), 1)
        self.assertEqual(
            len(soon.message_ids.filtered(lambda m: "will run out" in (m.body or ""))),
            1,
        )

    def test_alert_cron_works_in_batches(self):
        contracts = self.env["tma.contract"]
        for _i in range(3):
            contract = self._create_contract(monthly_volume=30.0)
            self._add_book(contract, 5)
            contracts |= contract
        # One contract a run: as many runs as candidates (the demo's too).
        candidates = self.env["tma.contract"].search_count(
            [("state", "=", "active"), ("mode", "=", "ticket_book")]
        )
        for _i in range(candidates):
            self.env["tma.contract"]._cron_forecast_alerts(batch_size=1)
        self.assertEqual(contracts.mapped("forecast_alert_date"), [self.today] * 3)

    def test_search_filter_on_the_alert(self):
        soon = self._create_contract(monthly_volume=30.0)
        self._add_book(soon, 10)
        far = self._contract_with_history()
        found = self.env["tma.contract"].search([("forecast_alert", "=", True)])
        self.assertIn(soon, found)
        self.assertNotIn(far, found)

    def test_burndown_svg_draws_balance_and_forecast(self):
        contract = self._contract_with_history()
        svg = str(contract.forecast_svg)
        self.assertTrue(svg.startswith("<svg"))
        self.assertEqual(svg.count("<polyline"), 2)
        self.assertIn(contract.name, svg)
        actual, forecast = contract._get_burndown_points()
        self.assertEqual(actual[-1], (self.today, 14.0))
        exhausted = contract.forecast_date_exhausted
        self.assertEqual(forecast[1], (exhausted, 0.0))
        self.assertAlmostEqual(forecast[-1][1], -contract.forecast_overage)

    def test_burndown_axes_are_graduated_down_to_the_forecast_overage(self):
        """The y axis is graduated on round values from below the lowest
        point (the overage the forecast runs into) to above the highest, 0
        included; the dates read in the reader's format."""
        self.env["res.lang"]._activate_lang("fr_FR")
        contract = self._create_contract(monthly_volume=300.0)
        self._add_book(contract, 11)
        actual, forecast = contract._get_burndown_points()
        lowest = min(value for _day, value in actual + forecast)
        self.assertLess(lowest, 0, "the forecast runs below zero")
        svg = str(contract.with_context(lang="fr_FR").forecast_svg)
        ticks = nice_ticks(lowest, 11.0)
        self.assertLessEqual(ticks[0], lowest)
        self.assertIn(0.0, ticks)
        for value in ticks:
            self.assertIn(f">{value:g}</text>", svg)
        self.assertIn(f">{self.today.strftime('%d/%m/%Y')}</text>", svg)
        self.assertNotIn(f">{self.today.isoformat()}</text>", svg)

    def test_nice_ticks_are_round_and_cover_the_range(self):
        self.assertEqual(nice_ticks(-135, 11), [-150, -100, -50, 0, 50])
        self.assertEqual(nice_ticks(0, 250), [0, 50, 100, 150, 200, 250])
        self.assertEqual(nice_ticks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1])


@tagged("post_install", "-at_install")
class TestForecastReservations(ForecastCommon):
    """The forecast runs on the available balance: the units reserved for
    approved estimates are spoken for."""

    def test_a_reservation_brings_the_exhaustion_forward_and_its_release_back(self):
        contract = self._contract_with_history()
        book = contract.book_ids
        # 14 units left at 2 a month: day 210.
        self.assertEqual(
            contract.forecast_date_exhausted, self.today + timedelta(days=210)
        )
        estimate = self._approved_estimate(contract, 4.0)
        self.assertEqual(contract.units_available, 10.0)
        # 10 units available at one every 15 days: day 150.
        self.assertEqual(
            contract.forecast_date_exhausted, self.today + timedelta(days=150)
        )
        self.assertEqual(book.forecast_date_end, self.today + timedelta(days=150))
        estimate.action_cancel()
        self.assertEqual(contract.units_available, 14.0)
        self.assertEqual(
            contract.forecast_date_exhausted, self.today + timedelta(days=210)
        )
        self.assertEqual(book.forecast_date_end, self.today + timedelta(days=210))

    def test_reserved_units_stay_in_the_latest_book(self):
        """As a consumption leaves them: the book expiring first keeps its
        units for the consumption."""
        contract = self._contract_with_history()
        short = self._add_book(
            contract, 10, expiry=self.today + timedelta(days=30), name="Short"
        )
        self._approved_estimate(contract, 12.0)
        self.assertEqual(short.forecast_date_end, self.today + timedelta(days=30))
        self.assertEqual(short.forecast_end_reason, "expires")
        # 2 units of the short book used in 30 days, then the 2 units of the
        # first book left available (14 less 12 reserved): 30 more days.
        self.assertEqual(
            contract.forecast_date_exhausted, self.today + timedelta(days=60)
        )

    def test_a_reservation_raises_the_alert_and_its_refusal_clears_it(self):
        contract = self._create_contract(monthly_volume=30.0)
        self._add_book(contract, 50)
        # One unit a day: 50 days, beyond the 30 days of the alert window.
        self.assertFalse(contract.forecast_alert)
        estimate = self._approved_estimate(contract, 25.0)
        self.assertEqual(
            contract.forecast_date_exhausted, self.today + timedelta(days=25)
        )
        self.assertTrue(contract.forecast_alert)
        self.assertIn(
            contract, self.env["tma.contract"].search([("forecast_alert", "=", True)])
        )
        estimate.action_cancel()
        self.assertFalse(contract.forecast_alert)
        self.assertEqual(
            contract.forecast_date_exhausted, self.today + timedelta(days=50)
        )

    def test_reserved_units_beyond_the_books_are_overage(self):
        contract = self._create_contract(
            monthly_volume=30.0,
            overdraft_policy="allow",
            overdraft_limit=20.0,
            date_end=self.today + timedelta(days=20),
        )
        self._add_book(contract, 10)
        self._approved_estimate(contract, 15.0)
        self.assertEqual(contract.forecast_date_exhausted, self.today)
        # 5 units reserved beyond the books, then one a day for 20 days.
        self.assertAlmostEqual(contract.forecast_overage, 25.0)

    def test_regie_forecast_counts_the_reserved_units_in_the_month(self):
        # No estimate and no consumption: the month's overage is what the
        # approved estimates reserve.
        contract = self._create_contract(
            mode="regie",
            monthly_volume=0.0,
            overdraft_policy="allow",
            overdraft_limit=10.0,
        )
        self.assertEqual(contract.forecast_overage, 0.0)
        estimate = self._approved_estimate(contract, 6.0)
        self.assertAlmostEqual(contract.forecast_overage, 6.0)
        estimate.action_cancel()
        self.assertEqual(contract.forecast_overage, 0.0)

    def test_regie_forecast_reads_a_volume_in_hours_as_units(self):
        # 10 hours a month at 2 units an hour: 20 units. A young contract
        # follows the client's estimate, in units.
        young = self._create_contract(
            mode="regie", monthly_volume=10.0, volume_uom="hours", units_per_hour=2.0
        )
        self.assertAlmostEqual(young.forecast_monthly_rate, 20.0)
        # A full window without consumption: the month's projection is what
        # the approved estimates reserve, against the 20 units.
        contract = self._create_contract(
            mode="regie",
            date_start=self.today - timedelta(days=90),
            monthly_volume=10.0,
            volume_uom="hours",
            units_per_hour=2.0,
            overdraft_policy="allow",
            overdraft_limit=10.0,
        )
        self._approved_estimate(contract, 15.0)
        self.assertEqual(contract.forecast_overage, 0.0, "15 units of 20")
        self._approved_estimate(contract, 8.0)
        self.assertAlmostEqual(contract.forecast_overage, 3.0)

    def test_burndown_forecast_starts_from_the_available_balance(self):
        contract = self._contract_with_history()
        self._approved_estimate(contract, 4.0)
        _actual, forecast = contract._get_burndown_points()
        self.assertEqual(forecast[:2], [(self.today, 14.0), (self.today, 10.0)])
        self.assertEqual(forecast[2], (self.today + timedelta(days=150), 0.0))


@tagged("post_install", "-at_install")
class TestForecastPortal(HttpCase, ForecastCommon):
    def test_client_sees_the_burndown_and_the_alert(self):
        contract = self._create_contract(monthly_volume=30.0)
        self._add_book(contract, 10)
        other = self._create_contract(partner=self.client_b, monthly_volume=30.0)
        self._add_book(other, 10)
        self.authenticate(self.portal_a.login, self.portal_a.login)
        page = self.url_open(f"/my/tma/contracts/{contract.id}")
        self.assertIn("tma_burndown", page.text)
        self.assertIn("your unit books will run out", page.text)
        refused = self.url_open(f"/my/tma/contracts/{other.id}", allow_redirects=False)
        self.assertIn(refused.status_code, (302, 303))
        self.assertNotIn("tma_burndown", refused.text)

    def test_client_sees_the_forecast_on_the_available_balance(self):
        contract = self._create_contract(monthly_volume=30.0)
        self._add_book(contract, 50)
        self._approved_estimate(contract, 25.0)
        self.authenticate(self.portal_a.login, self.portal_a.login)
        page = self.url_open(f"/my/tma/contracts/{contract.id}").text
        self.assertIn("tma_forecast_reserved", page)
        self.assertIn("Forecast on the available balance", page)
        # 25 units available at one a day: the alert of the alert window.
        self.assertIn("your unit books will run out", page)
