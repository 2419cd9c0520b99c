# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class ReportTmaPackage(models.AbstractModel):
    """Values of the package's PDF summary."""

    _name = "report.tma_reversibility.report_tma_package"
    _description = "TMA reversibility summary rendering"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["tma.reversibility.package"].browse(docids)
        # Refuse other clients' packages before rendering (an access error
        # inside the template is a server error).
        docs.check_access("read")
        return {
            "doc_ids": docids,
            "doc_model": "tma.reversibility.package",
            "docs": docs,
        }
