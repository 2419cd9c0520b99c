# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
from urllib.parse import urlparse

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .utils import DOCUMENT_TYPES


class TmaDocument(models.Model):
    """A document of the client's documentation register: it belongs to the
    client and is kept current during the whole contract (audit and
    intervention reports are filed in it as the work is done), not written at
    its end; tma_reversibility hands it over in the reversibility package."""

    _name = "tma.document"
    _description = "TMA Documentation Register Entry"
    _inherit = ["tma.portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "contract_id, doc_type, name, id"

    name = fields.Char(required=True, tracking=True)
    contract_id = fields.Many2one(
        "tma.contract", required=True, ondelete="restrict", index=True
    )
    partner_id = fields.Many2one(related="contract_id.partner_id", store=True)
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    application_id = fields.Many2one(
        "tma.application",
        domain="[('partner_id', '=', partner_id)]",
    )
    environment_id = fields.Many2one(
        "tma.application.environment",
        domain="[('application_id', '=', application_id)]",
    )
    doc_type = fields.Selection(
        DOCUMENT_TYPES, string="Type", required=True, default="other", tracking=True
    )
    version = fields.Char(default="1.0", tracking=True)
    date = fields.Date(default=fields.Date.context_today, required=True)
    author_id = fields.Many2one("res.users", default=lambda self: self.env.user)
    owner_id = fields.Many2one(
        "res.partner",
        compute="_compute_owner_id",
        store=True,
        readonly=False,
        help="The client owns its documentation.",
    )
    next_review_date = fields.Date(tracking=True)
    review_overdue = fields.Boolean(compute="_compute_review_overdue")
    file = fields.Binary(attachment=True)
    file_name = fields.Char()
    url = fields.Char(
        string="Link", help="Where the document lives, when not attached."
    )
    ticket_id = fields.Many2one(
        "helpdesk.ticket", string="Intervention", help="Ticket this report is about."
    )
    active = fields.Boolean(default=True)

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for document in self:
            document.access_url = f"/my/tma/documents/{document.id}"
        return result

    @api.constrains("file", "file_name")
    def _check_file(self):
        """Register files follow the upload policy (size, type): they are
        handed to the client and its successor."""
        Attachment = self.env["ir.attachment"]
        for document in self.with_context(bin_size=False).filtered("file"):
            Attachment._tma_check_upload(
                document.file_name or document.name,
                base64.b64decode(document.file),
            )

    @api.constrains("url")
    def _check_url(self):
        for document in self.filtered("url"):
            if urlparse(document.url.strip()).scheme.lower() not in ("http", "https"):
                raise ValidationError(
                    _(
                        "The link of the document %(name)s must be a web address "
                        "(http or https).",
                        name=document.name,
                    )
                )

    @api.depends("contract_id")
    def _compute_owner_id(self):
        for document in self:
            if not document.owner_id:
                document.owner_id = document.contract_id.partner_id

    def _compute_review_overdue(self):
        today = fields.Date.context_today(self)
        for document in self:
            document.review_overdue = bool(
                document.next_review_date and document.next_review_date < today
            )

    @api.model
    def _cron_review_reminders(self, batch_size=500):
        """An activity for the author of each document overdue for review that
        does not have one yet, ``batch_size`` documents a run; reports the
        progress to the cron and re-arms it while documents remain. A
        document done leaves the selection: nothing is processed twice.
        Idempotent."""
        today = fields.Date.context_today(self)
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        domain = [
            ("next_review_date", "<", today),
            ("activity_ids", "=", False),
            ("contract_id.state", "in", ("active", "reversibility")),
        ]
        documents = self.search(domain, limit=batch_size)
        for document in documents:
            document.activity_schedule(
                activity_type_id=activity_type.id,
                summary=_("Review the document %(name)s", name=document.name),
                user_id=(document.author_id or document.contract_id.user_id).id
                or self.env.user.id,
            )
        remaining = self.search_count(domain) if documents else 0
        cron = self.env.ref("tma_contract.ir_cron_tma_document_reviews")
        cron._notify_progress(done=len(documents), remaining=remaining)
        if remaining:
            cron._trigger()
        return documents
