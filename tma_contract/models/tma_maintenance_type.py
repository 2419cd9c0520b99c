# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class TmaMaintenanceType(models.Model):
    _name = "tma.maintenance.type"
    _description = "TMA Maintenance Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(
        [
            ("preventive", "Preventive"),
            ("corrective", "Corrective"),
            ("evolutive", "Evolutive"),
            ("assistance", "Assistance"),
        ],
        required=True,
        help="Corrective tickets are incidents: the reversibility gate counts them.",
    )
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    requires_estimate = fields.Boolean(
        string="Needs an approved estimate",
        compute="_compute_requires_estimate",
        store=True,
        readonly=False,
        help="Work on tickets of this type waits for the client's approval of "
        "an estimate (evolutive by default), on contracts that ask for it.",
    )

    @api.depends("code")
    def _compute_requires_estimate(self):
        for maintenance_type in self:
            maintenance_type.requires_estimate = maintenance_type.code == "evolutive"
