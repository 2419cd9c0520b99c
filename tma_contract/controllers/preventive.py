# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..tools.replica import read_route


class TmaPreventivePortal(CustomerPortal):
    """The client's preventive calendar (upcoming and done) and the report of
    each audit."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "tma_preventive_count" in counters:
            Occurrence = request.env["tma.preventive.occurrence"]
            values["tma_preventive_count"] = (
                Occurrence.search_count(self._tma_preventive_domain())
                if Occurrence.has_access("read")
                else 0
            )
        return values

    def _tma_preventive_domain(self):
        partner = request.env.user.partner_id.commercial_partner_id
        return [("partner_id", "=", partner.id)]

    @http.route(
        ["/my/tma/preventive"],
        type="http",
        auth="user",
        website=True,
        readonly=read_route,
    )
    def portal_my_tma_preventive(self, **kw):
        Contract = request.env["tma.contract"]
        if not Contract.has_access("read"):
            return request.redirect("/my")
        partner = request.env.user.partner_id.commercial_partner_id
        values = self._prepare_portal_layout_values()
        values.update(
            request.env["tma.preventive.occurrence"]._get_portal_calendar(partner)
        )
        values["page_name"] = "tma_preventive"
        return request.render("tma_contract.portal_my_tma_preventive", values)

    @http.route(
        ["/my/tma/preventive/<int:occurrence_id>"],
        type="http",
        auth="public",
        website=True,
        readonly=read_route,
    )
    def portal_my_tma_preventive_occurrence(
        self, occurrence_id, access_token=None, **kw
    ):
        try:
            occurrence_sudo = self._document_check_access(
                "tma.preventive.occurrence", occurrence_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            occurrence_sudo,
            access_token,
            {"occurrence": occurrence_sudo, "page_name": "tma_preventive"},
            "my_tma_preventive_history",
            False,
            **kw,
        )
        return request.render(
            "tma_contract.portal_my_tma_preventive_occurrence", values
        )
