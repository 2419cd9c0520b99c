# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request
from odoo.tools import SQL

from ..tools.replica import read_route
from .portal import TmaCustomerPortal


class TmaRegisterPortal(TmaCustomerPortal):
    """The contract's documentation register on its portal page, and each
    document's file or link."""

    def _tma_contract_page_sections(self, contract, ledger_offset):
        sections = super()._tma_contract_page_sections(contract, ledger_offset)
        env = request.env
        Document = env["tma.document"].sudo()
        document_domain = [("contract_id", "=", contract.id)]
        # Which documents have a file (to link them), without reading any
        # file: the attachments of their binary field.
        files = (
            env["ir.attachment"]
            .sudo()
            ._search(
                [
                    ("res_model", "=", Document._name),
                    ("res_field", "=", "file"),
                    ("res_id", "in", Document._search(document_domain)),
                ]
            )
        )
        sections.update(
            documents=(
                Document,
                document_domain,
                ["name", "url", "doc_type", "version", "date", "next_review_date"],
                {},
            ),
            documents_with_file=SQL(
                "ARRAY(%s)", files.select(SQL.identifier("ir_attachment", "res_id"))
            ),
        )
        return sections

    @http.route(
        ["/my/tma/documents/<int:document_id>"],
        type="http",
        auth="public",
        website=True,
        readonly=read_route,
    )
    def portal_tma_document(self, document_id, access_token=None, **kw):
        try:
            document = self._document_check_access(
                "tma.document", document_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        if not document.file:
            if document.url:
                return request.redirect(document.url, local=False)
            return request.not_found()
        return request.make_response(
            base64.b64decode(document.file),
            headers=[
                ("Content-Type", "application/octet-stream"),
                ("X-Content-Type-Options", "nosniff"),
                (
                    "Content-Disposition",
                    http.content_disposition(document.file_name or document.name),
                ),
            ],
        )
