# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .utils import SIDES


class TmaReversibilityItem(models.Model):
    """One item of a contract's handover checklist, signed off by the side
    responsible for it."""

    _name = "tma.reversibility.item"
    _description = "TMA Handover Checklist Item"
    _inherit = ["mail.thread"]
    _order = "contract_id, sequence, id"

    contract_id = fields.Many2one(
        "tma.contract", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one(related="contract_id.partner_id", store=True)
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    description = fields.Text()
    side = fields.Selection(SIDES, string="Responsible side", required=True)
    mandatory = fields.Boolean(default=True)
    evidence_required = fields.Boolean(
        string="Evidence required",
        help="Signed off only with evidence attached.",
    )
    due_date = fields.Date()
    state = fields.Selection(
        [("todo", "To do"), ("signed", "Signed off"), ("na", "Not applicable")],
        default="todo",
        required=True,
        tracking=True,
    )
    attachment_ids = fields.Many2many("ir.attachment", string="Evidence")
    signed_by_id = fields.Many2one("res.users", string="Signed off by", readonly=True)
    signed_on = fields.Datetime(string="Signed off on", readonly=True)
    note = fields.Text()

    def action_sign(self):
        """Sign the items off, as the current user's side."""
        return self._sign(self.env.user)

    def _sign(self, user):
        """Sign the items off as ``user``, who must belong to the side
        responsible for them (the portal calls this for clients and
        successors, once it has checked their access to the contract)."""
        for item in self.sudo():
            if item.state != "todo":
                raise UserError(
                    _(
                        "The item %(item)s is already signed off (or marked not "
                        "applicable).",
                        item=item.name,
                    )
                )
            side = item.contract_id._reversibility_side(user)
            if side != item.side:
                sides = dict(self._fields["side"]._description_selection(self.env))
                raise UserError(
                    _(
                        "The item %(item)s is signed off by the %(side)s; you "
                        "cannot sign it.",
                        item=item.name,
                        side=sides[item.side].lower(),
                    )
                )
            if item.contract_id.state != "reversibility":
                raise UserError(
                    _("Items are signed off while the contract is in reversibility.")
                )
            if item.evidence_required and not item.attachment_ids:
                raise UserError(
                    _(
                        "The item %(item)s is signed off with its evidence: "
                        "attach it first.",
                        item=item.name,
                    )
                )
        self.sudo().write(
            {
                "state": "signed",
                "signed_by_id": user.id,
                "signed_on": fields.Datetime.now(),
            }
        )
        for item in self:
            item.sudo().message_post(
                body=_("Signed off by %(user)s.", user=user.name),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_not_applicable(self):
        if not self.env.user.has_group("tma_contract.group_tma_manager"):
            raise UserError(_("Only a TMA manager marks an item not applicable."))
        if self.filtered("mandatory"):
            raise UserError(_("A mandatory item cannot be marked not applicable."))
        self.write({"state": "na"})
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_except_signed(self):
        if self.filtered(lambda i: i.state == "signed"):
            raise UserError(_("A signed-off item cannot be deleted."))
