# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TmaAmendmentDecision(models.TransientModel):
    """A TMA manager records the client's decision on an amendment on its
    behalf (signed on paper, sent by email): the party's act on its behalf
    (``tma.act.on.behalf``), the amendment and the decision named."""

    _name = "tma.amendment.decision"
    _inherit = ["tma.act.on.behalf"]
    _description = "Record a client's decision on an amendment on its behalf"

    amendment_id = fields.Many2one("tma.contract.amendment", required=True)
    decision = fields.Selection(
        [("approve", "Approval"), ("refuse", "Refusal")], required=True
    )
    comment = fields.Text(string="Client's comment")

    def _tma_act_target(self):
        self.ensure_one()
        return self.amendment_id, self.decision
