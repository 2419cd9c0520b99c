# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


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
