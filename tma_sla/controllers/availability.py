# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class TmaSlaAvailabilityPortal(CustomerPortal):
    """A banner on the client's portal pages while one of its environments
    is down."""

    def _tma_ongoing_outages(self):
        Outage = request.env["tma.sla.outage"]
        if request.env.user._is_public() or not Outage.has_access("read"):
            return Outage
        return Outage._get_ongoing(request.env.user.partner_id.commercial_partner_id)

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        values["tma_outages"] = self._tma_ongoing_outages()
        return values

    def _get_page_view_values(
        self, document, access_token, values, session_history, no_breadcrumbs, **kwargs
    ):
        values = super()._get_page_view_values(
            document, access_token, values, session_history, no_breadcrumbs, **kwargs
        )
        if "tma_outages" not in values:
            values["tma_outages"] = self._tma_ongoing_outages()
        return values
