# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TmaApplication(models.Model):
    _name = "tma.application"
    _description = "Maintained Application"
    _inherit = ["mail.thread"]
    _order = "name"

    name = fields.Char(required=True, tracking=True)
    code = fields.Char()
    partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        required=True,
        index=True,
        tracking=True,
        domain=[("is_company", "=", True)],
        help="The client owns the application, its data and its documentation.",
    )
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, index=True
    )
    technology = fields.Char(help="For example: Odoo 17, Java/Spring, SAP ECC.")
    description = fields.Html()
    environment_ids = fields.One2many(
        "tma.application.environment", "application_id", string="Environments"
    )
    environment_count = fields.Integer(compute="_compute_environment_count")
    component_ids = fields.One2many(
        "tma.application.component", "application_id", string="Components"
    )
    active = fields.Boolean(default=True)

    def _compute_environment_count(self):
        groups = self.env["tma.application.environment"]._read_group(
            [("application_id", "in", self.ids)], ["application_id"], ["__count"]
        )
        counts = {application.id: count for application, count in groups}
        for application in self:
            application.environment_count = counts.get(application.id, 0)
