# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The definitions of the report's KPIs, each on tickets built to tell the
right definition from a plausible wrong one."""

import io
from datetime import date, timedelta

import openpyxl
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MONDAY_10H, TmaSlaCommon

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


@tagged("post_install", "-at_install")
class TestKpi(TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.app = cls.env["tma.application"].create(
            {"name": "ERP", "partner_id": cls.client_a.id}
        )
        cls.other_category = cls.env["helpdesk.ticket.category"].create(
            {"name": "Other category"}
        )
        cls.corrective = cls.env.ref("tma_contract.maintenance_type_corrective")
        cls.evolutive = cls.env.ref("tma_contract.maintenance_type_evolutive")

    def _respond(self, ticket, times=1):
        for _i in range(times):
            ticket.with_user(self.engineer).message_post(
                body="Here is the answer",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )

    def _kpis(self):
        with freeze_time("2026-12-02 08:00:00"):
            return self.contract._tma_sla_kpis(*NOVEMBER)

    def test_first_contact_resolution_is_resolved_at_the_first_intervention(self):
        with freeze_time(MONDAY_10H):
            one = self._ticket("1")
            self._respond(one)
            one.stage_id = self.stage_done
            escalated = self._ticket("1")
            escalated._tma_escalate(self.l2, "Database expertise needed")
            self._respond(escalated)
            escalated.stage_id = self.stage_done
            two = self._ticket("1")
            self._respond(two, times=2)
            two.stage_id = self.stage_done
            reassigned = self._ticket("1", user_id=self.engineer.id)
            reassigned.user_id = self.manager
            reassigned.stage_id = self.stage_done
            reopened = self._ticket("1")
            reopened.stage_id = self.stage_done
            reopened.stage_id = self.stage_progress
            reopened.stage_id = self.stage_done
        self.assertEqual(
            (one | escalated | two | reassigned | reopened).mapped(
                lambda t: (t.tma_staff_response_count, t.tma_reassigned, t.tma_reopened)
            ),
            [(1, False, False), (1, False, False), (2, False, False)]
            + [(0, True, False), (0, False, True)],
        )
        kpis = self._kpis()
        self.assertEqual(kpis["closed"], 5)
        # The first two only: escalating is no failure of the first contact;
        # a second response, a new assignee or a reopening are.
        self.assertEqual(kpis["first_contact_rate"], 40.0)

    def test_first_contact_facts_cannot_be_written(self):
        with freeze_time(MONDAY_10H):
            ticket = self._ticket("1", user_id=self.engineer.id)
            ticket.user_id = self.manager
        for vals in (
            {"tma_reassigned": False},
            {"tma_reopened": True},
            {"tma_staff_response_count": 0},
        ):
            for user in (self.manager, self.env.user):
                with self.subTest(vals=vals, user=user.login):
                    with self.assertRaisesRegex(UserError, "cannot be written"):
                        ticket.with_user(user).write(vals)
                    self.env.invalidate_all()
                    self.assertTrue(ticket.tma_reassigned)
                    self.assertFalse(ticket.tma_reopened)

    def test_recurring_incidents_count_corrective_tickets_only(self):
        def ticket(kind, category, created):
            # Created at ``created`` (the transaction's clock follows).
            with freeze_time(created):
                return self._ticket(
                    "1",
                    tma_application_id=self.app.id,
                    category_id=category.id,
                    tma_maintenance_type_id=kind.id,
                )

        ticket(self.corrective, self.category, "2026-11-02 09:00:00")
        ticket(self.corrective, self.category, "2026-11-10 09:00:00")  # recurring
        ticket(self.evolutive, self.category, "2026-11-12 09:00:00")
        ticket(self.evolutive, self.category, "2026-11-14 09:00:00")
        ticket(self.evolutive, self.other_category, "2026-11-03 09:00:00")
        ticket(self.corrective, self.other_category, "2026-11-05 09:00:00")
        self.assertEqual(self._kpis()["recurring"], 1)

    def test_each_kpi_is_defined_in_the_report(self):
        with freeze_time("2026-12-02 08:00:00"):
            report = self.env["tma.sla.service.report"]._generate_for(
                self.contract, NOVEMBER[0]
            )
        rows = report._summary_rows()
        self.assertTrue(all(definition for _label, _value, definition in rows))
        html, _fmt = self.env["ir.actions.report"]._render_qweb_html(
            "tma_sla.action_report_tma_sla_service_report", report.ids
        )
        html = html.decode()
        self.assertIn("o_tma_kpi_definitions", html)
        self.assertIn("resolved at the first intervention", html)
        self.assertIn("Corrective tickets opened in the period", html)
        book = openpyxl.load_workbook(io.BytesIO(report.xlsx_attachment_id.raw))
        cells = {
            row[0]: row[1]
            for row in book["KPIs"].iter_rows(values_only=True)
            if row and row[0]
        }
        self.assertEqual(cells["Indicator"], "Definition")
        first_contact = [v for k, v in cells.items() if k.startswith("First-contact")]
        self.assertIn("resolved at the first intervention", first_contact[-1])

    def test_late_running_timers_are_counted_for_each_contract_at_once(self):
        """The contract's late running timers (a figure of its own, read
        apart from the month's compliance), for a batch of contracts."""
        ticket = self._ticket(priority="3")
        running = ticket.tma_sla_timer_ids.filtered(lambda t: t.status == "running")
        self.assertTrue(running)
        running[0].deadline = fields.Datetime.now() - timedelta(hours=1)
        no_policy = self._create_contract(mode="forfait")
        other = self._create_contract(mode="forfait", sla_policy_id=self.policy.id)
        contracts = self.contract | no_policy | other
        contracts.invalidate_recordset(["sla_month_late"])
        self.assertEqual(contracts.mapped("sla_month_late"), [1, 0, 0])
