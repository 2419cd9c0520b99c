# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The figures of evolutive work in the service report and the package:
estimate accuracy, time to estimate, acceptance at first delivery, units
under warranty, each on a case built to tell the right definition from a
plausible wrong one."""

import io
from datetime import date

import openpyxl
from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import CONTRACT_START, TmaSlaCommon

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
SEPTEMBER = (date(2026, 9, 1), date(2026, 9, 30))
NOW = "2026-12-02 08:00:00"


@tagged("post_install", "-at_install")
class TestEvolutionFigures(TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.evolutive = cls.env.ref("tma_contract.maintenance_type_evolutive")
        cls.corrective = cls.env.ref("tma_contract.maintenance_type_corrective")
        cls.book_contract = cls._create_contract(
            date_start=CONTRACT_START,
            sla_policy_id=cls.policy.id,
            support_level_ids=[Command.set((cls.l1 | cls.l2 | cls.l3).ids)],
        )
        cls._add_book(cls.book_contract, 50)
        contract = cls.book_contract
        # A: created on 2 November, estimated 2 days later at 4 units,
        # accepted at its first delivery on 10 November for 3 units.
        with freeze_time("2026-11-02 09:00:00"):
            cls.ticket_a = cls._evolution(contract)
        with freeze_time("2026-11-04 09:00:00"):
            estimate = cls._sent(cls.ticket_a, 4.0)
            cls._approve(estimate)
        with freeze_time("2026-11-10 09:00:00"):
            cls._accept(cls._deliver(estimate, 3.0))
        # B: created on 3 November, first estimated 6 days later at 5 units
        # (approved), estimated again at 7 units the next day (approved:
        # it replaces the first); its first delivery rejected, the second
        # accepted for 7 units.
        with freeze_time("2026-11-03 09:00:00"):
            ticket_b = cls._evolution(contract)
        with freeze_time("2026-11-09 09:00:00"):
            cls._approve(cls._sent(ticket_b, 5.0))
        with freeze_time("2026-11-10 09:00:00"):
            second = cls._sent(ticket_b, 7.0)
            cls._approve(second)
        with freeze_time("2026-11-12 09:00:00"):
            cls._deliver(second, 7.0).with_user(cls.portal_a).sudo()._reject(
                cls.contact_a, "The label is cut"
            )
        with freeze_time("2026-11-16 09:00:00"):
            cls._accept(cls._deliver(second, 7.0))
        # C: estimated in October (not November's time to estimate), never
        # delivered.
        with freeze_time("2026-10-20 09:00:00"):
            ticket_c = cls._evolution(contract)
        with freeze_time("2026-10-25 09:00:00"):
            cls._sent(ticket_c, 2.0)
        # A defect of A fixed under warranty (a complex fix: 8 units waived),
        # and an ordinary corrective ticket (consumed, not waived).
        with freeze_time("2026-11-20 09:00:00"):
            cls.defect = cls._create_ticket(
                contract,
                complexity="complex",
                tma_maintenance_type_id=cls.corrective.id,
                tma_warranty_of_id=cls.ticket_a.id,
            )
            cls.defect._tma_record_consumption()
            cls._create_ticket(
                contract, tma_maintenance_type_id=cls.corrective.id
            )._tma_record_consumption()
        cls.env.flush_all()

    @classmethod
    def _evolution(cls, contract):
        return cls._create_ticket(
            contract,
            name="Add a carrier field",
            tma_maintenance_type_id=cls.evolutive.id,
            stage_id=cls.stage_new.id,
        )

    @classmethod
    def _sent(cls, ticket, units):
        estimate = cls.env["tma.evolution.estimate"].create(
            {
                "ticket_id": ticket.id,
                "method": "free",
                "units": units,
                "justification": "A field, a screen and a report",
            }
        )
        estimate.action_send()
        return estimate

    @classmethod
    def _approve(cls, estimate):
        estimate.with_user(cls.portal_a).sudo()._approve(cls.contact_a)

    @classmethod
    def _deliver(cls, estimate, units):
        return cls.env["tma.evolution.delivery"].create(
            {"estimate_id": estimate.id, "units": units}
        )

    @classmethod
    def _accept(cls, delivery):
        delivery.with_user(cls.portal_a).sudo()._accept(cls.contact_a)

    def _kpis(self, period):
        with freeze_time(NOW):
            return self.book_contract._tma_sla_kpis(*period)

    def test_estimate_accuracy_is_against_the_first_approved_estimate(self):
        kpis = self._kpis(NOVEMBER)
        self.assertEqual(kpis["evolutions_accepted"], 2)
        # (3 + 7) units consumed for (4 + 5) first approved: 111.1 %, not
        # (3 + 7) / (4 + 7) = 90.9 % against the last estimate.
        self.assertEqual(kpis["estimate_accuracy"], 111.1)

    def test_mean_time_to_estimate_is_to_the_first_estimate_sent(self):
        kpis = self._kpis(NOVEMBER)
        # A in 2 days, B in 6 (its second estimate, 7 days after, and C's,
        # sent in October, do not count): 4 calendar days.
        self.assertEqual(kpis["estimates_sent"], 2)
        self.assertEqual(kpis["estimate_days"], 4.0)
        october = self._kpis((date(2026, 10, 1), date(2026, 10, 31)))
        self.assertEqual(october["estimate_days"], 5.0)

    def test_acceptance_at_first_delivery_leaves_out_a_rejected_one(self):
        self.assertEqual(self._kpis(NOVEMBER)["first_delivery_rate"], 50.0)

    def test_units_under_warranty_are_what_the_fixes_were_worth(self):
        kpis = self._kpis(NOVEMBER)
        self.assertEqual(kpis["units_warranty"], 8.0)
        # What the client paid: the two acceptances and the corrective
        # ticket, not the fix under warranty.
        self.assertEqual(kpis["units_consumed"], 11.0)
        entry = self.defect.tma_entry_ids
        self.assertEqual((entry.scope, entry.units), ("warranty", 0.0))
        self.assertEqual(entry.waived_units, 8.0)

    def test_a_reversed_fix_under_warranty_is_no_longer_counted(self):
        with freeze_time("2026-11-21 09:00:00"):
            self.defect.tma_entry_ids._reverse("Not a defect after all")
        self.assertEqual(self._kpis(NOVEMBER)["units_warranty"], 0.0)

    def test_a_period_without_evolutions_measures_nothing(self):
        kpis = self._kpis(SEPTEMBER)
        self.assertEqual(kpis["evolutions_accepted"], 0)
        self.assertIsNone(kpis["estimate_accuracy"])
        self.assertIsNone(kpis["first_delivery_rate"])
        self.assertEqual(kpis["estimates_sent"], 0)
        self.assertIsNone(kpis["estimate_days"])
        self.assertEqual(kpis["units_warranty"], 0.0)
        self.assertEqual(self.book_contract._tma_evolution_kpi_rows(kpis), [])

    def test_the_figures_cost_no_query_more(self):
        with freeze_time(NOW):
            self.book_contract._tma_sla_kpis(*NOVEMBER)  # warm the caches
            with self.assertQueryCount(1):
                self.book_contract._tma_sla_kpis(*NOVEMBER)

    def test_service_report_pdf_and_xlsx_show_the_figures(self):
        Report = self.env["tma.sla.service.report"].with_context(tma_sla_pdf_later=True)
        with freeze_time(NOW):
            report = Report._generate_for(self.book_contract, NOVEMBER[0])
            empty = Report._generate_for(self.book_contract, SEPTEMBER[0])
        rows = {label: value for label, value, _d in report._summary_rows()}
        self.assertEqual(rows["Estimate accuracy (%)"], 111.1)
        self.assertEqual(rows["Acceptance at first delivery (%)"], 50.0)
        self.assertEqual(rows["Mean time to estimate (calendar days)"], 4.0)
        self.assertEqual(rows["Units under warranty"], 8.0)
        empty_labels = {label for label, _v, _d in empty._summary_rows()}
        for label in (
            "Estimate accuracy (%)",
            "Acceptance at first delivery (%)",
            "Mean time to estimate (calendar days)",
            "Units under warranty",
        ):
            self.assertNotIn(label, empty_labels)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "tma_sla.action_report_tma_sla_service_report", report.ids
            )[0]
            .decode()
        )
        self.assertIn("Estimate accuracy (%)", html)
        self.assertIn("per 100 units of the first estimate", html)
        self.assertIn("Mean time to estimate (calendar days)", html)
        book = openpyxl.load_workbook(io.BytesIO(report.xlsx_attachment_id.raw))
        # The figures first, their definitions further down.
        cells = {}
        for row in book["KPIs"].iter_rows(values_only=True):
            if row and row[0]:
                cells.setdefault(row[0], row[1])
        self.assertEqual(cells["Estimate accuracy (%)"], 111.1)
        self.assertEqual(cells["Acceptance at first delivery (%)"], 50.0)
        self.assertEqual(cells["Mean time to estimate (calendar days)"], 4.0)
        self.assertEqual(cells["Units under warranty"], 8.0)

    def test_package_kpi_rows_hold_the_figures_of_each_month(self):
        with freeze_time(NOW):
            rows = self.book_contract._tma_export_kpi_rows(
                date(2026, 9, 1), NOVEMBER[1]
            )
        figures = {(month, label): value for month, label, value in rows}
        november = date(2026, 11, 1)
        self.assertEqual(figures[(november, "Estimate accuracy (%)")], 111.1)
        self.assertEqual(figures[(november, "Acceptance at first delivery (%)")], 50.0)
        self.assertEqual(
            figures[(november, "Mean time to estimate (calendar days)")], 4.0
        )
        self.assertEqual(figures[(november, "Units under warranty")], 8.0)
        self.assertEqual(
            figures[(date(2026, 10, 1), "Mean time to estimate (calendar days)")],
            5.0,
        )
        self.assertNotIn((date(2026, 9, 1), "Units under warranty"), figures)
        self.assertNotIn((date(2026, 9, 1), "Estimate accuracy (%)"), figures)
