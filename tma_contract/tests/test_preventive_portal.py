# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json

from dateutil.relativedelta import relativedelta

from odoo.tests import HttpCase, tagged

from .test_preventive import PreventiveCommon


class PreventivePortalCommon(PreventiveCommon):
    """Client A's audits: one done with a finding, one open; an outdated
    component; and client B's audit and component, to refuse."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan_a = cls._create_plan(
            name="Alpha backup audit",
            audit_kind="backup",
            date_start=cls.today - relativedelta(days=20),
            lead_days=35,
        )
        cls.env["tma.preventive.plan"]._cron_generate_occurrences()
        cls.done_a, cls.open_a = cls.plan_a.occurrence_ids.sorted("due_date")
        ticket = cls.done_a.ticket_id
        ticket.action_tma_check_all()
        cls.env["tma.preventive.finding"].create(
            {
                "ticket_id": ticket.id,
                "name": "Restore takes four hours",
                "recommendation": "Move the backups to faster storage.",
            }
        )
        ticket.tma_preventive_report = "<p>Alpha restore verified.</p>"
        ticket.stage_id = cls.done
        cls.contract_b = cls._create_contract(partner=cls.client_b)
        cls.plan_b = cls._create_plan(
            contract=cls.contract_b,
            name="Beta secret audit",
            application_id=cls.app_b.id,
            environment_id=False,
        )
        cls.env["tma.preventive.plan"]._cron_generate_occurrences()
        cls.occurrence_b = cls.plan_b.occurrence_ids
        cls.occurrence_b._portal_ensure_token()
        Component = cls.env["tma.application.component"]
        Component.create(
            {
                "name": "Alpha database",
                "version": "12",
                "environment_id": cls.prod_a.id,
                # Two days back: out of support whatever the reader's time
                # zone (the day in Paris and in UTC differ an hour a day).
                "end_of_support_date": cls.today - relativedelta(days=2),
            }
        )
        env_b = cls.env["tma.application.environment"].create(
            {"name": "Production", "application_id": cls.app_b.id}
        )
        Component.create({"name": "Beta secret database", "environment_id": env_b.id})


@tagged("post_install", "-at_install")
class TestPreventivePortal(HttpCase, PreventivePortalCommon):
    def _login(self, user):
        self.authenticate(user.login, user.login)

    def test_the_calendar_shows_upcoming_and_done_audits(self):
        self._login(self.portal_a)
        response = self.url_open("/my/tma/preventive")
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn('id="tma_preventive_upcoming"', html)
        self.assertIn('id="tma_preventive_history"', html)
        self.assertIn("Alpha backup audit", html)
        self.assertIn(self.done_a.get_portal_url(), html)
        self.assertIn(self.open_a.get_portal_url(), html)
        self.assertIn("Done late", html)
        self.assertNotIn("Beta secret audit", html)

    def test_the_calendar_shows_own_components_and_their_support(self):
        self._login(self.portal_a)
        html = self.url_open("/my/tma/preventive").text
        self.assertIn('id="tma_components"', html)
        self.assertIn("Alpha database", html)
        self.assertIn("Out of support", html)
        self.assertNotIn("Beta secret database", html)

    def test_the_home_counter_counts_own_occurrences(self):
        self._login(self.portal_a)
        response = self.url_open(
            "/my/counters",
            data=json.dumps({"params": {"counters": ["tma_preventive_count"]}}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.json()["result"]["tma_preventive_count"], 2)

    def test_the_report_shows_checklist_findings_and_conclusion(self):
        self._login(self.portal_a)
        response = self.url_open(self.done_a.get_portal_url())
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn("Patches applied", html)
        self.assertIn("Restore takes four hours", html)
        self.assertIn("Move the backups to faster storage.", html)
        self.assertIn("Alpha restore verified.", html)

    def test_another_clients_report_is_refused(self):
        self._login(self.portal_a)
        response = self.url_open(
            f"/my/tma/preventive/{self.occurrence_b.id}", allow_redirects=False
        )
        self.assertIn(response.status_code, (302, 303))
        self.assertTrue(response.headers["Location"].endswith("/my"))

    def test_a_wrong_token_is_refused(self):
        response = self.url_open(
            f"/my/tma/preventive/{self.occurrence_b.id}?access_token=wrong",
            allow_redirects=False,
        )
        self.assertIn(response.status_code, (302, 303))
        self.assertNotIn("Beta secret audit", response.text)

    def test_the_owners_token_opens_the_report(self):
        response = self.url_open(
            f"/my/tma/preventive/{self.occurrence_b.id}"
            f"?access_token={self.occurrence_b.access_token}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Beta secret audit", response.text)

    def test_the_calendar_needs_a_login(self):
        response = self.url_open("/my/tma/preventive", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])
