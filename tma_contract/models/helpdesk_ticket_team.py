# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    # The portal rule on teams (security/tma_security.xml) hides from a client
    # the teams that serve only other clients' live contracts.
    tma_contract_ids = fields.Many2many(
        "tma.contract",
        relation="helpdesk_ticket_team_tma_contract_rel",
        column1="helpdesk_ticket_team_id",
        column2="tma_contract_id",
        string="TMA contracts",
        readonly=True,
    )
