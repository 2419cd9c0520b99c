# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .utils import TAKEON_ITEM_TYPES, TAKEON_SIDES


class TmaTakeonItem(models.Model):
    """One item of a contract's take-on checklist, signed off by the side
    responsible for it: the provider taking over, the client, or the
    outgoing provider. The client's service start sign-off ends the take-on:
    the contract becomes active on that day."""

    _name = "tma.takeon.item"
    _description = "TMA Take-on Checklist Item"
    _inherit = ["mail.thread"]
    _order = "contract_id, sequence, id"

    contract_id = fields.Many2one(
        "tma.contract", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one(related="contract_id.partner_id", store=True)
    predecessor_id = fields.Many2one(
        related="contract_id.predecessor_id", store=True, index="btree_not_null"
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    description = fields.Text()
    item_type = fields.Selection(TAKEON_ITEM_TYPES, required=True, default="other")
    side = fields.Selection(TAKEON_SIDES, string="Responsible side", required=True)
    mandatory = fields.Boolean(default=True)
    due_date = fields.Date()
    state = fields.Selection(
        [("todo", "To do"), ("signed", "Signed off"), ("na", "Not applicable")],
        default="todo",
        required=True,
        tracking=True,
    )
    session_date = fields.Datetime(
        string="Session date", help="Knowledge-transfer session: when it took place."
    )
    attendees = fields.Char(help="Knowledge-transfer session: who attended.")
    date_from = fields.Date(string="From", help="Shadowing period: first day.")
    date_to = fields.Date(string="To", help="Shadowing period: last day.")
    document_ids = fields.Many2many(
        "tma.document",
        string="Documents received",
        domain="[('contract_id', '=', contract_id)]",
        help="Documents received from the client or the outgoing provider, "
        "filed in the register.",
    )
    note = fields.Text()
    signed_by_id = fields.Many2one("res.users", string="Signed off by", readonly=True)
    signed_on = fields.Datetime(string="Signed off on", readonly=True)

    @api.constrains("date_from", "date_to")
    def _check_shadowing_dates(self):
        for item in self:
            if item.date_from and item.date_to and item.date_to < item.date_from:
                raise UserError(_("The shadowing period ends before it starts."))

    def action_sign(self):
        """Sign the items off, as the current user's side."""
        return self._sign(self.env.user)

    def _sign(self, user):
        """Sign the items off as ``user``, who must belong to the side
        responsible for them (the portal calls this for clients and outgoing
        providers once it has checked their access). The service start
        sign-off, last, makes the contract active on that day."""
        sides = dict(self._fields["side"]._description_selection(self.env))
        for item in self.sudo():
            if item.state != "todo":
                raise UserError(
                    _(
                        "The item %(item)s is already signed off (or marked not "
                        "applicable).",
                        item=item.name,
                    )
                )
            if item.contract_id.state != "transition":
                raise UserError(
                    _("Take-on items are signed off while the contract is taken on.")
                )
            side = item.contract_id._takeon_side(user)
            if item.item_type == "service_start" and side != "client":
                raise UserError(
                    _("The service start is signed off by the client, and only by it.")
                )
            if side != item.side:
                raise UserError(
                    _(
                        "The item %(item)s is signed off by the %(side)s; you "
                        "cannot sign it.",
                        item=item.name,
                        side=sides[item.side].lower(),
                    )
                )
            if item.item_type == "service_start":
                missing = item.contract_id.takeon_item_ids.filtered(
                    lambda i, item=item: i != item and i.mandatory and i.state == "todo"
                )
                if missing:
                    raise UserError(
                        _(
                            "The service starts once the take-on is complete. "
                            "Items left: %(items)s",
                            items=", ".join(missing.mapped("name")),
                        )
                    )
        self.sudo().write(
            {
                "state": "signed",
                "signed_by_id": user.id,
                "signed_on": fields.Datetime.now(),
            }
        )
        for item in self.sudo():
            item.message_post(
                body=_("Signed off by %(user)s.", user=user.name),
                subtype_xmlid="mail.mt_note",
            )
            if item.item_type == "service_start":
                item.contract_id._takeon_start_service(user)
        return True

    def action_not_applicable(self):
        if not self.env.user.has_group("tma_contract.group_tma_manager"):
            raise UserError(_("Only a TMA manager marks an item not applicable."))
        if self.filtered("mandatory"):
            raise UserError(_("A mandatory item cannot be marked not applicable."))
        self.write({"state": "na"})
        return True

    def write(self, vals):
        self.check_access("write")
        if (
            {"state", "signed_by_id", "signed_on"} & set(vals)
            and not self.env.su
            and not self.env.user.has_group("tma_contract.group_tma_manager")
        ):
            raise UserError(_("Sign items off with their button."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_signed(self):
        if self.filtered(lambda i: i.state == "signed"):
            raise UserError(_("A signed-off item cannot be deleted."))
