# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.http import request

from odoo.addons.helpdesk_mgmt_timesheet.controllers.main import (
    CustomHelpdeskTicketController,
)


class TmaHelpdeskTicketForm(CustomHelpdeskTicketController):
    """The portal's ticket form offers the client's contracts and their
    applications (the rules are in ``helpdesk.ticket``)."""

    def _get_create_new_ticket_values(self, **kw):
        values = super()._get_create_new_ticket_values(**kw)
        values["tma_contracts"] = request.env["helpdesk.ticket"]._tma_portal_contracts()
        return values

    def _prepare_submit_ticket_vals(self, **kw):
        vals = super()._prepare_submit_ticket_vals(**kw)
        vals.update(
            request.env["helpdesk.ticket"]._tma_prepare_portal_values(
                vals, kw.get("tma_contract_id"), kw.get("tma_application_id")
            )
        )
        return vals
