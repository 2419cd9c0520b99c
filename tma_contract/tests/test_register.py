# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The contract's documentation register: what the contract's life files in
it (audit reports of preventive maintenance, intervention reports of closed
tickets, the full report sent through the ticket's
``_tma_on_intervention_report`` hook), its review reminders, and that
tma_contract owns it (model, views, menu, access rights, rules, cron)."""

import base64

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import tagged

from ..tools import migration
from .common import TmaCommon, assert_on_letterhead


class TmaRegisterCommon(TmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.corrective = cls.env.ref("tma_contract.maintenance_type_corrective")
        cls.done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        # Closing a ticket records no units here (the contract holds no book).
        cls.contract = cls._create_contract(title="Register", consume_on_close=False)

    def _register(self, ticket, doc_type="intervention"):
        return self.env["tma.document"].search(
            [("ticket_id", "=", ticket.id), ("doc_type", "=", doc_type)]
        )


@tagged("post_install", "-at_install")
class TestPreventiveRegister(TmaRegisterCommon):
    def _done_audit(self, contract, **context):
        application = self.env["tma.application"].create(
            {"name": "ERP A", "partner_id": contract.partner_id.id}
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
                "severity": "high",
                "recommendation": "Disable it.",
            }
        )
        ticket.tma_preventive_report = "<p>All good but TLS.</p>"
        ticket.action_tma_check_all()
        ticket.with_context(**context).stage_id = self.done
        return plan.occurrence_ids

    def _assert_report_reads(self, occurrence, present, absent, reader_lang):
        """The audit report, as a reader of ``reader_lang`` prints it, holds
        every text of ``present`` and none of ``absent``."""
        Report = self.env["ir.actions.report"].with_context(lang=reader_lang)
        html, _fmt = Report._render_qweb_html(
            "tma_contract.action_report_tma_audit", occurrence.ids
        )
        html = html.decode()
        for text in present:
            self.assertIn(text, html)
        for text in absent:
            self.assertNotIn(text, html)

    def test_a_done_audit_files_its_report_as_a_pdf(self):
        """The report printed by the audit's report action is the file.
        (Under tests Odoo prints a report's HTML, not its PDF: a real
        wkhtmltopdf would fetch the styles from a server that waits on this
        test's transaction; outside tests the file is the PDF.)"""
        occurrence = self._done_audit(self.contract)
        document = self._register(occurrence.ticket_id, "audit")
        self.assertEqual(len(document), 1)
        self.assertEqual(document.contract_id, self.contract)
        self.assertEqual(occurrence.audit_document_id, document)
        self.assertFalse(occurrence.audit_pdf_pending)
        self.assertIn(b"Patches applied", base64.b64decode(document.file))
        self.assertEqual(
            document.file_name, f"audit-security-audit-{occurrence.due_date}.pdf"
        )

    def test_the_audit_report_is_on_the_letterhead(self):
        occurrence = self._done_audit(self.contract)
        assert_on_letterhead(self, "tma_contract.action_report_tma_audit", occurrence)

    def test_the_report_is_in_the_french_clients_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        # Odoo's runner builds its database without French: load it.
        self.env["ir.module.module"]._load_module_terms(["tma_contract"], ["fr_FR"])
        self.client_a.lang = "fr_FR"
        occurrence = self._done_audit(self.contract)
        self._assert_report_reads(
            occurrence,
            present=(
                "Liste de contrôle",
                "Patches applied",
                "Réalisé",
                "Constats et recommandations",
                "TLS 1.0 accepted",
                "Disable it.",
                "Élevée",
                "All good but TLS.",
                occurrence.due_date.strftime("%d/%m/%Y"),
            ),
            absent=("Checklist", "Findings and recommendations"),
            reader_lang="en_US",
        )
        document = occurrence.audit_document_id
        self.assertEqual(
            document.name,
            "Rapport d'audit Security audit, échéance du "
            + occurrence.due_date.strftime("%d/%m/%Y"),
        )

    def test_the_report_is_in_the_english_clients_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        # Odoo's runner builds its database without French: load it.
        self.env["ir.module.module"]._load_module_terms(["tma_contract"], ["fr_FR"])
        contract = self._create_contract(
            partner=self.client_b, title="Register B", consume_on_close=False
        )
        self.client_b.lang = "en_US"
        occurrence = self._done_audit(contract)
        self._assert_report_reads(
            occurrence,
            present=(
                "Checklist",
                "Patches applied",
                "Findings and recommendations",
                "TLS 1.0 accepted",
                "High",
                occurrence.due_date.strftime("%m/%d/%Y"),
            ),
            absent=("Liste de contrôle", "Constats et recommandations"),
            reader_lang="fr_FR",
        )
        self.assertTrue(occurrence.audit_document_id.name.startswith("Audit report"))

    def test_a_report_filed_while_no_pdf_can_be_printed_is_printed_later(self):
        """While the database is being created or updated (no web server for
        wkhtmltopdf), the report is filed without its PDF; the cron prints
        it once."""
        registry = self.env.registry
        registry.ready = False
        try:
            occurrence = self._done_audit(self.contract)
        finally:
            registry.ready = True
        document = self._register(occurrence.ticket_id, "audit")
        self.assertEqual(len(document), 1)
        self.assertEqual(occurrence.audit_document_id, document)
        self.assertFalse(document.file)
        self.assertTrue(occurrence.audit_pdf_pending)
        # The demo's audits, done while the database was being built, wait
        # for the cron too.
        Occurrence = self.env["tma.preventive.occurrence"]
        self.assertIn(occurrence, Occurrence._cron_print_audit_pdfs())
        self.assertFalse(occurrence.audit_pdf_pending)
        self.assertTrue(document.file)
        self.assertTrue(document.file_name.endswith(".pdf"))
        # Printed once: not again on the next run, still one document.
        self.assertNotIn(occurrence, Occurrence._cron_print_audit_pdfs())
        self.assertEqual(len(self._register(occurrence.ticket_id, "audit")), 1)

    def test_no_report_filed_when_the_contract_files_none(self):
        self.contract.file_intervention_reports = False
        occurrence = self._done_audit(self.contract)
        self.assertEqual(occurrence.state, "done")
        self.assertFalse(
            self.env["tma.document"].search(
                [("contract_id", "=", self.contract.id), ("doc_type", "=", "audit")]
            )
        )


@tagged("post_install", "-at_install")
class TestInterventionRegister(TmaRegisterCommon):
    def _closed_incident(self, name="Crash at login"):
        incident = self._create_ticket(
            self.contract, name=name, tma_maintenance_type_id=self.corrective.id
        )
        incident.stage_id = self.done
        return incident

    def test_closing_an_incident_files_its_intervention_report(self):
        incident = self._closed_incident()
        report = self._register(incident)
        self.assertEqual(len(report), 1)
        self.assertEqual(report.contract_id, self.contract)
        self.assertEqual(report.owner_id, self.client_a)
        self.assertIn(b"Crash at login", base64.b64decode(report.file))
        self.assertEqual(self.contract.document_count, 1)

    def test_assistance_tickets_file_no_report(self):
        question = self._create_ticket(self.contract, name="How to")
        question.stage_id = self.done
        self.assertFalse(
            self.env["tma.document"].search([("ticket_id", "=", question.id)])
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


@tagged("post_install", "-at_install")
class TestRegisterReviews(TmaRegisterCommon):
    def test_document_review_reminder_once(self):
        document = self.env["tma.document"].create(
            {
                "contract_id": self.contract.id,
                "name": "Run book",
                "doc_type": "runbook",
                "next_review_date": "2020-01-01",
            }
        )
        self.assertTrue(document.review_overdue)
        Document = self.env["tma.document"]
        self.assertIn(document, Document._cron_review_reminders())
        self.assertEqual(len(document.activity_ids), 1)
        self.assertNotIn(document, Document._cron_review_reminders())
        self.assertEqual(len(document.activity_ids), 1)


@tagged("post_install", "-at_install")
class TestRegisterOwnership(TmaRegisterCommon):
    """The register is tma_contract's: its records carry tma_contract's XML
    ids (on a database upgraded from the release where tma_reversibility
    held it too: tma_contract's pre-migration moves them)."""

    def test_the_register_records_are_tma_contracts(self):
        """Every XML id the pre-migration moves is tma_contract's alone (the
        demo documents' too, where the demo is loaded)."""
        renamed = migration.ACTION_RENAMES["tma_contract"]
        Data = self.env["ir.model.data"]
        for moved in (
            *migration.REGISTER_MOVED,
            "field_tma_document__doc_type",
            "selection__tma_document__doc_type__audit",
        ):
            # Renamed on the way (the window action is <model>_action).
            name = renamed.get(moved, moved)
            with self.subTest(name=name):
                if moved not in migration.DEMO:
                    self.assertTrue(self.env.ref(f"tma_contract.{name}"))
                self.assertFalse(
                    Data.search_count(
                        [("module", "!=", "tma_contract"), ("name", "=", name)]
                    )
                )
                if name != moved:
                    self.assertFalse(Data.search_count([("name", "=", moved)]))
        # The model has an XML id in every addon extending it (Odoo's
        # reflection): tma_reversibility's too, as with any host model.
        self.assertTrue(self.env.ref("tma_contract.model_tma_document"))
        self.assertEqual(
            self.env["ir.model"]._get("tma.document").modules.split(", ")[0],
            "tma_contract",
        )

    def test_the_menu_opens_the_register_for_tma_users(self):
        menu = self.env.ref("tma_contract.tma_document_menu")
        self.assertEqual(menu.action, self.env.ref("tma_contract.tma_document_action"))
        visible = self.env["ir.ui.menu"].with_user(self.engineer)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        Document = self.env["tma.document"]
        self.assertTrue(Document.with_user(self.engineer).has_access("create"))
        self.assertFalse(Document.with_user(self.engineer).has_access("unlink"))
        self.assertTrue(Document.with_user(self.manager).has_access("unlink"))
        self.assertFalse(Document.with_user(self.portal_a).has_access("write"))

    def test_a_client_reads_only_its_own_register(self):
        mine = self.env["tma.document"].create(
            {"contract_id": self.contract.id, "name": "Mine", "doc_type": "other"}
        )
        other = self.env["tma.document"].create(
            {
                "contract_id": self._create_contract(partner=self.client_b).id,
                "name": "Theirs",
                "doc_type": "other",
            }
        )
        seen = self.env["tma.document"].with_user(self.portal_a).search([])
        self.assertIn(mine, seen)
        self.assertNotIn(other, seen)
