# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.tests import HttpCase, tagged

from .common import TmaSlaCommon

XSS = '<script>alert("tma")</script><img src=x onerror=alert(1)>'
RAW_TAGS = ('<script>alert("tma")', "<img src=x onerror")
ESCAPED = "&lt;script&gt;alert("


@tagged("post_install", "-at_install")
class TestEscaping(HttpCase, TmaSlaCommon):
    """Names typed by clients and staff come back escaped in the service
    report (the HTML its PDF is printed from) and in the portal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client_a.name = f"Client {XSS}"
        cls.contract.write({"name": f"C-{XSS}", "title": f"Upkeep {XSS}"})
        cls.l2.code = f"L2 {XSS}"
        cls.ticket = cls._create_ticket(
            cls.contract,
            name=f"Ticket {XSS}",
            priority="3",
            tma_support_level_id=cls.l1.id,
        )
        cls.ticket._tma_escalate(cls.l2, f"Because {XSS}")
        cls.report = cls.env["tma.sla.service.report"]._generate_for(
            cls.contract, date.today().replace(day=1)
        )

    def assertEscaped(self, html, where):
        for tag in RAW_TAGS:
            self.assertNotIn(tag, html, f"{where}: raw HTML")
        self.assertIn(ESCAPED, html, where)

    def test_service_report_escapes_names(self):
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "tma_sla.report_tma_sla_service_report", self.report.ids
            )[0]
            .decode()
        )
        self.assertIn("L2 &lt;script&gt;", html)  # the escalation is reported
        self.assertEscaped(html, "service report")

    def test_portal_pages_escape_names(self):
        self.authenticate(self.portal_a.login, self.portal_a.login)
        for url in (
            f"/my/ticket/{self.ticket.id}",
            f"/my/tma/contracts/{self.contract.id}",
        ):
            with self.subTest(url=url):
                html = self.url_open(url).text
                self.assertEscaped(html, url)
        html = self.url_open(f"/my/ticket/{self.ticket.id}").text
        self.assertIn("L2 &lt;script&gt;", html)  # the ticket's support level
