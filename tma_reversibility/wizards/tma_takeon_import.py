# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from odoo import fields, models


class TmaTakeonImport(models.TransientModel):
    _name = "tma.takeon.import"
    _description = "Import a predecessor's reversibility package"

    contract_id = fields.Many2one("tma.contract", required=True, readonly=True)
    package = fields.Binary(required=True, attachment=False)
    package_name = fields.Char()

    def action_import(self):
        self.ensure_one()
        documents = self.contract_id._takeon_import_package(
            base64.b64decode(self.package), self.package_name
        )
        return self.contract_id.action_view_documents() if documents else True
