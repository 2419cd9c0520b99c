# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import http
from odoo.http import request

from .portal import PARTY_ACT_ROUTE, TmaCustomerPortal


class TmaAmendmentPortal(TmaCustomerPortal):
    """The client approves or refuses its contracts' amendments, and reads
    their history and the consumption forecast, on the contract page."""

    def _tma_contract_page_sections(self, contract, ledger_offset):
        sections = super()._tma_contract_page_sections(contract, ledger_offset)
        # The amendments sent to the client, with what the page shows.
        sections["amendments"] = (
            request.env["tma.contract.amendment"].sudo(),
            [("contract_id", "=", contract.id), ("state", "!=", "draft")],
            [
                "name",
                "state",
                "date_effective",
                "description",
                "change_scope",
                "change_volume",
                "monthly_volume",
                "change_price",
                "fee_amount",
                "change_dates",
                "date_end",
                "tma_act_reason",
            ],
            {},
        )
        return sections

    def _tma_contract_page_values(self, contract, access_token, ledger_page, **kw):
        values = super()._tma_contract_page_values(
            contract, access_token, ledger_page, **kw
        )
        user = request.env.user
        values["amendment_can_decide"] = (
            user.share and user.partner_id.commercial_partner_id == contract.partner_id
        )
        return values

    def _tma_amendment_decide(self, amendment_id, decision, **kw):
        # The decision is the client's act: the model checks who makes it.
        partner = request.env.user.partner_id
        if decision == "approve":
            act, thanks = (
                lambda amendment: amendment._approve(partner),
                request.env._("Amendment approved. Thank you."),
            )
        else:
            act, thanks = (
                lambda amendment: amendment._refuse(partner, kw.get("reason")),
                request.env._("Amendment refused."),
            )
        return self._tma_portal_act(
            "tma.contract.amendment",
            amendment_id,
            act,
            lambda amendment: (
                f"/my/tma/contracts/{amendment.contract_id.id}#tma_amendments"
            ),
            thanks=thanks,
        )

    @http.route(["/my/tma/amendments/<int:amendment_id>/approve"], **PARTY_ACT_ROUTE)
    def portal_tma_amendment_approve(self, amendment_id, **kw):
        return self._tma_amendment_decide(amendment_id, "approve", **kw)

    @http.route(["/my/tma/amendments/<int:amendment_id>/refuse"], **PARTY_ACT_ROUTE)
    def portal_tma_amendment_refuse(self, amendment_id, **kw):
        return self._tma_amendment_decide(amendment_id, "refuse", **kw)
