# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

# Contracts whose teams are reserved to their client in the portal.
LIVE_CONTRACT_STATES = ("active", "reversibility")


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    def _tma_offered_to(self, partner):
        """The teams among ``self`` a portal user of ``partner`` may send
        tickets to: a team that serves the live contracts of other clients
        only is theirs, and not shown to this one."""
        commercial = partner.commercial_partner_id
        contracts = (
            self.env["tma.contract"]
            .sudo()
            .search(
                [
                    ("team_ids", "in", self.ids),
                    ("state", "in", LIVE_CONTRACT_STATES),
                ]
            )
        )
        own = contracts.filtered(lambda c: c.partner_id == commercial)
        reserved = (contracts - own).team_ids - own.team_ids
        return self - reserved
