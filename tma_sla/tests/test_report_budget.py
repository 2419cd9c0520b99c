# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
from datetime import date

import openpyxl
from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import TmaSlaCommon, utc


@tagged("post_install", "-at_install")
class TestReportFrequency(TmaSlaCommon):
    """Monthly and quarterly service reports built by the month-end cron."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract.date_start = date(2026, 1, 1)
        cls.quarterly = cls._create_contract(
            sla_policy_id=cls.policy.id,
            sla_report_frequency="quarterly",
            date_start=date(2026, 1, 1),
        )
        cls.Report = cls.env["tma.sla.service.report"]

    def _cron(self, moment):
        with freeze_time(moment):
            return self.Report._cron_monthly_reports().filtered(
                lambda r: r.contract_id in (self.contract | self.quarterly)
            )

    def test_a_contract_is_reported_monthly_by_default(self):
        self.assertEqual(self.contract.sla_report_frequency, "monthly")

    def test_quarterly_report_waits_for_the_end_of_the_quarter(self):
        reports = self._cron("2026-11-01 06:00:00")
        self.assertEqual(reports.contract_id, self.contract)
        self.assertEqual(
            (reports.date_from, reports.date_to),
            (date(2026, 10, 1), date(2026, 10, 31)),
        )
        self.assertFalse(
            self.Report.search([("contract_id", "=", self.quarterly.id)]),
            "October does not end a quarter: no quarterly report yet",
        )

    def test_quarterly_report_covers_the_three_months_once(self):
        reports = self._cron("2026-10-01 06:00:00")
        self.assertEqual(reports.contract_id, self.contract | self.quarterly)
        quarter = reports.filtered(lambda r: r.contract_id == self.quarterly)
        self.assertEqual(
            (quarter.date_from, quarter.date_to), (date(2026, 7, 1), date(2026, 9, 30))
        )
        self.assertIn("2026-Q3", quarter.name)
        self.assertEqual(quarter.state, "sent")
        # The trends end with the last month of the quarter.
        self.assertEqual(quarter.kpi_data["trends"]["months"][-1], "2026-09")
        monthly = reports - quarter
        self.assertEqual(
            (monthly.date_from, monthly.date_to), (date(2026, 9, 1), date(2026, 9, 30))
        )
        # Idempotent: a second run, even days later, builds nothing more.
        self.assertFalse(self._cron("2026-10-01 07:00:00"))
        self.assertFalse(self._cron("2026-10-03 06:00:00"))
        self.assertEqual(
            self.Report.search_count([("contract_id", "=", self.quarterly.id)]), 1
        )

    def test_generating_by_hand_gives_the_quarter_of_the_month(self):
        with freeze_time("2026-12-02 08:00:00"):
            report = self.Report._generate_for(self.quarterly, date(2026, 11, 1))
            again = self.Report._generate_for(self.quarterly, date(2026, 10, 1))
        self.assertEqual(report, again)
        self.assertEqual(
            (report.date_from, report.date_to), (date(2026, 10, 1), date(2026, 12, 31))
        )


@tagged("post_install", "-at_install")
class TestReportBudget(TmaSlaCommon):
    """Amounts invoiced in the period by kind against the planned budget,
    and the availability of the commitments, in the service report."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract.write({"budget_amount": 2000.0, "budget_basis": "month"})
        cls.oos_product = cls.env["product.product"].create(
            {
                "name": "Out-of-scope work",
                "type": "service",
                "tma_product_type": "out_of_scope",
                "invoice_policy": "order",
                "list_price": 500,
            }
        )
        cls.overage = cls.env["product.product"].create(
            {
                "name": "Overage units",
                "type": "service",
                "tma_product_type": "overage",
                "invoice_policy": "order",
                "list_price": 100,
            }
        )

    def _invoice(self, product, qty, invoice_date, post=True, contract=None):
        order = (
            self.env["sale.order"]
            .sudo()
            .create(
                {
                    "partner_id": self.client_a.id,
                    "tma_contract_id": (contract or self.contract).id,
                    "order_line": [
                        Command.create(
                            {"product_id": product.id, "product_uom_qty": qty}
                        )
                    ],
                }
            )
        )
        order.with_context(tma_skip_contract_creation=True).action_confirm()
        invoice = order._create_invoices()
        invoice.invoice_date = invoice_date
        if post:
            invoice.action_post()
        return invoice

    def _report(self, month=date(2026, 11, 1)):
        with freeze_time("2026-12-02 08:00:00"):
            return self.env["tma.sla.service.report"]._generate_for(
                self.contract, month
            )

    def test_posted_invoices_count_by_kind_and_drafts_do_not(self):
        self._invoice(self.pack, 1, date(2026, 11, 10))  # books: 1000
        self._invoice(self.overage, 3, date(2026, 11, 20))  # overage: 300
        self._invoice(self.oos_product, 2, date(2026, 11, 25), post=False)
        self._invoice(self.overage, 5, date(2026, 12, 1))  # next period
        other = self._create_contract(sla_policy_id=self.policy.id)
        self._invoice(self.overage, 7, date(2026, 11, 12), contract=other)
        report = self._report()
        budget = report.kpi_data["budget"]
        self.assertEqual(
            {line["kind"]: line["amount"] for line in budget["lines"]},
            {"books": 1000.0, "overage": 300.0},
        )
        self.assertEqual(budget["invoiced"], 1300.0)
        self.assertEqual(budget["planned"], 2000.0)
        self.assertEqual(budget["remaining"], 700.0)
        self.assertEqual(budget["consumed_rate"], 65.0)

    def test_the_contract_form_shows_the_current_period(self):
        with freeze_time("2026-11-28 10:00:00"):
            self._invoice(self.overage, 3, date(2026, 11, 20))
            self._invoice(self.overage, 4, date(2026, 11, 21), post=False)
            self.contract.invalidate_recordset(
                ["budget_period_planned", "budget_period_invoiced"]
            )
            self.assertEqual(self.contract.budget_period_planned, 2000.0)
            self.assertEqual(self.contract.budget_period_invoiced, 300.0)

    def test_a_posted_credit_note_lowers_its_kind(self):
        invoice = self._invoice(self.overage, 3, date(2026, 11, 20))
        refund = invoice._reverse_moves()
        refund.invoice_date = date(2026, 11, 21)
        refund.action_post()
        budget = self._report().kpi_data["budget"]
        self.assertEqual(budget["invoiced"], 0.0)
        self.assertEqual(budget["lines"], [{"kind": "overage", "amount": 0.0}])

    def test_the_budget_is_read_in_one_query(self):
        self._invoice(self.pack, 1, date(2026, 11, 10))
        self._invoice(self.overage, 3, date(2026, 11, 20))
        self._invoice(self.overage, 4, date(2026, 11, 21))
        # The contract's recurring contract is read before counting.
        self.assertTrue(self.contract.recurring_contract_id)
        self.env.flush_all()
        with self.assertQueryCount(1):
            invoiced = self.contract._tma_invoiced_by_kind(
                date(2026, 11, 1), date(2026, 11, 30)
            )
        self.assertEqual(invoiced, {"books": 1000.0, "overage": 700.0})

    def test_a_budget_per_period_is_not_multiplied_by_the_months(self):
        self.contract.sla_report_frequency = "quarterly"
        self.assertEqual(self._report().kpi_data["budget"]["planned"], 6000.0)
        self.contract.budget_basis = "period"
        self.assertEqual(self._report().kpi_data["budget"]["planned"], 2000.0)

    def test_the_budget_and_availability_are_in_the_pdf_and_workbook(self):
        self._invoice(self.overage, 3, date(2026, 11, 20))
        app = self.env["tma.application"].create(
            {"name": "ERP B", "partner_id": self.client_a.id}
        )
        prod = self.env["tma.application.environment"].create(
            {"name": "Production", "application_id": app.id}
        )
        self.env["tma.sla.availability.target"].create(
            {
                "contract_id": self.contract.id,
                "environment_id": prod.id,
                "target": 99.0,
                "coverage": "24_7",
            }
        )
        # Six hours down out of the 720 hours of November, around the clock.
        self.env["tma.sla.outage"].create(
            {
                "name": "Database down",
                "environment_id": prod.id,
                "kind": "unplanned",
                "date_start": utc("2026-11-24 09:00:00"),
                "date_end": utc("2026-11-24 15:00:00"),
            }
        )
        report = self._report()
        (line,) = report.kpi_data["availability"]
        self.assertEqual(line["target"], 99.0)
        self.assertAlmostEqual(line["availability"], round(100 * 714 / 720, 3))
        self.assertEqual(line["downtime_hours"], 6.0)
        self.assertFalse(line["breached"])
        html, _fmt = self.env["ir.actions.report"]._render_qweb_html(
            "tma_sla.action_report_tma_sla_service_report", report.ids
        )
        html = html.decode()
        self.assertIn("Remaining budget", html)
        self.assertIn("Overage", html)
        self.assertIn("ERP B", html)
        self.assertIn("99.167", html)
        book = openpyxl.load_workbook(io.BytesIO(report.xlsx_attachment_id.raw))
        budget_rows = list(book["Budget"].iter_rows(values_only=True))
        self.assertIn(("Overage", 300.0), budget_rows)
        self.assertIn(("Planned budget", 2000.0), budget_rows)
        availability_rows = list(book["Availability"].iter_rows(values_only=True))
        self.assertEqual(
            availability_rows[1], ("ERP B", "Production", 99.0, 99.167, 6.0, "No")
        )

    def test_availability_under_target_is_a_breach(self):
        app = self.env["tma.application"].create(
            {"name": "ERP C", "partner_id": self.client_a.id}
        )
        prod = self.env["tma.application.environment"].create(
            {"name": "Production", "application_id": app.id}
        )
        self.env["tma.sla.availability.target"].create(
            {
                "contract_id": self.contract.id,
                "environment_id": prod.id,
                "target": 99.9,
                "coverage": "24_7",
            }
        )
        self.env["tma.sla.outage"].create(
            {
                "name": "Down",
                "environment_id": prod.id,
                "kind": "unplanned",
                "date_start": utc("2026-11-24 09:00:00"),
                "date_end": utc("2026-11-24 15:00:00"),
            }
        )
        (line,) = self._report().kpi_data["availability"]
        self.assertTrue(line["breached"])

    def test_a_report_without_commitment_or_invoice_has_empty_sections(self):
        self.contract.budget_amount = 0.0
        k = self._report().kpi_data
        self.assertEqual(k["availability"], [])
        self.assertEqual(k["budget"]["lines"], [])
        self.assertIsNone(k["budget"]["consumed_rate"])

    def test_the_recurring_fee_and_penalty_credits_have_their_kinds(self):
        recurring = self.contract.recurring_contract_id
        self.assertTrue(recurring, "a fixed-fee contract invoices through OCA")
        fee = recurring._recurring_create_invoice()
        fee.invoice_date = date(2026, 11, 3)
        if fee.state == "draft":
            fee.action_post()
        period = self.env["tma.sla.penalty.period"].create(
            {
                "contract_id": self.contract.id,
                "date_from": date(2026, 10, 1),
                "date_to": date(2026, 10, 31),
            }
        )
        credit = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.client_a.id,
                "invoice_date": date(2026, 11, 5),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.env.ref(
                                "tma_sla.product_tma_sla_penalty"
                            ).id,
                            "quantity": 1,
                            "price_unit": 150.0,
                        }
                    )
                ],
            }
        )
        credit.action_post()
        period.move_id = credit
        invoiced = self.contract._tma_invoiced_by_kind(
            date(2026, 11, 1), date(2026, 11, 30)
        )
        self.assertEqual(invoiced, {"fee": 3000.0, "penalty": -150.0})
