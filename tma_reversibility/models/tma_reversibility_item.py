# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models
from odoo.exceptions import UserError

from .utils import SIDES


class TmaReversibilityItem(models.Model):
    """One item of a contract's handover checklist, signed off by the side
    responsible for it: the provider, the client or the successor
    (``tma.checklist.item.mixin``)."""

    _name = "tma.reversibility.item"
    _description = "TMA Handover Checklist Item"
    _inherit = ["tma.checklist.item.mixin"]

    _checklist_act_prefix = "handover_item"
    _checklist_evidence_fields = ("attachment_ids",)

    side = fields.Selection(SIDES, string="Responsible side", required=True)
    evidence_required = fields.Boolean(
        string="Evidence required",
        help="Signed off only with evidence attached.",
    )
    attachment_ids = fields.Many2many("ir.attachment", string="Evidence")

    def _checklist_side(self, user):
        return self.contract_id._reversibility_side(user)

    def _checklist_side_partner(self):
        contract = self.contract_id
        return (
            contract.successor_id if self.side == "successor" else contract.partner_id
        )

    def _check_signable(self, user):
        if self.contract_id.state != "reversibility":
            raise UserError(
                _("Items are signed off while the contract is in reversibility.")
            )
        if self.evidence_required and not self.attachment_ids:
            raise UserError(
                _(
                    "The item %(item)s is signed off with its evidence: "
                    "attach it first.",
                    item=self.name,
                )
            )
