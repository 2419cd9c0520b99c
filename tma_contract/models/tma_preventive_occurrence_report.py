# pylint: disable=consider-merging-classes-inherited
# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import logging
import re

from odoo import _, api, fields, models
from odoo.tools import format_date

from .utils import commit_unless_testing

_logger = logging.getLogger(__name__)

AUDIT_REPORT = "tma_contract.action_report_tma_audit"


class TmaPreventiveOccurrence(models.Model):
    """The audit report of a done occurrence, filed in the contract's
    documentation register as a PDF on the company's letterhead, in the
    client's language."""

    _inherit = "tma.preventive.occurrence"

    audit_document_id = fields.Many2one(
        "tma.document",
        string="Filed audit report",
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
    )
    audit_pdf_pending = fields.Boolean(
        string="PDF pending",
        readonly=True,
        help="The audit report is filed in the register but its PDF is not "
        "printed yet: the audit reports' cron prints it.",
    )

    def _tma_file_audit_report(self):
        """File the audit report (checklist, findings, conclusion) of these
        occurrences, on contracts that file their reports: one document of
        type audit per occurrence, named and printed in the client's
        language. The document is filed at once; its PDF is printed now when
        it can be, else by the cron (see ``_tma_print_audit_pdf``)."""
        Document = self.env["tma.document"].sudo()
        for occurrence in self.filtered("contract_id.file_intervention_reports"):
            reader = occurrence.with_env(occurrence.contract_id._tma_reader_env())
            document = Document.create(
                {
                    "contract_id": occurrence.contract_id.id,
                    "name": reader._tma_audit_report_title(),
                    "doc_type": "audit",
                    "ticket_id": occurrence.ticket_id.id,
                    "application_id": occurrence.application_id.id,
                    "environment_id": occurrence.environment_id.id,
                }
            )
            occurrence.sudo().write(
                {"audit_document_id": document.id, "audit_pdf_pending": True}
            )
        self.filtered("audit_pdf_pending")._tma_print_audit_pdf()

    def _tma_audit_report_title(self):
        self.ensure_one()
        return _(
            "Audit report %(plan)s, due %(date)s",
            plan=self.plan_id.name,
            date=format_date(self.env, self.due_date),
        )

    def _tma_audit_report_file_name(self):
        self.ensure_one()
        plan = re.sub(r"[^\w]+", "-", self.plan_id.name or "").strip("-").lower()
        return f"audit-{plan or self.id}-{self.due_date}.pdf"

    def _tma_print_audit_pdf(self):
        """Print the PDF of the filed audit reports of these occurrences.
        wkhtmltopdf fetches the report's styles from the web server: while a
        module is installed or updated no web server answers (the database
        is being built), so the PDF is left to the cron, as the service
        report's is. A PDF that cannot be printed (wkhtmltopdf fails) stays
        pending and is logged: the filing is kept, the cron tries again.
        Returns the occurrences printed."""
        pending = self.filtered(lambda o: o.audit_pdf_pending and o.audit_document_id)
        if not pending:
            return pending
        if not self.env.registry.ready:
            self.env.ref("tma_contract.ir_cron_tma_audit_report_pdfs")._trigger()
            return self.browse()
        Report = self.env["ir.actions.report"].sudo()
        printed = self.browse()
        for occurrence in pending:
            lang = occurrence.contract_id._tma_reader_env().lang
            try:
                with self.env.cr.savepoint():
                    pdf, _fmt = Report.with_context(lang=lang)._render_qweb_pdf(
                        AUDIT_REPORT, occurrence.ids
                    )
                    occurrence.audit_document_id.sudo().write(
                        {
                            "file": base64.b64encode(pdf),
                            "file_name": occurrence.with_context(
                                lang=lang
                            )._tma_audit_report_file_name(),
                        }
                    )
                    occurrence.sudo().audit_pdf_pending = False
            except Exception:  # noqa: BLE001 - the filing is kept, printed later
                _logger.exception("Audit report PDF of %s not printed", occurrence)
                self.env.ref("tma_contract.ir_cron_tma_audit_report_pdfs")._trigger()
                continue
            printed |= occurrence
        return printed

    @api.model
    def _cron_print_audit_pdfs(self, batch_size=20):
        """Print the PDF of the audit reports filed without one (filed while
        the database was being created or updated, or when wkhtmltopdf
        failed), oldest first, ``batch_size`` a run, committed after each
        (except under tests). A report that fails again waits for the next
        run. Returns the occurrences printed."""
        pending = self.search(
            [("audit_pdf_pending", "=", True), ("audit_document_id", "!=", False)],
            order="id",
            limit=batch_size,
        )
        printed = self.browse()
        for occurrence in pending:
            printed |= occurrence._tma_print_audit_pdf()
            commit_unless_testing(self.env)
        return printed
