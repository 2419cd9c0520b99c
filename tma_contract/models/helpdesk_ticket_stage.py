# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskTicketStage(models.Model):
    _inherit = "helpdesk.ticket.stage"

    tma_consume_units = fields.Boolean(
        string="Records units of work",
        default=True,
        help="Closing stages only: a ticket reaching this stage records its "
        "units on a contract that records units at closing. Clear it for "
        "stages such as Cancelled or Rejected, which close without work done.",
    )
