# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

# The fields of the client's approval or refusal, its act.
APPROVAL_ACT_FIELDS = (
    "approved_by_id",
    "date_approved",
    "date_refused",
    "refusal_comment",
)


class TmaClientApprovalMixin(models.AbstractModel):
    """A document the client approves or refuses (an estimate, an
    amendment): its decisions "approve" and "refuse"
    (``tma.client.decision.mixin``), the acts ``<_tma_approval_code>_approval``
    and ``<_tma_approval_code>_refusal``, and the fields they give."""

    _name = "tma.client.approval.mixin"
    _inherit = ["tma.client.decision.mixin"]
    _description = "TMA client's approval"
    _tma_act_fields = APPROVAL_ACT_FIELDS

    # The act codes' prefix ("estimate": "estimate_approval", …).
    _tma_approval_code = None

    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    date_approved = fields.Datetime(readonly=True, copy=False)
    date_refused = fields.Datetime(readonly=True, copy=False)
    refusal_comment = fields.Text(readonly=True, copy=False)

    def _tma_get_decisions(self):
        return {
            "approve": {
                "code": f"{self._tma_approval_code}_approval",
                "state": "approved",
                "user": "approved_by_id",
                "date": "date_approved",
            },
            "refuse": {
                "code": f"{self._tma_approval_code}_refusal",
                "state": "refused",
                "date": "date_refused",
                "comment": "refusal_comment",
            },
        }
