# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Trends of the service report: 12 months of figures by grouped queries,
SVG charts in the PDF, native charts in the XLSX."""

import io
import zipfile
from datetime import date, datetime

import openpyxl
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..report.svg_chart import svg_chart
from .common import MONDAY_10H, TmaSlaCommon


@tagged("post_install", "-at_install")
class TestTrends(TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        # Each fixture made at its own date (the transaction's clock, which
        # stamps create_date and write_date, follows the frozen one).
        with freeze_time("2026-09-10 09:00:00"):
            cls.old = cls._create_ticket(
                cls.contract, priority="1", tma_support_level_id=cls.l1.id
            )
        with freeze_time(MONDAY_10H):
            cls.ticket = cls._create_ticket(
                cls.contract, priority="3", tma_support_level_id=cls.l1.id
            )
        with freeze_time("2026-11-23 09:20:00"):
            cls.ticket.stage_id = done
        with freeze_time("2026-11-23 10:00:00"):
            cls.ticket._tma_portal_rate(cls.contact_a, 5)
            cls.env.flush_all()

    def test_twelve_months_of_figures(self):
        trends = self.contract._tma_sla_trends(date(2026, 11, 30))
        self.assertEqual(len(trends["months"]), 12)
        self.assertEqual(trends["months"][0], "2025-12")
        self.assertEqual(trends["months"][-1], "2026-11")
        nov, sep = trends["months"].index("2026-11"), trends["months"].index("2026-09")
        self.assertEqual(trends["opened"][nov], 1)
        self.assertEqual(trends["opened"][sep], 1)
        self.assertEqual(trends["closed"][nov], 1)
        self.assertEqual(trends["compliance"][nov], 100.0)
        self.assertIsNone(trends["compliance"][sep])
        self.assertEqual(trends["satisfaction"][nov], 5.0)
        self.assertEqual(trends["resolution_mean"][nov], round(20 / 60, 2))
        self.assertIsNone(trends["resolution_mean"][0])

    def test_a_rating_counts_on_the_moment_it_was_given(self):
        rating = self.ticket.rating_ids.filtered("consumed")
        self.assertEqual(rating.tma_rated_on, datetime(2026, 11, 23, 10, 0))
        # A later write of the row (the provider's answer published, say)
        # moves its write_date, not the moment of the rating nor the month it
        # counts in (the client's feedback itself is never written again).
        with freeze_time("2026-12-15 10:00:00"):
            rating.write({"publisher_comment": "Published later"})
        self.assertEqual(rating.tma_rated_on, datetime(2026, 11, 23, 10, 0))
        trends = self.contract._tma_sla_trends(date(2026, 12, 31))
        months = trends["months"]
        self.assertEqual(trends["satisfaction"][months.index("2026-11")], 5.0)
        self.assertIsNone(trends["satisfaction"][months.index("2026-12")])

    def test_nobody_writes_the_moment_of_a_rating(self):
        rating = self.ticket.rating_ids.filtered("consumed")
        for user in (self.manager, self.env.ref("base.user_admin")):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(UserError, "nobody can write it"):
                    rating.with_user(user).sudo().write(
                        {"tma_rated_on": "2026-01-01 00:00:00"}
                    )
                self.assertEqual(rating.tma_rated_on, datetime(2026, 11, 23, 10, 0))

    def test_trend_queries_do_not_grow_with_the_months(self):
        self.contract._tma_sla_trends(date(2026, 11, 30))  # warm the caches
        with self.assertQueryCount(6):
            self.contract._tma_sla_trends(date(2026, 11, 30), months=1)
        with self.assertQueryCount(6):
            self.contract._tma_sla_trends(date(2026, 11, 30), months=36)

    def _report(self):
        return self.env["tma.sla.service.report"]._generate_for(
            self.contract, date(2026, 11, 1)
        )

    def test_pdf_draws_the_trends_as_svg(self):
        report = self._report()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "tma_sla.action_report_tma_sla_service_report", report.ids
            )[0]
            .decode()
        )
        self.assertIn("o_tma_trends", html)
        self.assertEqual(html.count('class="o_tma_chart"'), 5)
        self.assertIn("<circle", html)
        self.assertIn("<rect", html)

    def test_xlsx_holds_native_charts(self):
        report = self._report()
        raw = report.xlsx_attachment_id.raw
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            charts = [n for n in archive.namelist() if n.startswith("xl/charts/")]
        self.assertEqual(len(charts), 5)
        book = openpyxl.load_workbook(io.BytesIO(raw))
        sheet = book["Trends"]
        self.assertEqual(sheet.cell(row=13, column=1).value, "2026-11")
        self.assertEqual(sheet.cell(row=13, column=2).value, 1)

    def test_report_lists_satisfaction_and_actions(self):
        report = self._report()
        labels = [row[0] for row in report._summary_rows()]
        self.assertIn("Satisfied clients (%)", labels)
        self.assertIn("Improvement actions overdue", labels)

    def test_svg_chart_escapes_its_texts(self):
        chart = svg_chart("<b>x</b>", ["<m>"], [("<s>", [1])])
        self.assertNotIn("<b>", chart)
        self.assertIn("&lt;b&gt;", chart)
        self.assertIn("&lt;m&gt;", chart)

    def test_svg_line_breaks_where_a_month_has_no_value(self):
        chart = svg_chart("t", ["a", "b", "c", "d"], [("s", [1, 2, None, 3])])
        self.assertEqual(chart.count("<polyline"), 1)
        self.assertEqual(chart.count("<circle"), 3)

    def test_contract_dashboard_shows_the_same_trends(self):
        html = str(self.contract.sla_trend_html)
        self.assertEqual(html.count('class="o_tma_chart"'), 5)
        no_policy = self._create_contract(partner=self.client_b)
        self.assertFalse(no_policy.sla_trend_html)
