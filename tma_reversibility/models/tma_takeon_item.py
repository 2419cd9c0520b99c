# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .utils import TAKEON_ITEM_TYPES, TAKEON_SIDES


class TmaTakeonItem(models.Model):
    """One item of a contract's take-on checklist, signed off by the side
    responsible for it: the provider taking over, the client, or the
    outgoing provider (``tma.checklist.item.mixin``). The client's service
    start sign-off ends the take-on: the contract becomes active on that
    day."""

    _name = "tma.takeon.item"
    _description = "TMA Take-on Checklist Item"
    _inherit = ["tma.checklist.item.mixin"]

    _checklist_act_prefix = "takeon_item"
    _checklist_evidence_fields = (
        "session_date",
        "attendees",
        "date_from",
        "date_to",
        "document_ids",
    )

    predecessor_id = fields.Many2one(
        related="contract_id.predecessor_id", store=True, index="btree_not_null"
    )
    item_type = fields.Selection(TAKEON_ITEM_TYPES, required=True, default="other")
    side = fields.Selection(TAKEON_SIDES, string="Responsible side", required=True)
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

    @api.constrains("date_from", "date_to")
    def _check_shadowing_dates(self):
        for item in self:
            if item.date_from and item.date_to and item.date_to < item.date_from:
                raise UserError(_("The shadowing period ends before it starts."))

    def _checklist_side(self, user):
        return self.contract_id._takeon_side(user)

    def _checklist_side_partner(self):
        contract = self.contract_id
        if self.side == "predecessor":
            return contract.predecessor_id
        return contract.partner_id

    def _check_signable(self, user):
        if self.contract_id.state != "transition":
            raise UserError(
                _("Take-on items are signed off while the contract is taken on.")
            )
        if self.item_type != "service_start":
            return
        if self.side != "client":
            raise UserError(
                _("The service start is signed off by the client, and only by it.")
            )
        missing = self.contract_id.takeon_item_ids.filtered(
            lambda i: i != self and i.mandatory and i.state == "todo"
        )
        if missing:
            raise UserError(
                _(
                    "The service starts once the take-on is complete. "
                    "Items left: %(items)s",
                    items=", ".join(missing.mapped("name")),
                )
            )

    def _after_sign(self, user):
        """The service start sign-off, last, makes the contract active on
        that day."""
        if self.item_type == "service_start":
            self.contract_id._takeon_start_service(user)
