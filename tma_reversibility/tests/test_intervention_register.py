# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The full intervention report (sent by the addon that writes it, through
the ticket's ``_tma_on_intervention_report`` hook) replaces the summary filed
in the register at closing."""

import base64

from odoo.tests import tagged

from .common import TmaReversibilityCommon


@tagged("post_install", "-at_install")
class TestInterventionRegister(TmaReversibilityCommon):
    def _closed_incident(self):
        incident = self._create_ticket(
            self.contract,
            name="Crash at login",
            tma_maintenance_type_id=self.corrective.id,
        )
        incident.stage_id = self.done
        return incident

    def _register(self, ticket):
        return self.env["tma.document"].search(
            [("ticket_id", "=", ticket.id), ("doc_type", "=", "intervention")]
        )

    def test_sent_report_replaces_the_summary_filed_at_closing(self):
        incident = self._closed_incident()
        self.assertEqual(len(self._register(incident)), 1)
        incident._tma_on_intervention_report(
            "Intervention report X", "Diagnosis: an expired session key"
        )
        document = self._register(incident)
        self.assertEqual(len(document), 1)
        self.assertEqual(document.name, "Intervention report X")
        self.assertIn(b"expired session key", base64.b64decode(document.file))

    def test_report_is_filed_when_nothing_was_filed_at_closing(self):
        incident = self._create_ticket(
            self.contract, name="Crash", tma_maintenance_type_id=self.corrective.id
        )
        self.assertFalse(self._register(incident))
        incident._tma_on_intervention_report("Report", "Full text")
        self.assertEqual(len(self._register(incident)), 1)

    def test_nothing_is_filed_when_the_contract_says_no(self):
        self.contract.file_intervention_reports = False
        incident = self._closed_incident()
        incident._tma_on_intervention_report("Report", "Full text")
        self.assertFalse(self._register(incident))
