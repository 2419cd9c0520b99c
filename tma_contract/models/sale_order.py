# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models
from odoo.exceptions import UserError

from .utils import MODE_BY_PRODUCT


class SaleOrder(models.Model):
    _inherit = "sale.order"

    tma_contract_id = fields.Many2one(
        "tma.contract",
        string="TMA contract",
        copy=False,
        index="btree_not_null",
        domain="[('partner_id', 'parent_of', partner_id), "
        "('state', 'in', ('draft', 'active'))]",
        help="Contract this order extends. Empty: confirming an order with TMA "
        "products creates a contract.",
    )
    tma_contract_count = fields.Integer(compute="_compute_tma_contract_count")

    def _compute_tma_contract_count(self):
        for order in self:
            order.tma_contract_count = len(order.tma_contract_id)

    def _action_confirm(self):
        result = super()._action_confirm()
        if not self.env.context.get("tma_skip_contract_creation"):
            self._tma_create_or_extend_contracts()
        return result

    def _tma_prepare_contract_values(self, mode):
        """Values of the contract a confirmed order creates (hook)."""
        self.ensure_one()
        fee_line = self.order_line.filtered(
            lambda line: line.product_id.tma_product_type == "forfait"
        )[:1]
        return {
            "partner_id": self.partner_id.commercial_partner_id.id,
            "company_id": self.company_id.id,
            "user_id": (self.user_id or self.env.user).id,
            "sale_order_id": self.id,
            "mode": mode,
            "title": self.client_order_ref or False,
            "date_start": fields.Date.context_today(self),
            "fee_product_id": fee_line.product_id.id,
            "fee_amount": fee_line.price_unit * fee_line.product_uom_qty,
        }

    def _tma_create_or_extend_contracts(self):
        for order in self:
            tma_lines = order.order_line.filtered(
                lambda line: line.product_id.tma_product_type in MODE_BY_PRODUCT
            )
            if not tma_lines:
                continue
            contract = order.tma_contract_id
            if not contract:
                modes = {
                    MODE_BY_PRODUCT[t]
                    for t in tma_lines.product_id.mapped("tma_product_type")
                }
                if len(modes) > 1:
                    raise UserError(
                        _(
                            "Order %(name)s sells TMA products of several contract "
                            "modes; sell one mode per order.",
                            name=order.name,
                        )
                    )
                contract = self.env["tma.contract"].create(
                    order._tma_prepare_contract_values(modes.pop())
                )
                order.tma_contract_id = contract
                contract.message_post_with_source(
                    "mail.message_origin_link",
                    render_values={"self": contract, "origin": order},
                    subtype_xmlid="mail.mt_note",
                )
            tma_lines.tma_contract_id = contract
            tma_lines.filtered(
                lambda line: line.product_id.tma_product_type in ("regie",)
            ).tma_billing = True
            tma_lines.filtered(
                lambda line: line.product_id.tma_product_type == "unit_pack"
            )._tma_create_books()

    def action_view_tma_contract(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "tma.contract",
            "view_mode": "form",
            "res_id": self.tma_contract_id.id,
        }
