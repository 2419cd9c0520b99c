# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from odoo import _, models
from odoo.tools import html2plaintext


class TmaPreventiveOccurrence(models.Model):
    """A preventive audit done files its report in the contract's
    documentation register, as an audit document."""

    _inherit = "tma.preventive.occurrence"

    def _on_done(self):
        result = super()._on_done()
        self._tma_file_audit_report()
        return result

    def _tma_file_audit_report(self):
        """File the audit report (checklist, findings, conclusion) of these
        occurrences, on contracts that file their reports."""
        Document = self.env["tma.document"].sudo()
        kinds = dict(self._fields["audit_kind"]._description_selection(self.env))
        for occurrence in self.filtered("contract_id.file_intervention_reports"):
            ticket = occurrence.ticket_id
            title = _(
                "Audit report %(plan)s, due %(date)s",
                plan=occurrence.plan_id.name,
                date=occurrence.due_date,
            )
            lines = [
                title,
                _("Kind of audit: %(kind)s", kind=kinds.get(occurrence.audit_kind, "")),
                _(
                    "Application: %(app)s",
                    app=occurrence.application_id.display_name or "-",
                ),
                _("Done on: %(date)s", date=occurrence.date_done),
                "",
                _("Checklist:"),
            ]
            lines += [
                f"[{'x' if check.done else ' '}] {check.name}"
                + (f" ({check.note})" if check.note else "")
                for check in ticket.tma_check_ids
            ]
            lines += ["", _("Findings and recommendations:")]
            lines += [
                f"- {finding.name}: {finding.recommendation or ''}"
                for finding in ticket.tma_finding_ids
            ] or [_("None.")]
            lines += ["", html2plaintext(occurrence.report or "")]
            Document.create(
                {
                    "contract_id": occurrence.contract_id.id,
                    "name": title,
                    "doc_type": "audit",
                    "ticket_id": ticket.id,
                    "application_id": occurrence.application_id.id,
                    "environment_id": occurrence.environment_id.id,
                    "file": base64.b64encode("\n".join(lines).encode()),
                    "file_name": f"audit-{ticket.number or occurrence.id}.txt",
                }
            )
