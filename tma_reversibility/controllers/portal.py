# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.tma_contract.controllers.portal import PARTY_ACT_ROUTE, tma_flash
from odoo.addons.tma_contract.tools.replica import read_route

from .checklist import TmaChecklistPortal

# What the contract page prints of each item of the handover checklist.
CHECKLIST_FIELDS = [
    "name",
    "mandatory",
    "description",
    "note",
    "side",
    "due_date",
    "state",
    "signed_by_id",
    "signed_on",
    # Who recorded it on the side's behalf, when a TMA manager did.
    "tma_act_reason",
    "tma_act_user_id",
    "tma_act_partner_id",
]


class TmaReversibilityPortal(TmaChecklistPortal):
    def _tma_third_party_counters(self):
        return dict(
            super()._tma_third_party_counters(), tma_handover_count=self._tma_handovers
        )

    def _tma_handovers(self):
        return self._tma_third_party_contracts("successor")

    @http.route(
        ["/my/tma/handover"],
        type="http",
        auth="user",
        website=True,
        readonly=read_route,
    )
    def portal_tma_handovers(self, **kw):
        return self._tma_third_party_list("successor")

    def _tma_contract_page_sections(self, contract, ledger_offset):
        sections = super()._tma_contract_page_sections(contract, ledger_offset)
        env = request.env
        sections.update(
            packages=(
                env["tma.reversibility.package"].sudo(),
                [("contract_id", "=", contract.id)],
                ["create_date", "state", "sha256"],
                {"limit": 10},
            ),
        )
        return sections

    def _tma_contract_checklists(self, contract):
        # The handover checklist shows once the handover has started.
        return [
            *super()._tma_contract_checklists(contract),
            {
                "key": "checklist",
                "model": "tma.reversibility.item",
                "fields": CHECKLIST_FIELDS,
                "shown": contract.state in ("reversibility", "closed"),
                "side_key": "user_side",
                "side": self._tma_user_side,
            },
        ]

    def _tma_user_side(self, contract):
        """The portal side of the visitor (client or successor), or None."""
        return self._tma_visitor_side(contract, "successor")

    # ------------------------------------------------------------------
    # Packages (the register's documents: tma_contract's controller)
    # ------------------------------------------------------------------
    @http.route(
        ["/my/tma/packages/<int:package_id>"],
        type="http",
        auth="public",
        website=True,
        readonly=read_route,
    )
    def portal_tma_package(self, package_id, access_token=None, **kw):
        try:
            package = self._document_check_access(
                "tma.reversibility.package", package_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        if not package.attachment_id:
            return request.redirect(
                f"/my/tma/contracts/{package.contract_id.id}#tma_packages"
            )
        stream = request.env["ir.binary"]._get_stream_from(package.attachment_id.sudo())
        return stream.get_response(as_attachment=True)

    @http.route(
        ["/my/tma/contracts/<int:contract_id>/package"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_tma_request_package(self, contract_id, **kw):
        try:
            contract = self._document_check_access("tma.contract", contract_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        try:
            request.env["tma.reversibility.package"].sudo().with_context(
                default_requested_by_id=request.env.user.id
            )._request(contract)
        except UserError as error:
            tma_flash(error.args[0])
        return request.redirect(f"/my/tma/contracts/{contract_id}#tma_packages")

    # ------------------------------------------------------------------
    # Checklist: clients and successors sign their items
    # ------------------------------------------------------------------
    @http.route(["/my/tma/checklist/<int:item_id>/sign"], **PARTY_ACT_ROUTE)
    def portal_tma_sign(self, item_id, **kw):
        return self._tma_checklist_act(
            "tma.reversibility.item",
            item_id,
            "signed",
            lambda item: self._tma_checklist_url(item.contract_id),
        )

    def _tma_checklist_url(self, contract):
        if self._tma_user_side(contract) == "successor":
            return f"/my/tma/handover/{contract.id}"
        return f"/my/tma/contracts/{contract.id}"

    @http.route(
        ["/my/tma/handover/<int:contract_id>"],
        type="http",
        auth="user",
        website=True,
        readonly=read_route,
    )
    def portal_tma_handover(self, contract_id, **kw):
        """The successor's page: the handover checklist, nothing else."""
        return self._tma_third_party_page("successor", contract_id)
