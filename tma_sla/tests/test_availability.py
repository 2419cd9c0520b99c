# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime
import math
import re
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from .common import TmaSlaCommon, utc

# The week of Monday 23 November 2026 (no public holiday): 40 service hours
# on the French business-hours calendar, 168 around the clock.
WEEK = (utc("2026-11-23 00:00:00"), utc("2026-11-30 00:00:00"))


@tagged("post_install", "-at_install")
class TestAvailability(TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.app = cls.env["tma.application"].create(
            {"name": "ERP A", "partner_id": cls.client_a.id}
        )
        cls.prod = cls.env["tma.application.environment"].create(
            {"name": "Production", "application_id": cls.app.id}
        )
        cls.contract = cls._create_contract(
            sla_policy_id=cls.policy.id, sla_coverage="business"
        )
        cls.commitment = cls.env["tma.sla.availability.target"].create(
            {
                "contract_id": cls.contract.id,
                "environment_id": cls.prod.id,
                "target": 99.5,
                "calendar_id": cls.calendar.id,
            }
        )

    def _outage(self, start, end, kind="unplanned", name="Database down"):
        return self.env["tma.sla.outage"].create(
            {
                "name": name,
                "environment_id": self.prod.id,
                "kind": kind,
                "date_start": utc(start),
                "date_end": end and utc(end),
            }
        )

    def _availability(self, commitment=None):
        return (commitment or self.commitment)._get_availability(*WEEK)[
            (commitment or self.commitment).id
        ]

    def test_an_outage_in_service_hours_lowers_availability(self):
        # Tuesday 10:00-12:00 in Paris: two service hours out of forty.
        self._outage("2026-11-24 09:00:00", "2026-11-24 11:00:00")
        figures = self._availability()
        self.assertEqual(figures["service"], 40 * 3600)
        self.assertEqual(figures["downtime"], 2 * 3600)
        self.assertEqual(figures["availability"], 95.0)

    def test_around_the_clock_counts_every_hour(self):
        self.commitment.coverage = "24_7"
        self._outage("2026-11-24 09:00:00", "2026-11-24 11:00:00")
        figures = self._availability()
        self.assertEqual(figures["service"], 168 * 3600)
        self.assertAlmostEqual(figures["availability"], 100 * 166 / 168, places=3)

    def test_an_outage_outside_service_hours_costs_nothing(self):
        # Saturday night.
        self._outage("2026-11-28 22:00:00", "2026-11-29 02:00:00")
        self.assertEqual(self._availability()["availability"], 100.0)

    def test_planned_windows_excluded_or_counted(self):
        self._outage("2026-11-24 09:00:00", "2026-11-24 11:00:00")
        self._outage("2026-11-25 08:00:00", "2026-11-25 10:00:00", "planned", "Upgrade")
        self.assertAlmostEqual(
            self._availability()["availability"], 100 * 36 / 38, places=3
        )
        self.commitment.planned_outages = "counted"
        self.assertEqual(self._availability()["availability"], 90.0)

    def test_an_ongoing_outage_counts_up_to_the_end_of_the_period(self):
        self._outage("2026-11-27 16:00:00", False)  # Friday 17:00 in Paris
        figures = self._availability()
        self.assertEqual(figures["downtime"], 3600)

    def test_the_computation_is_batched(self):
        self._outage("2026-11-24 09:00:00", "2026-11-24 11:00:00")
        commitments = self.commitment
        for index in range(5):
            environment = self.env["tma.application.environment"].create(
                {"name": f"Env {index}", "application_id": self.app.id}
            )
            commitments |= self.commitment.copy({"environment_id": environment.id})
        commitments._get_availability(*WEEK)  # warm the calendar's cache
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=4):
            figures = commitments._get_availability(*WEEK)
        self.assertEqual(figures[self.commitment.id]["availability"], 95.0)

    # Bad input
    def test_an_outage_ending_before_it_starts_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "must end after it starts"):
            with self.env.cr.savepoint():
                self._outage("2026-11-24 11:00:00", "2026-11-24 09:00:00")
        self.assertFalse(
            self.env["tma.sla.outage"].search([("environment_id", "=", self.prod.id)])
        )

    def test_overlapping_outages_on_one_environment_are_refused(self):
        self._outage("2026-11-24 09:00:00", "2026-11-24 11:00:00")
        with self.assertRaisesRegex(ValidationError, "overlaps"):
            with self.env.cr.savepoint():
                self._outage("2026-11-24 10:00:00", "2026-11-24 12:00:00", name="B")
        with self.assertRaisesRegex(ValidationError, "overlaps"):
            with self.env.cr.savepoint():
                self._outage("2026-11-24 08:00:00", False, name="C")
        # Back to back is not an overlap.
        self._outage("2026-11-24 11:00:00", "2026-11-24 12:00:00", name="D")
        self.assertEqual(
            self.env["tma.sla.outage"].search_count(
                [("environment_id", "=", self.prod.id)]
            ),
            2,
        )

    def test_a_target_above_100_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "at most 100"):
            with self.env.cr.savepoint():
                self.commitment.target = 100.5
        self.assertEqual(self.commitment.target, 99.5)

    def test_an_environment_of_another_client_is_refused(self):
        app_b = self.env["tma.application"].create(
            {"name": "ERP B", "partner_id": self.client_b.id}
        )
        env_b = self.env["tma.application.environment"].create(
            {"name": "Production", "application_id": app_b.id}
        )
        with self.assertRaisesRegex(ValidationError, "another client"):
            with self.env.cr.savepoint():
                self.commitment.copy({"environment_id": env_b.id})

    def test_availability_under_target_is_penalised_per_started_point(self):
        self.contract.penalty_rule_ids = [
            Command.create({"kind": "availability", "amount": 200.0}),
            Command.create({"kind": "breach", "amount": 50.0}),
        ]
        # Two service hours out of the month's: under 99.5 %.
        self._outage("2026-11-24 09:00:00", "2026-11-24 11:00:00")
        period = self.env["tma.sla.penalty.period"].create(
            {
                "contract_id": self.contract.id,
                "date_from": "2026-11-01",
                "date_to": "2026-11-30",
            }
        )
        period.action_compute()
        line = period.line_ids.filtered("availability_target_id")
        self.assertEqual(line.availability_target_id, self.commitment)
        self.assertLess(line.availability, 99.5)
        points = math.ceil(99.5 - line.availability)
        self.assertEqual(line.amount, 200.0 * points)
        self.assertEqual(period.amount_total, line.amount)

    def test_availability_is_in_the_monthly_kpis(self):
        self._outage("2026-11-24 09:00:00", "2026-11-24 11:00:00")
        rows = self.contract._tma_export_kpi_rows(
            datetime.date(2026, 10, 1), datetime.date(2026, 11, 30)
        )
        label = "Availability of ERP A, Production (%)"
        values = {month: value for month, name, value in rows if name == label}
        self.assertEqual(values[datetime.date(2026, 10, 1)], 100.0)
        start, end = self.contract._tma_period_bounds(
            datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)
        )
        expected = self.commitment._get_availability(
            start, min(end, fields.Datetime.now())
        )[self.commitment.id]["availability"]
        self.assertEqual(values[datetime.date(2026, 11, 1)], expected)
        self.assertLess(expected, 100.0)

    def test_availability_on_target_costs_nothing(self):
        self.contract.penalty_rule_ids = [
            Command.create({"kind": "availability", "amount": 200.0}),
        ]
        period = self.env["tma.sla.penalty.period"].create(
            {
                "contract_id": self.contract.id,
                "date_from": "2026-11-01",
                "date_to": "2026-11-30",
            }
        )
        period.action_compute()
        self.assertFalse(period.line_ids)
        self.assertEqual(period.amount_total, 0.0)


@tagged("post_install", "-at_install")
class TestOutagePortalBanner(HttpCase, TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Environment = cls.env["tma.application.environment"]
        cls.prod_a = Environment.create(
            {
                "name": "Production",
                "application_id": cls.env["tma.application"]
                .create({"name": "ERP A", "partner_id": cls.client_a.id})
                .id,
            }
        )
        cls.prod_b = Environment.create(
            {
                "name": "Production",
                "application_id": cls.env["tma.application"]
                .create({"name": "ERP B", "partner_id": cls.client_b.id})
                .id,
            }
        )
        cls.contract_a = cls._create_contract()

    def _outage(self, environment, name, end=None):
        return self.env["tma.sla.outage"].create(
            {
                "name": name,
                "environment_id": environment.id,
                "date_start": fields.Datetime.now() - timedelta(hours=1),
                "date_end": end,
            }
        )

    def test_the_portal_shows_a_banner_while_an_outage_goes_on(self):
        self._outage(self.prod_a, "Alpha database down")
        self._outage(self.prod_b, "Beta secret outage")
        self.authenticate(self.portal_a.login, self.portal_a.login)
        html = self.url_open("/my/tma/contracts").text
        self.assertIn("o_tma_outage", html)
        self.assertIn("Alpha database down", html)
        self.assertNotIn("Beta secret outage", html)

    def test_the_contract_page_shows_the_clients_banner_only(self):
        """The contract page reads the banner with its other lists: the
        client's outages, never another client's, none for a token visitor."""
        self._outage(self.prod_a, "Alpha database down")
        self._outage(self.prod_b, "Beta secret outage")
        self.authenticate(self.portal_a.login, self.portal_a.login)
        url = f"/my/tma/contracts/{self.contract_a.id}"
        html = self.url_open(url).text
        banner = re.search(
            r'<div class="alert alert-danger o_tma_outage".*?</div>', html, re.S
        )
        self.assertIn("Alpha database down", banner.group(0))
        self.assertIn("ERP A", banner.group(0))
        self.assertNotIn("Beta secret outage", html)
        token = self.contract_a._portal_ensure_token()
        self.authenticate(None, None)
        response = self.url_open(f"{url}?access_token={token}")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("o_tma_outage", response.text)
        self.assertNotIn("Alpha database down", response.text)

    def test_no_banner_once_the_outage_ended(self):
        self._outage(
            self.prod_a,
            "Alpha database down",
            end=fields.Datetime.now() - timedelta(minutes=5),
        )
        self.authenticate(self.portal_a.login, self.portal_a.login)
        html = self.url_open("/my/tma/contracts").text
        self.assertNotIn("o_tma_outage", html)
