# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from pytz import UTC, timezone

from odoo.tests import HttpCase, tagged

from .common import TmaSlaCommon

# Queries of the contract page of a ticket book under a service level policy:
# tma_contract's PORTAL_CONTRACT_QUERIES (10) and the month's compliance (the
# policy's and the calendar's names and time zone come with the page's lists).
PORTAL_CONTRACT_SLA_QUERIES = 11


@tagged("post_install", "-at_install")
class TestPortal(HttpCase, TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact_a.tz = "America/New_York"
        cls.ticket = cls._create_ticket(
            cls.contract,
            name="Invoices stuck",
            priority="3",
            tma_support_level_id=cls.l1.id,
        )
        cls.report = cls.env["tma.sla.service.report"]._generate_for(
            cls.contract, date(2026, 11, 1)
        )
        cls.contract_b = cls._create_contract(
            partner=cls.client_b, mode="forfait", sla_policy_id=cls.policy.id
        )
        cls.report_b = cls.env["tma.sla.service.report"]._generate_for(
            cls.contract_b, date(2026, 11, 1)
        )

    def _login(self, user):
        self.authenticate(user.login, user.login)

    def test_ticket_page_shows_sla_status_in_the_clients_time_zone(self):
        self._login(self.portal_a)
        response = self.url_open(f"/my/ticket/{self.ticket.id}")
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn('id="tma_sla_status"', html)
        self.assertIn('data-metric="acknowledgement"', html)
        self.assertIn('data-metric="resolution"', html)
        deadline = self._timer(self.ticket, "acknowledgement").deadline
        local = UTC.localize(deadline).astimezone(timezone("America/New_York"))
        self.assertIn(local.strftime("%H:%M"), html)
        self.assertIn("left", html)

    def test_contract_page_lists_own_reports_only(self):
        self._login(self.portal_a)
        response = self.url_open(f"/my/tma/contracts/{self.contract.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn('id="tma_sla_reports"', response.text)
        self.assertIn(f"/my/tma/sla-reports/{self.report.id}/xlsx", response.text)
        self.assertNotIn(f"/my/tma/sla-reports/{self.report_b.id}/", response.text)

    def test_contract_page_with_service_levels_query_count_stays_flat(self):
        contract = self._create_contract(
            sla_policy_id=self.policy.id, user_id=self.manager.id
        )
        self._add_book(contract, 90)
        ticket = self._create_ticket(contract, name="Labels misprinted")
        ticket._tma_record_consumption()
        self._login(self.portal_a)
        url = f"/my/tma/contracts/{contract.id}"

        def count():
            before = self.cr.sql_log_count
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200)
            self.assertIn("Test policy", response.text)
            return self.cr.sql_log_count - before

        def grow(n):
            for _i in range(n):
                contract._post_consumption(0.5)
            self.env.flush_all()

        grow(25)  # past one page of ledger
        count()  # warm-up: the pager template is compiled once
        small = count()
        grow(30)
        self.assertEqual(count(), small, "the page reads more as the ledger grows")
        self.assertLessEqual(small, PORTAL_CONTRACT_SLA_QUERIES)

    def test_contract_page_says_which_hours_the_policy_counts_in(self):
        """The policy's name is followed by the hours that apply: the calendar
        on business hours, around the clock on a 24/7 contract, never the
        coverage tacked on a name that says otherwise."""
        self._login(self.portal_a)
        html = self.url_open(f"/my/tma/contracts/{self.contract.id}").text
        self.assertIn(
            f"Test policy, business hours ({self.calendar.name})",
            html.replace("&#39;", "'"),
        )
        self.contract.sla_coverage = "24_7"
        self.assertEqual(
            self.contract.sla_service_hours,
            "Test policy, around the clock (24/7, weekends and public holidays "
            "included)",
        )
        html = self.url_open(f"/my/tma/contracts/{self.contract.id}").text
        self.assertIn("Test policy, around the clock (24/7", html)
        self.assertNotIn(
            "business hours", html.split('id="tma_sla_service_hours"')[1][:200]
        )

    def test_client_downloads_its_report(self):
        self._login(self.portal_a)
        response = self.url_open(f"/my/tma/sla-reports/{self.report.id}/xlsx")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, self.report.xlsx_attachment_id.raw)
        self.assertIn("attachment", response.headers["Content-Disposition"])

    def test_other_clients_report_by_id_is_refused(self):
        self._login(self.portal_b)
        for fmt in ("pdf", "xlsx"):
            response = self.url_open(
                f"/my/tma/sla-reports/{self.report.id}/{fmt}", allow_redirects=False
            )
            self.assertEqual(response.status_code, 303)
            self.assertTrue(response.headers["Location"].endswith("/my"))

    def test_report_by_token(self):
        self.report._portal_ensure_token()
        url = f"/my/tma/sla-reports/{self.report.id}/pdf"
        response = self.url_open(f"{url}?access_token=wrong", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        response = self.url_open(f"{url}?access_token={self.report.access_token}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, self.report.pdf_attachment_id.raw)

    def test_unknown_format_is_not_found(self):
        self._login(self.portal_a)
        response = self.url_open(f"/my/tma/sla-reports/{self.report.id}/docx")
        self.assertEqual(response.status_code, 404)
