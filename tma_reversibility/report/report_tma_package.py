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
        # Counted by PostgreSQL (what the reader may see, as the contract's
        # tickets would be): the tickets are not loaded.
        tickets = dict(
            self.env["helpdesk.ticket"]._read_group(
                [("tma_contract_id", "in", docs.contract_id.ids)],
                ["tma_contract_id"],
                ["__count"],
            )
        )
        return {
            "doc_ids": docids,
            "doc_model": "tma.reversibility.package",
            "docs": docs,
            "ticket_counts": {
                contract.id: count for contract, count in tickets.items()
            },
        }
