# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from odoo import fields, models
from odoo.tools import html2plaintext

from .utils import reader_datetime


class HelpdeskTicket(models.Model):
    """The ticket files its intervention report in its contract's
    documentation register (``tma.document``). (A file of its own beside
    ``helpdesk_ticket.py``: the register is one concept.)"""

    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    def _tma_on_close(self, already_closed):
        """Closing a ticket files its intervention report (once per closing:
        not when it only changes closing stage)."""
        result = super()._tma_on_close(already_closed)
        (self - already_closed)._tma_file_intervention_report()
        return result

    def _tma_file_intervention_report(self):
        """File the intervention report of closed corrective and evolutive
        tickets in their contract's documentation register."""
        tickets = self.filtered(
            lambda t: (
                t.tma_contract_id.file_intervention_reports
                and t.tma_maintenance_type_id.code in ("corrective", "evolutive")
            )
        )
        Document = self.env["tma.document"].sudo()
        for ticket in tickets:
            env = ticket.tma_contract_id._tma_reader_env()
            title = env._("Intervention report %(ticket)s", ticket=ticket.display_name)
            lines = [
                title,
                *ticket._tma_report_header(env),
                "",
                html2plaintext(ticket.description or ""),
            ]
            Document.create(
                {
                    "contract_id": ticket.tma_contract_id.id,
                    "name": title,
                    "doc_type": "intervention",
                    "ticket_id": ticket.id,
                    "application_id": ticket.tma_application_id.id,
                    "environment_id": ticket.tma_environment_id.id,
                    "file": base64.b64encode("\n".join(lines).encode()),
                    "file_name": f"intervention-{ticket.number}.txt",
                }
            )

    def _tma_report_header(self, env):
        """The lines heading an intervention report of this ticket, in the
        language of ``env`` (the reader's: see ``reader_env``)."""
        self.ensure_one()
        contract = self.tma_contract_id
        tz = contract._tma_tz().zone if contract else None
        ticket = self.with_env(env)
        closed = self.closed_date or fields.Datetime.now()
        return [
            env._(
                "Application: %(app)s",
                app=ticket.tma_application_id.display_name or "-",
            ),
            env._("Type: %(type)s", type=ticket.tma_maintenance_type_id.name or "-"),
            env._("Opened: %(date)s", date=reader_datetime(env, self.create_date, tz)),
            env._("Closed: %(date)s", date=reader_datetime(env, closed, tz)),
        ]

    def _tma_on_intervention_report(self, title, text):
        """File the full intervention report written by the provider in the
        register, in place of the summary filed at closing (or as a new
        document when none was filed)."""
        result = super()._tma_on_intervention_report(title, text)
        if not self.tma_contract_id.file_intervention_reports:
            return result
        Document = self.env["tma.document"].sudo()
        values = {
            "name": title,
            "file": base64.b64encode(text.encode()),
            "file_name": f"intervention-{self.number}.txt",
        }
        document = Document.search(
            [("ticket_id", "=", self.id), ("doc_type", "=", "intervention")],
            order="id desc",
            limit=1,
        )
        if document:
            document.write(values)
        else:
            Document.create(
                dict(
                    values,
                    contract_id=self.tma_contract_id.id,
                    doc_type="intervention",
                    ticket_id=self.id,
                    application_id=self.tma_application_id.id,
                    environment_id=self.tma_environment_id.id,
                )
            )
        return result
