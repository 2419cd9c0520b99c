# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# pylint: disable=consider-merging-classes-inherited
"""The estimate by contract mode.

- Fixed price: an evolution outside the contract's fixed scope is not paid
  by the fee; it is quoted as an Odoo quotation (``sale.order``) created
  from the estimate when it is sent, at the contract's unit price. The
  client's approval confirms the quotation, its refusal (or a new estimate,
  or a cancellation) cancels it.
- Capped time and materials: the estimate is in hours, and its approval
  reserves them within the month's remaining cap
  (``tma.contract._check_regie_reserve``).
"""

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from .tma_evolution_estimate import WORKFLOW_FIELDS

# The states of a quotation the client may still approve.
QUOTATION_OPEN = ("draft", "sent")


class TmaEvolutionEstimate(models.Model):
    _inherit = "tma.evolution.estimate"
    _tma_protected_fields = (*WORKFLOW_FIELDS, "sale_order_id")

    # Fixed price: the quotation
    needs_quotation = fields.Boolean(
        string="Quoted",
        compute="_compute_needs_quotation",
        help="An evolution outside the fixed scope of a fixed price contract: "
        "sending the estimate creates a quotation, its approval confirms it.",
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Quotation",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The quotation of the evolution, created when the estimate is "
        "sent: the client's approval confirms it, its refusal cancels it.",
    )
    currency_id = fields.Many2one(related="sale_order_id.currency_id")
    quotation_amount = fields.Monetary(
        related="sale_order_id.amount_untaxed",
        string="Quotation amount",
        currency_field="currency_id",
        help="The quotation's amount, taxes excluded.",
    )
    # Capped time and materials: hours
    in_hours = fields.Boolean(string="Estimated in hours", compute="_compute_in_hours")
    hours = fields.Float(
        compute="_compute_hours",
        store=True,
        readonly=False,
        digits="TMA Units",
        tracking=True,
        help="Capped time and materials: the hours the work takes (the sum of "
        "the lines' when there are lines); the units follow at the "
        "contract's units per hour.",
    )
    hours_available = fields.Float(
        string="Hours left under the cap",
        compute="_compute_hours_available",
        digits="TMA Units",
        help="The month's cap (with the overrun the contract allows) less the "
        "hours consumed and those reserved for approved estimates.",
    )
    hours_left_after = fields.Float(
        string="Hours left after approval",
        compute="_compute_hours_available",
        digits="TMA Units",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("contract_id.mode")
    def _compute_in_hours(self):
        for estimate in self:
            estimate.in_hours = estimate.contract_id.mode == "regie"

    @api.depends("ticket_id", "contract_id")
    def _compute_needs_quotation(self):
        for estimate in self:
            contract = estimate.contract_id
            ticket = estimate.ticket_id
            estimate.needs_quotation = bool(
                contract.mode == "forfait"
                and contract._get_scope_gaps(
                    ticket.tma_maintenance_type_id, ticket.tma_application_id
                )
            )

    @api.depends("line_ids.hours")
    def _compute_hours(self):
        for estimate in self:
            if estimate.line_ids:
                estimate.hours = sum(estimate.line_ids.mapped("hours"))

    @api.depends("method", "complexity", "category_id", "line_ids.units", "hours")
    def _compute_units(self):
        """In hours: the hours at the contract's units per hour (read when
        the hours change: a sent estimate never changes)."""
        hourly = self.filtered("in_hours")
        for estimate in hourly:
            estimate.units = estimate.hours * (
                estimate.contract_id.units_per_hour or 1.0
            )
        return super(TmaEvolutionEstimate, self - hourly)._compute_units()

    @api.depends("hours", "state", "contract_id")
    def _compute_hours_available(self):
        today = {}
        for estimate in self:
            contract = estimate.contract_id
            if not (estimate.in_hours and contract.monthly_volume):
                estimate.hours_available = estimate.hours_left_after = 0.0
                continue
            if contract not in today:
                today[contract] = contract._regie_hours_left()
            left = today[contract]
            estimate.hours_available = left
            if estimate.state not in ("approved", "accepted"):
                left -= estimate.hours
            estimate.hours_left_after = left

    # ------------------------------------------------------------------
    # Actions of the provider
    # ------------------------------------------------------------------
    def action_send(self):
        """Sending an estimate in hours needs hours; sending a quoted one
        creates its quotation for the client."""
        for estimate in self.filtered("in_hours"):
            if estimate.state == "draft" and estimate.hours <= 0:
                raise UserError(
                    _(
                        "Estimate %(name)s gives no hours: a capped time and "
                        "materials estimate is in hours.",
                        name=estimate.name,
                    )
                )
        quoted = self.filtered(lambda e: e.needs_quotation and not e.sale_order_id)
        for estimate in quoted:
            estimate.contract_id._get_quotation_product()
        result = super().action_send()
        for estimate in quoted:
            estimate._create_quotation()
        return result

    def _set_workflow(self, vals):
        result = super()._set_workflow(vals)
        if vals.get("state") in ("superseded", "cancelled"):
            self._cancel_quotation()
        return result

    # ------------------------------------------------------------------
    # The quotation
    # ------------------------------------------------------------------
    def _prepare_quotation_values(self):
        """The quotation of the estimate: one line a part of the work (the
        estimate's lines, or the ticket), its units at the contract's unit
        price (hook)."""
        self.ensure_one()
        contract = self.contract_id
        product = contract._get_quotation_product()
        price = contract._get_unit_price(product)
        parts = [(line.name, line.units) for line in self.line_ids] or [
            (self.ticket_id.name, self.units)
        ]
        lines = []
        for name, units in parts:
            line = {
                "product_id": product.id,
                "name": f"{self.name} – {name}",
                "product_uom_qty": units,
            }
            if price:
                line["price_unit"] = price
            lines.append(Command.create(line))
        return {
            "partner_id": contract.partner_id.id,
            "company_id": contract.company_id.id,
            "tma_contract_id": contract.id,
            "origin": f"{self.name} ({self.ticket_id.display_name})",
            # The client approves the estimate, not the quotation.
            "require_signature": False,
            "require_payment": False,
            "order_line": lines,
        }

    def _create_quotation(self):
        self.ensure_one()
        order = self.env["sale.order"].sudo().create(self._prepare_quotation_values())
        self._set_workflow({"sale_order_id": order.id})
        self.ticket_id.message_post(
            body=_(
                "Quotation %(order)s of estimate %(name)s: %(amount)s %(currency)s "
                "excluding taxes.",
                order=order.name,
                name=self.name,
                amount=order.amount_untaxed,
                currency=order.currency_id.name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return order

    def _confirm_quotation(self):
        """The client approved the estimate: its quotation becomes an order,
        once (a quotation confirmed or cancelled meanwhile refuses the
        approval)."""
        self.ensure_one()
        order = self.sudo().sale_order_id
        if not order:
            return
        if order.state not in QUOTATION_OPEN:
            raise UserError(
                _(
                    "Quotation %(order)s of estimate %(name)s no longer awaits "
                    "the client's approval: it was confirmed or cancelled "
                    "already.",
                    order=order.name,
                    name=self.name,
                )
            )
        if self.po_reference:
            order.client_order_ref = self.po_reference
        order.with_context(tma_skip_contract_creation=True).action_confirm()

    def _cancel_quotation(self):
        orders = self.sudo().sale_order_id.filtered(lambda o: o.state != "cancel")
        orders.with_context(disable_cancel_warning=True).action_cancel()

    def _tma_after_decision(self, decision):
        result = super()._tma_after_decision(decision)
        if decision == "approve":
            self._confirm_quotation()
        else:
            self._cancel_quotation()
        return result
