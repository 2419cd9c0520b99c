# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TmaSupportLevel(models.Model):
    _name = "tma.support.level"
    _description = "TMA Support Level"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Short code such as L1, L2 or L3.")
    sequence = fields.Integer(
        default=10, help="Escalation goes from the lowest to the highest sequence."
    )
    description = fields.Text(translate=True)
    team_id = fields.Many2one(
        "helpdesk.ticket.team", help="Team that handles this level."
    )
    user_ids = fields.Many2many(
        "res.users", string="Engineers", domain=[("share", "=", False)]
    )
    provider_side = fields.Boolean(
        default=True,
        help="Unset for a level run by the client itself, such as its own L1 helpdesk.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "The code of a support level must be unique.")
    ]
