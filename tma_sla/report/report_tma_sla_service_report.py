# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from ..models.utils import CRITICALITIES, METRICS


class TmaSlaServiceReportRendering(models.AbstractModel):
    """QWeb helpers of the PDF report."""

    _name = "report.tma_sla.report_tma_sla_service_report"
    _description = "TMA service report rendering"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["tma.sla.service.report"].browse(docids)
        # Refuse other clients' reports before rendering (an access error
        # inside the template is a server error).
        docs.check_access("read")
        metrics = dict(METRICS)
        crits = dict(CRITICALITIES)
        if docs:
            metrics, crits = docs._labels()
        return {
            "doc_ids": docids,
            "doc_model": "tma.sla.service.report",
            "docs": docs,
            "metric_labels": metrics,
            "criticality_labels": crits,
        }
