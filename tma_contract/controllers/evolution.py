# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request
from odoo.tools import SQL

from ..tools.replica import read_route
from .portal import PARTY_ACT_ROUTE, TmaCustomerPortal


class TmaEvolutionPortal(TmaCustomerPortal):
    """The client approves or refuses the estimates of its evolutions, and
    accepts or rejects their deliveries, on the contract page and the
    ticket page."""

    def _tma_contract_page_sections(self, contract, ledger_offset):
        sections = super()._tma_contract_page_sections(contract, ledger_offset)
        sections["estimates"] = (
            request.env["tma.evolution.estimate"].sudo(),
            [
                ("contract_id", "=", contract.id),
                ("state", "in", ("sent", "approved", "accepted", "refused")),
            ],
            ["name", "state", "ticket_id", "units", "date_target", "po_reference"],
            {"limit": 20},
        )
        sections["deliveries"] = (
            request.env["tma.evolution.delivery"].sudo(),
            [("contract_id", "=", contract.id)],
            ["name", "state", "ticket_id", "units", "date_delivered"],
            {"limit": 20},
        )
        # The units reserved for approved estimates, with the page's lists.
        sections["units_reserved"] = SQL(
            "(SELECT COALESCE(SUM(units), 0) FROM tma_evolution_estimate "
            "WHERE contract_id = %s AND state = 'approved')",
            contract.id,
        )
        return sections

    def _tma_contract_page_values(self, contract, access_token, ledger_page, **kw):
        values = super()._tma_contract_page_values(
            contract, access_token, ledger_page, **kw
        )
        values["evolution_can_decide"] = self._tma_evolution_can_decide(contract)
        # The forecast reads the units reserved the page's lists already read.
        values["tma_contract"]._tma_cache_units_reserved(
            float(values.get("units_reserved") or 0.0)
        )
        return values

    def _ticket_get_page_view_values(self, ticket, access_token, **kwargs):
        values = super()._ticket_get_page_view_values(ticket, access_token, **kwargs)
        values["evolution_can_decide"] = self._tma_evolution_can_decide(
            ticket.tma_contract_id
        )
        return values

    def _tma_evolution_can_decide(self, contract):
        user = request.env.user
        return bool(
            contract
            and user.share
            and user.partner_id.commercial_partner_id == contract.partner_id
        )

    def _tma_evolution_back(self, record):
        referer = request.httprequest.headers.get("Referer") or ""
        if "/my/ticket/" in referer:
            return f"/my/ticket/{record.ticket_id.id}#tma_evolution"
        return f"/my/tma/contracts/{record.contract_id.id}#tma_evolutions"

    @http.route(["/my/tma/estimates/<int:estimate_id>/approve"], **PARTY_ACT_ROUTE)
    def portal_tma_estimate_approve(self, estimate_id, **kw):
        partner = request.env.user.partner_id
        return self._tma_portal_act(
            "tma.evolution.estimate",
            estimate_id,
            lambda estimate: estimate._approve(partner, kw.get("po_reference")),
            self._tma_evolution_back,
            thanks=request.env._("Estimate approved: the work can start. Thank you."),
        )

    @http.route(["/my/tma/estimates/<int:estimate_id>/refuse"], **PARTY_ACT_ROUTE)
    def portal_tma_estimate_refuse(self, estimate_id, **kw):
        partner = request.env.user.partner_id
        return self._tma_portal_act(
            "tma.evolution.estimate",
            estimate_id,
            lambda estimate: estimate._refuse(partner, kw.get("reason")),
            self._tma_evolution_back,
            thanks=request.env._("Estimate refused."),
        )

    @http.route(["/my/tma/deliveries/<int:delivery_id>/accept"], **PARTY_ACT_ROUTE)
    def portal_tma_delivery_accept(self, delivery_id, **kw):
        partner = request.env.user.partner_id
        return self._tma_portal_act(
            "tma.evolution.delivery",
            delivery_id,
            lambda delivery: delivery._accept(partner),
            self._tma_evolution_back,
            thanks=request.env._("Delivery accepted. Thank you."),
        )

    @http.route(["/my/tma/deliveries/<int:delivery_id>/reject"], **PARTY_ACT_ROUTE)
    def portal_tma_delivery_reject(self, delivery_id, **kw):
        partner = request.env.user.partner_id
        return self._tma_portal_act(
            "tma.evolution.delivery",
            delivery_id,
            lambda delivery: delivery._reject(partner, kw.get("anomalies")),
            self._tma_evolution_back,
            thanks=request.env._("Delivery rejected: the anomalies go back to work."),
        )

    @http.route(
        ["/my/tma/deliveries/<int:delivery_id>/report"],
        type="http",
        auth="user",
        website=True,
        readonly=read_route,
    )
    def portal_tma_delivery_report(self, delivery_id, download=False, **kw):
        """The acceptance report (PDF) of a delivery the visitor may read."""
        try:
            delivery = self._document_check_access(
                "tma.evolution.delivery", delivery_id
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        return self._show_report(
            model=delivery,
            report_type="pdf",
            report_ref="tma_contract.action_report_tma_acceptance",
            download=download,
        )
