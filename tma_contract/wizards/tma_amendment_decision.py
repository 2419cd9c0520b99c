# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TmaAmendmentDecision(models.TransientModel):
    """A TMA manager records the client's decision on an amendment on its
    behalf (signed on paper, sent by email): with a reason and the piece of
    evidence, attached to the amendment. The amendment checks the rest."""

    _name = "tma.amendment.decision"
    _description = "Record a client's decision on an amendment on its behalf"

    amendment_id = fields.Many2one("tma.contract.amendment", required=True)
    decision = fields.Selection(
        [("approve", "Approval"), ("refuse", "Refusal")], required=True
    )
    comment = fields.Text(string="Client's comment")
    on_behalf_reason = fields.Text(
        string="Reason",
        required=True,
        help="Why the client's decision is recorded on its behalf.",
    )
    evidence = fields.Binary(required=True)
    evidence_name = fields.Char()

    def _prepare_evidence_values(self):
        return {
            "name": self.evidence_name or "evidence",
            "datas": self.evidence,
            "res_model": self.amendment_id._name,
            "res_id": self.amendment_id.id,
        }

    def action_confirm(self):
        self.ensure_one()
        evidence = self.env["ir.attachment"].create(self._prepare_evidence_values())
        act = {"on_behalf_reason": self.on_behalf_reason, "evidence": evidence}
        if self.decision == "approve":
            self.amendment_id.action_approve(**act)
        else:
            self.amendment_id.action_refuse(self.comment, **act)
        return {"type": "ir.actions.act_window_close"}
