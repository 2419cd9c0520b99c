# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.http import request

from odoo.addons.tma_contract.controllers.portal import TmaCustomerPortal

# The checklists of the third parties (the successor's handover, the
# outgoing provider's take-on): where their pages are and what they show.
THIRD_PARTY_CHECKLISTS = {
    "successor": {
        "party_field": "successor_id",
        "domain": [("state", "in", ("reversibility", "closed"))],
        "url": "/my/tma/handover",
        "page_name": "tma_handover",
        "list_template": "tma_reversibility.portal_tma_handovers",
        "list_key": "handovers",
        "page_template": "tma_reversibility.portal_tma_handover",
        "contract_key": "handover",
        "items_key": "checklist",
        "items_field": "reversibility_item_ids",
        "side_key": "user_side",
    },
    "predecessor": {
        "party_field": "predecessor_id",
        "domain": [
            ("state", "in", ("transition", "active")),
            ("takeon_item_ids", "!=", False),
        ],
        "url": "/my/tma/takeon",
        "page_name": "tma_takeon",
        "list_template": "tma_reversibility.portal_tma_takeons",
        "list_key": "takeons",
        "page_template": "tma_reversibility.portal_tma_takeon",
        "contract_key": "takeon_contract",
        "items_key": "takeon_items",
        "items_field": "takeon_item_ids",
        "side_key": "takeon_side",
    },
}


class TmaChecklistPortal(TmaCustomerPortal):
    """The portal pages of a contract's checklists (handover, take-on): the
    third party's list and page, and the items' acts. One helper each; the
    handover's and the take-on's controllers say which checklist."""

    # ------------------------------------------------------------------
    # The checklists on the client's contract page
    # ------------------------------------------------------------------
    def _tma_contract_checklists(self, contract):
        """The checklists the contract page shows (hook, extended by each
        checklist's controller): dicts with ``key`` (the page's variable of
        the items), ``model``, ``fields`` (what the page prints), ``shown``
        (whether the phase has started), ``side_key`` and ``side`` (the
        page's variable of the visitor's side, and the callable of the
        contract that gives it), ``values`` (more variables)."""
        return []

    def _tma_contract_page_sections(self, contract, ledger_offset):
        sections = super()._tma_contract_page_sections(contract, ledger_offset)
        for checklist in self._tma_contract_checklists(contract):
            # Nothing read for a checklist whose phase has not started.
            if checklist["shown"]:
                sections[checklist["key"]] = (
                    request.env[checklist["model"]].sudo(),
                    [("contract_id", "=", contract.id)],
                    checklist["fields"],
                    {},
                )
        return sections

    def _tma_contract_page_values(self, contract, access_token, ledger_page, **kw):
        values = super()._tma_contract_page_values(
            contract, access_token, ledger_page, **kw
        )
        for checklist in self._tma_contract_checklists(contract):
            values.setdefault(checklist["key"], request.env[checklist["model"]])
            side = checklist["side"](contract) if checklist["shown"] else None
            values[checklist["side_key"]] = side
            values.update(checklist.get("values", {}))
        return values

    # ------------------------------------------------------------------
    # The third parties' pages
    # ------------------------------------------------------------------
    def _tma_third_party_counters(self):
        """The home page's counters of the third parties' checklists (hook):
        {counter: callable returning the visitor's contracts}."""
        return {}

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        for counter, contracts in self._tma_third_party_counters().items():
            if counter in counters:
                values[counter] = len(contracts())
        return values

    def _tma_third_party_contracts(self, role):
        """The contracts whose checklist the visitor's company, the third
        party ``role`` ("successor", "predecessor"), still reads
        (``tma.contract._tma_third_party_access``)."""
        checklist = THIRD_PARTY_CHECKLISTS[role]
        partner = request.env.user.partner_id
        contracts = (
            request.env["tma.contract"]
            .sudo()
            .search(
                [
                    (checklist["party_field"], "=", partner.commercial_partner_id.id),
                    *checklist["domain"],
                ]
            )
        )
        # Once its grace period after its phase is over, no more.
        return contracts.filtered(
            lambda c: c._tma_third_party_access(partner, role=role)
        )

    def _tma_third_party_list(self, role):
        """The third party's list of checklists: straight to the page of
        its only one."""
        checklist = THIRD_PARTY_CHECKLISTS[role]
        contracts = self._tma_third_party_contracts(role)
        if len(contracts) == 1:
            return request.redirect(f"{checklist['url']}/{contracts.id}")
        values = self._prepare_portal_layout_values()
        values.update(
            {checklist["list_key"]: contracts, "page_name": checklist["page_name"]}
        )
        return request.render(checklist["list_template"], values)

    def _tma_third_party_page(self, role, contract_id):
        """The third party's page of one checklist, nothing else of the
        contract: back to ``/my`` unless the visitor is the contract's
        ``role`` with access; read-only (no sign-off button) in the grace
        period."""
        checklist = THIRD_PARTY_CHECKLISTS[role]
        contract = request.env["tma.contract"].sudo().browse(contract_id).exists()
        if not contract or self._tma_visitor_side(contract, role) != role:
            return request.redirect("/my")
        access = contract._tma_third_party_access(
            request.env.user.partner_id, role=role
        )
        if not access:
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update(
            {
                checklist["contract_key"]: contract,
                checklist["items_key"]: contract[checklist["items_field"]],
                checklist["side_key"]: role if access == "write" else None,
                "page_name": checklist["page_name"],
            }
        )
        return request.render(checklist["page_template"], values)

    def _tma_visitor_side(self, contract, role):
        """The side of the visitor (a portal user) on the checklist of
        ``contract`` whose third party is ``role``: client, ``role`` or
        None."""
        user = request.env.user
        if not user.share:
            return None
        field = THIRD_PARTY_CHECKLISTS[role]["party_field"]
        return contract._checklist_side(user, field, role)

    def _tma_checklist_act(self, model, item_id, state, back):
        """The visitor signs the item off (``state`` "signed") or marks it
        not applicable ("na"), as its side; a refusal says who may. Back to
        ``back(item)``, its checklist's page."""

        env = request.env
        if state == "signed":
            act, thanks = (
                lambda item: item._sign(env.user),
                env._("The item is signed off."),
            )
        else:
            act, thanks = (
                lambda item: item._mark_not_applicable(env.user),
                env._("The item is marked not applicable."),
            )
        return self._tma_portal_act(model, item_id, act, back, thanks=thanks)
