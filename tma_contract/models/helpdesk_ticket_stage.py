# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class HelpdeskTicketStage(models.Model):
    _inherit = "helpdesk.ticket.stage"

    tma_consume_units = fields.Boolean(
        string="Records units of work",
        default=True,
        help="Closing stages only: a ticket reaching this stage records its "
        "units on a contract that records units at closing. Clear it for "
        "stages such as Cancelled or Rejected, which close without work done.",
    )
    tma_work_stage = fields.Boolean(
        string="Work on the ticket",
        help="Moving a ticket here starts the work: refused for an evolution "
        "whose estimate the client has not approved.",
    )

    @api.model
    def _tma_default_work_stage(self):
        """Mark the host's In Progress stage as the work stage, when no
        stage is one yet (a choice made since stands)."""
        if self.search_count([("tma_work_stage", "=", True)], limit=1):
            return False
        stage = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_in_progress", raise_if_not_found=False
        )
        if stage:
            stage.tma_work_stage = True
        return bool(stage)
