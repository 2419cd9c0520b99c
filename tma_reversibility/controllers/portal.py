# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.tma_contract.controllers.portal import TmaCustomerPortal, tma_flash

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
]


class TmaReversibilityPortal(TmaCustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "tma_handover_count" in counters:
            values["tma_handover_count"] = len(self._tma_handovers())
        return values

    def _tma_handovers(self):
        partner = request.env.user.partner_id
        contracts = (
            request.env["tma.contract"]
            .sudo()
            .search(
                [
                    ("successor_id", "=", partner.commercial_partner_id.id),
                    ("state", "in", ("reversibility", "closed")),
                ]
            )
        )
        # Once its grace period after the closing is over, no more.
        return contracts.filtered(
            lambda c: c._tma_third_party_access(partner, role="successor")
        )

    @http.route(["/my/tma/handover"], type="http", auth="user", website=True)
    def portal_tma_handovers(self, **kw):
        handovers = self._tma_handovers()
        if len(handovers) == 1:
            return request.redirect(f"/my/tma/handover/{handovers.id}")
        values = self._prepare_portal_layout_values()
        values.update(handovers=handovers, page_name="tma_handover")
        return request.render("tma_reversibility.portal_tma_handovers", values)

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
        if contract.state in ("reversibility", "closed"):
            # The checklist only shows once the handover has started: the
            # contract's reversibility_item_ids, with what the page prints.
            sections["checklist"] = (
                env["tma.reversibility.item"].sudo(),
                [("contract_id", "=", contract.id)],
                CHECKLIST_FIELDS,
                {},
            )
        return sections

    def _tma_contract_page_values(self, contract, access_token, ledger_page, **kw):
        values = super()._tma_contract_page_values(
            contract, access_token, ledger_page, **kw
        )
        in_handover = contract.state in ("reversibility", "closed")
        values.setdefault("checklist", request.env["tma.reversibility.item"])
        values["user_side"] = self._tma_user_side(contract) if in_handover else None
        return values

    def _tma_user_side(self, contract):
        """The portal side of the visitor (client or successor), or None."""
        user = request.env.user
        return contract._reversibility_side(user) if user.share else None

    # ------------------------------------------------------------------
    # Packages (the register's documents: tma_contract's controller)
    # ------------------------------------------------------------------
    @http.route(
        ["/my/tma/packages/<int:package_id>"],
        type="http",
        auth="public",
        website=True,
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
    @http.route(
        ["/my/tma/checklist/<int:item_id>/sign"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_tma_sign(self, item_id, **kw):
        item = request.env["tma.reversibility.item"].browse(item_id)
        try:
            item.check_access("read")
            item = item.sudo().exists()
            if not item:
                raise MissingError(item_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        back = self._tma_checklist_url(item.contract_id)
        try:
            item._sign(request.env.user)
        except UserError as error:
            tma_flash(error.args[0])
        return request.redirect(back)

    def _tma_checklist_url(self, contract):
        if self._tma_user_side(contract) == "successor":
            return f"/my/tma/handover/{contract.id}"
        return f"/my/tma/contracts/{contract.id}"

    @http.route(
        ["/my/tma/handover/<int:contract_id>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_tma_handover(self, contract_id, **kw):
        """The successor's page: the handover checklist, nothing else."""
        contract = request.env["tma.contract"].sudo().browse(contract_id).exists()
        if not contract or self._tma_user_side(contract) != "successor":
            return request.redirect("/my")
        access = contract._tma_third_party_access(
            request.env.user.partner_id, role="successor"
        )
        if not access:
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update(
            handover=contract,
            checklist=contract.reversibility_item_ids,
            # Read-only in the grace period: no sign-off button.
            user_side="successor" if access == "write" else None,
            page_name="tma_handover",
        )
        return request.render("tma_reversibility.portal_tma_handover", values)
