# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import tagged

from .common import TmaReversibilityCommon


@tagged("post_install", "-at_install")
class TestPreventiveRegister(TmaReversibilityCommon):
    def _done_audit(self, contract):
        application = self.env["tma.application"].create(
            {"name": "ERP A", "partner_id": self.client_a.id}
        )
        plan = self.env["tma.preventive.plan"].create(
            {
                "name": "Security audit",
                "contract_id": contract.id,
                "application_id": application.id,
                "audit_kind": "security",
                "date_start": fields.Date.today() + relativedelta(days=5),
                "checklist_template": "Patches applied",
            }
        )
        self.env["tma.preventive.plan"]._cron_generate_occurrences()
        ticket = plan.occurrence_ids.ticket_id
        self.env["tma.preventive.finding"].create(
            {
                "ticket_id": ticket.id,
                "name": "TLS 1.0 accepted",
                "recommendation": "Disable it.",
            }
        )
        ticket.tma_preventive_report = "<p>All good but TLS.</p>"
        ticket.action_tma_check_all()
        ticket.stage_id = self.done
        return plan.occurrence_ids

    def test_a_done_audit_files_its_report_in_the_register(self):
        occurrence = self._done_audit(self.contract)
        document = self.env["tma.document"].search(
            [("contract_id", "=", self.contract.id), ("doc_type", "=", "audit")]
        )
        self.assertEqual(len(document), 1)
        self.assertEqual(document.ticket_id, occurrence.ticket_id)
        text = base64.b64decode(document.file).decode()
        self.assertIn("[x] Patches applied", text)
        self.assertIn("TLS 1.0 accepted: Disable it.", text)
        self.assertIn("All good but TLS.", text)

    def test_no_report_filed_when_the_contract_files_none(self):
        self.contract.file_intervention_reports = False
        self._done_audit(self.contract)
        self.assertFalse(
            self.env["tma.document"].search(
                [("contract_id", "=", self.contract.id), ("doc_type", "=", "audit")]
            )
        )
