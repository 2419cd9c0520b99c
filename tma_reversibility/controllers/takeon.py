# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.tma_contract.controllers.portal import TmaCustomerPortal, tma_flash

# What the contract page prints of each item of the take-on checklist.
TAKEON_ITEM_FIELDS = [
    "name",
    "item_type",
    "mandatory",
    "description",
    "note",
    "side",
    "due_date",
    "state",
    "session_date",
    "attendees",
    "date_from",
    "date_to",
    "signed_by_id",
    "signed_on",
]


class TmaTakeonPortal(TmaCustomerPortal):
    """The take-on checklist: the client signs its items and the service
    start on its contract page; the outgoing provider signs its items on a
    page of its own that shows the checklist and nothing else."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "tma_takeon_count" in counters:
            values["tma_takeon_count"] = len(self._tma_takeons())
        return values

    def _tma_takeons(self):
        partner = request.env.user.partner_id
        contracts = (
            request.env["tma.contract"]
            .sudo()
            .search(
                [
                    ("predecessor_id", "=", partner.commercial_partner_id.id),
                    ("state", "in", ("transition", "active")),
                    ("takeon_item_ids", "!=", False),
                ]
            )
        )
        # Once its grace period after the service start is over, no more.
        return contracts.filtered(
            lambda c: c._tma_third_party_access(partner, role="predecessor")
        )

    def _tma_takeon_side(self, contract):
        user = request.env.user
        return contract._takeon_side(user) if user.share else None

    def _tma_contract_page_sections(self, contract, ledger_offset):
        sections = super()._tma_contract_page_sections(contract, ledger_offset)
        # The take-on shows while it runs and once the service has started
        # (nothing read for the other contracts): the contract's
        # takeon_item_ids, with what the page prints.
        if contract.state == "transition" or contract.service_start_date:
            sections["takeon_items"] = (
                request.env["tma.takeon.item"].sudo(),
                [("contract_id", "=", contract.id)],
                TAKEON_ITEM_FIELDS,
                {},
            )
        return sections

    def _tma_contract_page_values(self, contract, access_token, ledger_page, **kw):
        values = super()._tma_contract_page_values(
            contract, access_token, ledger_page, **kw
        )
        taken_on = contract.state == "transition" or contract.service_start_date
        values.setdefault("takeon_items", request.env["tma.takeon.item"])
        values.update(
            takeon_contract=contract,
            takeon_side=self._tma_takeon_side(contract) if taken_on else None,
        )
        return values

    @http.route(["/my/tma/takeon"], type="http", auth="user", website=True)
    def portal_tma_takeons(self, **kw):
        takeons = self._tma_takeons()
        if len(takeons) == 1:
            return request.redirect(f"/my/tma/takeon/{takeons.id}")
        values = self._prepare_portal_layout_values()
        values.update(takeons=takeons, page_name="tma_takeon")
        return request.render("tma_reversibility.portal_tma_takeons", values)

    @http.route(
        ["/my/tma/takeon/<int:contract_id>"], type="http", auth="user", website=True
    )
    def portal_tma_takeon(self, contract_id, **kw):
        """The outgoing provider's page: the take-on checklist, nothing else."""
        contract = request.env["tma.contract"].sudo().browse(contract_id).exists()
        if not contract or self._tma_takeon_side(contract) != "predecessor":
            return request.redirect("/my")
        access = contract._tma_third_party_access(
            request.env.user.partner_id, role="predecessor"
        )
        if not access:
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update(
            takeon_contract=contract,
            takeon_items=contract.takeon_item_ids,
            # Read-only in the grace period: no sign-off button.
            takeon_side="predecessor" if access == "write" else None,
            page_name="tma_takeon",
        )
        return request.render("tma_reversibility.portal_tma_takeon", values)

    @http.route(
        ["/my/tma/takeon/item/<int:item_id>/sign"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_tma_takeon_sign(self, item_id, **kw):
        item = request.env["tma.takeon.item"].browse(item_id)
        try:
            item.check_access("read")
            item = item.sudo().exists()
            if not item:
                raise MissingError(item_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        contract = item.contract_id
        try:
            item._sign(request.env.user)
        except UserError as error:
            tma_flash(error.args[0])
        if self._tma_takeon_side(contract) == "predecessor":
            return request.redirect(f"/my/tma/takeon/{contract.id}")
        return request.redirect(f"/my/tma/contracts/{contract.id}#tma_takeon")
