# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TmaContract(models.Model):
    """The contract's documentation register (``tma.document``), kept all
    along the contract: audit and intervention reports are filed in it as the
    work is done. (A file of its own: ``tma_contract.py`` holds enough
    concepts.)"""

    _inherit = "tma.contract"  # pylint: disable=consider-merging-classes-inherited

    file_intervention_reports = fields.Boolean(
        string="File intervention reports",
        default=True,
        help="Closing a corrective or evolutive ticket files its intervention "
        "report in the documentation register.",
    )
    document_ids = fields.One2many(
        "tma.document", "contract_id", string="Documentation register"
    )
    document_count = fields.Integer(
        string="Document count", compute="_compute_document_count"
    )

    def _compute_document_count(self):
        counts = dict(
            self.env["tma.document"]._read_group(
                [("contract_id", "in", self.ids)], ["contract_id"], ["__count"]
            )
        )
        for contract in self:
            contract.document_count = counts.get(contract, 0)

    def action_view_documents(self):
        self.ensure_one()
        return self._action_open(
            "tma_contract.tma_document_action",
            [("contract_id", "=", self.id)],
            {"default_contract_id": self.id},
        )
