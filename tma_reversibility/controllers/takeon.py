# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import http

from odoo.addons.tma_contract.controllers.portal import PARTY_ACT_ROUTE
from odoo.addons.tma_contract.tools.replica import read_route

from .checklist import TmaChecklistPortal

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
    # Who recorded it on the side's behalf, when a TMA manager did.
    "tma_act_reason",
    "tma_act_user_id",
    "tma_act_partner_id",
]


class TmaTakeonPortal(TmaChecklistPortal):
    """The take-on checklist: the client signs its items and the service
    start on its contract page; the outgoing provider signs its items on a
    page of its own that shows the checklist and nothing else."""

    def _tma_third_party_counters(self):
        return dict(
            super()._tma_third_party_counters(), tma_takeon_count=self._tma_takeons
        )

    def _tma_takeons(self):
        return self._tma_third_party_contracts("predecessor")

    def _tma_takeon_side(self, contract):
        return self._tma_visitor_side(contract, "predecessor")

    def _tma_contract_checklists(self, contract):
        # The take-on shows while it runs and once the service has started.
        return [
            *super()._tma_contract_checklists(contract),
            {
                "key": "takeon_items",
                "model": "tma.takeon.item",
                "fields": TAKEON_ITEM_FIELDS,
                "shown": contract.state == "transition"
                or bool(contract.service_start_date),
                "side_key": "takeon_side",
                "side": self._tma_takeon_side,
                "values": {"takeon_contract": contract},
            },
        ]

    @http.route(
        ["/my/tma/takeon"], type="http", auth="user", website=True, readonly=read_route
    )
    def portal_tma_takeons(self, **kw):
        return self._tma_third_party_list("predecessor")

    @http.route(
        ["/my/tma/takeon/<int:contract_id>"],
        type="http",
        auth="user",
        website=True,
        readonly=read_route,
    )
    def portal_tma_takeon(self, contract_id, **kw):
        """The outgoing provider's page: the take-on checklist, nothing else."""
        return self._tma_third_party_page("predecessor", contract_id)

    @http.route(["/my/tma/takeon/item/<int:item_id>/sign"], **PARTY_ACT_ROUTE)
    def portal_tma_takeon_sign(self, item_id, **kw):
        return self._tma_checklist_act(
            "tma.takeon.item", item_id, "signed", self._tma_takeon_url
        )

    def _tma_takeon_url(self, item):
        contract = item.contract_id
        if self._tma_takeon_side(contract) == "predecessor":
            return f"/my/tma/takeon/{contract.id}"
        return f"/my/tma/contracts/{contract.id}#tma_takeon"
