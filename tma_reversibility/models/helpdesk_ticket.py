# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    tma_transferred = fields.Boolean(
        string="Transferred to the successor",
        readonly=True,
        copy=False,
        help="An evolution handed over to the successor provider at the end of "
        "the contract.",
    )
    tma_can_transfer = fields.Boolean(
        string="Transferable to the successor",
        compute="_compute_tma_can_transfer",
        help="An evolution still open on a contract in reversibility that has a "
        "successor: the only tickets the successor takes over.",
    )

    @api.depends(
        "closed",
        "tma_transferred",
        "tma_maintenance_type_id.code",
        "tma_contract_id.state",
        "tma_contract_id.successor_id",
    )
    def _compute_tma_can_transfer(self):
        for ticket in self:
            contract = ticket.tma_contract_id
            ticket.tma_can_transfer = bool(
                not ticket.tma_transferred
                and contract.state == "reversibility"
                and contract.successor_id
                and ticket._tma_transferable()
            )

    def action_tma_transfer_to_successor(self):
        """Hand evolutions in progress over to the successor. Incidents (and
        any other work) are not transferable: the outgoing provider closes
        them before the contract closes."""
        for ticket in self:
            contract = ticket.tma_contract_id
            if contract.state != "reversibility" or not contract.successor_id:
                raise UserError(
                    _(
                        "A ticket is transferred to the successor of a contract in "
                        "reversibility that has one."
                    )
                )
            if not ticket._tma_transferable():
                raise UserError(
                    _(
                        "Only an evolution in progress is transferred to the "
                        "successor; %(ticket)s is to be closed or cancelled "
                        "before the contract closes.",
                        ticket=ticket.display_name,
                    )
                )
        self.write({"tma_transferred": True})
        for ticket in self:
            ticket.message_post(
                body=_(
                    "Transferred to the successor %(successor)s.",
                    successor=ticket.tma_contract_id.successor_id.display_name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _tma_transferable(self):
        """Whether the ticket is work the successor may take over: an
        evolution still open."""
        self.ensure_one()
        return not self.closed and self.tma_maintenance_type_id.code == "evolutive"

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
            lines = [
                _("Intervention report %(ticket)s", ticket=ticket.display_name),
                _(
                    "Application: %(app)s",
                    app=ticket.tma_application_id.display_name or "-",
                ),
                _("Type: %(type)s", type=ticket.tma_maintenance_type_id.name),
                _("Opened: %(date)s", date=ticket.create_date),
                _("Closed: %(date)s", date=ticket.closed_date or fields.Datetime.now()),
                "",
                html2plaintext(ticket.description or ""),
            ]
            Document.create(
                {
                    "contract_id": ticket.tma_contract_id.id,
                    "name": _(
                        "Intervention report %(ticket)s", ticket=ticket.display_name
                    ),
                    "doc_type": "intervention",
                    "ticket_id": ticket.id,
                    "application_id": ticket.tma_application_id.id,
                    "environment_id": ticket.tma_environment_id.id,
                    "file": base64.b64encode("\n".join(lines).encode()),
                    "file_name": f"intervention-{ticket.number}.txt",
                }
            )

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
