# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
from datetime import date

import openpyxl
from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.tma_contract.tests.common import assert_on_letterhead

from .common import MONDAY_10H, TmaSlaCommon


@tagged("post_install", "-at_install")
class TestReport(TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.app = cls.env["tma.application"].create(
            {"name": "ERP", "partner_id": cls.client_a.id}
        )
        corrective = cls.env.ref("tma_contract.maintenance_type_corrective")
        # The transaction clock (create_date) follows the frozen one.
        with freeze_time(MONDAY_10H):
            cls.fast = cls._create_ticket(
                cls.contract,
                priority="3",
                tma_application_id=cls.app.id,
                category_id=cls.category.id,
                tma_maintenance_type_id=corrective.id,
                tma_support_level_id=cls.l1.id,
            )
        with freeze_time("2026-11-23 09:05:00"):
            cls.slow = cls._create_ticket(
                cls.contract,
                priority="3",
                tma_application_id=cls.app.id,
                category_id=cls.category.id,
                tma_maintenance_type_id=corrective.id,
                tma_support_level_id=cls.l1.id,
            )
        with freeze_time("2026-11-23 09:10:00"):
            cls.open = cls._create_ticket(cls.contract, priority="1")
        done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        with freeze_time("2026-11-23 09:20:00"):
            cls.fast.stage_id = done  # everything met in 20 minutes
        with freeze_time("2026-11-24 13:00:00"):
            cls.slow._tma_escalate(cls.l2, "Needs L2")
            cls.slow.stage_id = done  # all four commitments breached
            cls.env["tma.sla.timer"]._cron_check()

    def test_kpis_of_the_month(self):
        with freeze_time("2026-12-02 08:00:00"):
            kpis = self.contract._tma_sla_kpis(date(2026, 11, 1), date(2026, 11, 30))
        self.assertEqual(kpis["opened"], 3)
        self.assertEqual(kpis["closed"], 2)
        self.assertEqual(kpis["closure_rate"], 66.7)
        self.assertEqual(kpis["backlog"], 1)
        # Neither was answered twice, reassigned nor reopened: escalating the
        # slow one does not make it a failure of the first contact.
        self.assertEqual(kpis["first_contact_rate"], 100.0)
        self.assertEqual(kpis["met"], 4)
        self.assertEqual(kpis["breached"], 4)
        self.assertEqual(kpis["compliance_rate"], 50.0)
        self.assertEqual(kpis["recurring"], 1)
        self.assertEqual(kpis["escalations"], [{"level": "L2", "count": 1}])
        resolution = kpis["durations"]["resolution"]
        self.assertEqual(resolution["count"], 2)
        # 20 and 655 business minutes (the slow one opened at 10:05 Paris
        # time, resolved the next day at 14:00): mean 337.5 min, p90 = 20 +
        # 0.9 × 635.
        self.assertEqual(resolution["mean_hours"], round(337.5 / 60, 2))
        self.assertEqual(resolution["p90_hours"], round(591.5 / 60, 2))
        blocking_resolution = [
            c
            for c in kpis["compliance"]
            if c["metric"] == "resolution" and c["criticality"] == "blocking"
        ]
        self.assertEqual(blocking_resolution[0]["rate"], 50.0)

    def test_report_is_built_once_with_pdf_and_workbook(self):
        Report = self.env["tma.sla.service.report"]
        with freeze_time("2026-12-02 08:00:00"):
            report = Report._generate_for(self.contract, date(2026, 11, 1))
            self.assertEqual(report.date_to, date(2026, 11, 30))
            self.assertEqual(report.compliance_rate, 50.0)
            self.assertTrue(report.pdf_attachment_id.raw)
            book = openpyxl.load_workbook(io.BytesIO(report.xlsx_attachment_id.raw))
            self.assertEqual(book.sheetnames, ["KPIs", "Trends", "Commitments"])
            labels = [
                row[0].value for row in book["KPIs"].iter_rows(min_row=3, max_row=4)
            ]
            self.assertEqual(labels, ["Tickets opened", "Tickets closed"])
            self.assertEqual(book["Commitments"].max_row, 1 + 9)
            attachments = report.pdf_attachment_id | report.xlsx_attachment_id
            again = Report._generate_for(self.contract, date(2026, 11, 15))
        self.assertEqual(again, report, "building again updates the same report")
        self.assertEqual(
            again.pdf_attachment_id | again.xlsx_attachment_id, attachments
        )

    def test_exported_kpis_hold_the_service_levels_of_each_month(self):
        with freeze_time("2026-12-02 08:00:00"):
            rows = self.contract._tma_export_kpi_rows(
                date(2026, 10, 1), date(2026, 11, 30)
            )
        figures = {(month, label): value for month, label, value in rows}
        november, october = date(2026, 11, 1), date(2026, 10, 1)
        self.assertEqual(figures[(november, "SLA compliance (%)")], 50.0)
        self.assertEqual(figures[(october, "Commitments met")], 0)
        # tma_contract's own indicators come first, for every month too.
        self.assertIn((october, "Tickets opened"), figures)
        self.assertIn((november, "Units consumed"), figures)

    def test_the_sla_timers_sheet_is_contributed_to_exports(self):
        sheets = {
            title: (header, rows)
            for title, header, rows in (self.contract._tma_export_sheets())
        }
        header, query = sheets["SLA timers"]
        self.assertEqual(len(header), 7)
        self.env.flush_all()
        self.env.cr.execute(query)
        rows = self.env.cr.fetchall()
        timers = self.env["tma.sla.timer"].search(
            [("contract_id", "=", self.contract.id), ("ticket_id.active", "=", True)]
        )
        self.assertEqual(len(rows), len(timers))
        self.assertTrue(
            {row[1] for row in rows}
            <= {"Acknowledgement", "First response", "Workaround", "Resolution"}
        )

    def test_the_pdf_cron_prints_the_reports_that_have_none(self):
        Report = self.env["tma.sla.service.report"]
        with freeze_time("2026-12-02 08:00:00"):
            report = Report._generate_for(self.contract, date(2026, 11, 1))
        # As a report built while the database was being created is left.
        report.pdf_attachment_id.unlink()
        self.assertFalse(report.pdf_attachment_id)
        xlsx = report.xlsx_attachment_id
        printed = Report._cron_render_pdfs()
        self.assertIn(report, printed)
        self.assertTrue(report.pdf_attachment_id.raw)
        self.assertEqual(report.xlsx_attachment_id, xlsx)
        # Not one the month-end cron claimed: printed, not sent.
        self.assertEqual(report.state, "draft")
        # Nothing left: a second run prints nothing.
        self.assertFalse(Report._cron_render_pdfs())

    def test_a_claimed_report_left_unprinted_is_sent_once_printed(self):
        """The month-end cron's process stopped between the claim (committed)
        and the PDF: the PDF cron prints the report and sends it, once."""
        Report = self.env["tma.sla.service.report"]
        with freeze_time("2026-12-01 06:00:00"):
            report = Report._claim_period(self.contract, date(2026, 11, 1))
            self.assertTrue(report.send_when_printed)
            self.assertFalse(report.pdf_attachment_id)
            self.assertEqual(report.state, "draft")
            self.assertIn(report, Report._cron_render_pdfs())
            self.assertEqual(report.state, "sent")
            sent = self.env["mail.message"].search(
                [
                    ("model", "=", report._name),
                    ("res_id", "=", report.id),
                    ("message_type", "=", "comment"),
                ]
            )
            self.assertEqual(len(sent), 1)
            self.assertIn(self.client_a, sent.partner_ids)
            self.assertFalse(Report._cron_render_pdfs())
            self.assertFalse(
                Report._cron_monthly_reports().filtered(
                    lambda r: r.contract_id == self.contract
                )
            )

    def test_a_month_is_reported_once_over_in_the_contract_time_zone(self):
        """New York's November ends at 05:00 UTC on 1 December: a run at
        02:00 UTC leaves its contract for the next run, which reports it."""
        self.company.partner_id.tz = "America/New_York"
        self.assertEqual(self.contract.company_tz, "America/New_York")
        Report = self.env["tma.sla.service.report"]

        def mine(reports):
            return reports.filtered(lambda r: r.contract_id == self.contract)

        with freeze_time("2026-12-01 02:00:00"):
            self.assertFalse(mine(Report._cron_monthly_reports()))
        with freeze_time("2026-12-01 06:00:00"):
            report = mine(Report._cron_monthly_reports())
        self.assertEqual(report.date_from, date(2026, 11, 1))
        self.assertEqual(report.state, "sent")

    def test_pdf_report_shows_the_figures(self):
        with freeze_time("2026-12-02 08:00:00"):
            report = self.env["tma.sla.service.report"]._generate_for(
                self.contract, date(2026, 11, 1)
            )
        html, _fmt = self.env["ir.actions.report"]._render_qweb_html(
            "tma_sla.action_report_tma_sla_service_report", report.ids
        )
        html = html.decode()
        self.assertIn("SLA compliance (%)", html)
        self.assertIn(self.contract.name, html)

    def test_pdf_report_is_on_the_letterhead(self):
        with freeze_time("2026-12-02 08:00:00"):
            report = self.env["tma.sla.service.report"]._generate_for(
                self.contract, date(2026, 11, 1)
            )
        assert_on_letterhead(
            self, "tma_sla.action_report_tma_sla_service_report", report
        )

    def test_month_end_cron_builds_and_sends_each_report_once(self):
        with freeze_time("2026-12-01 06:00:00"):
            reports = self.env["tma.sla.service.report"]._cron_monthly_reports()
            # (Demo contracts, when loaded, get theirs too.)
            reports = reports.filtered(lambda r: r.contract_id == self.contract)
            self.assertEqual(len(reports), 1)
            self.assertEqual(reports.state, "sent")
            self.assertEqual(reports.date_from, date(2026, 11, 1))
            mail = self.env["mail.message"].search(
                [
                    ("model", "=", reports._name),
                    ("res_id", "=", reports.id),
                    ("message_type", "=", "comment"),
                ]
            )
            self.assertEqual(len(mail), 1)
            self.assertEqual(len(mail.attachment_ids), 2)
            self.assertIn(self.client_a, mail.partner_ids)
            again = self.env["tma.sla.service.report"]._cron_monthly_reports()
        self.assertFalse(again)
