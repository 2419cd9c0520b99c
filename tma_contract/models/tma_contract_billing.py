# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models
from odoo.exceptions import UserError


class TmaContractBilling(models.AbstractModel):
    """What a contract invoices through Odoo: the sale order lines that
    receive billable units as delivered quantities, and the recurring OCA
    contract that invoices a fixed fee. ``tma.contract`` inherits it.
    Hooks: ``_prepare_recurring_contract_values``."""

    _name = "tma.contract.billing"
    _description = "TMA contract billing"

    def _get_billing_product(self, out_of_scope=False):
        """The product that invoices billable units: the company's
        out-of-scope product for out-of-scope work, else the contract's or the
        company's overage (ticket book, fixed price) or time and materials
        product."""
        self.ensure_one()
        if out_of_scope:
            return self.company_id.tma_out_of_scope_product_id
        return self.overage_product_id or (
            self.company_id.tma_regie_product_id
            if self.mode == "regie"
            else self.company_id.tma_overage_product_id
        )

    def _get_billing_line(self, out_of_scope=False):
        """Sale order line that receives billable units as delivered quantity
        (one line per product: overage, out-of-scope work...)."""
        self.ensure_one()
        product = self._get_billing_product(out_of_scope)
        if not product:
            raise UserError(
                _(
                    "Set the product that invoices consumed units on contract "
                    "%(name)s or in the settings.",
                    name=self.display_name,
                )
            )
        SaleLine = self.env["sale.order.line"].sudo()
        line = SaleLine.search(
            [
                ("tma_contract_id", "=", self.id),
                ("tma_billing", "=", True),
                ("product_id", "=", product.id),
                ("state", "=", "sale"),
            ],
            limit=1,
        )
        if line:
            return line
        order = self.sale_order_id.sudo()
        if not order or order.state != "sale":
            order = (
                self.env["sale.order"]
                .sudo()
                .create(
                    {
                        "partner_id": self.partner_id.id,
                        "company_id": self.company_id.id,
                        "tma_contract_id": self.id,
                        "origin": self.name,
                    }
                )
            )
            order.with_context(tma_skip_contract_creation=True).action_confirm()
        return SaleLine.create(
            {
                "order_id": order.id,
                "product_id": product.id,
                "product_uom_qty": 0.0,
                "tma_contract_id": self.id,
                "tma_billing": True,
            }
        )

    def _prepare_recurring_contract_values(self):
        """Values of the OCA ``contract.contract`` that invoices the fee.

        Hook: override to add journal, payment term or lines.
        """
        self.ensure_one()
        product = self.fee_product_id
        interval = {"monthly": 1, "quarterly": 3, "yearly": 12}[
            self.fee_period or "monthly"
        ]
        env = self._tma_reader_env()
        return {
            "name": self.display_name,
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "contract_type": "sale",
            "line_recurrence": True,
            "contract_line_ids": [
                fields.Command.create(
                    {
                        "product_id": product.id,
                        "name": env._(
                            "%(product)s - %(contract)s from #START# to #END#",
                            product=product.with_env(env).display_name,
                            contract=self.name,
                        ),
                        "quantity": 1,
                        "uom_id": product.uom_id.id,
                        "price_unit": self.fee_amount,
                        "recurring_rule_type": "monthly",
                        "recurring_interval": interval,
                        "recurring_invoicing_type": "pre-paid",
                        "date_start": self.date_start,
                        "date_end": self.date_end,
                    }
                )
            ],
        }

    def _ensure_recurring_contract(self):
        for contract in self:
            if contract.recurring_contract_id:
                continue
            recurring = (
                self.env["contract.contract"]
                .sudo()
                .create(contract._prepare_recurring_contract_values())
            )
            contract.recurring_contract_id = recurring
            contract.message_post(
                body=contract._tma_reader_env()._(
                    "Fixed fee invoiced periodically by recurring contract %(name)s.",
                    name=recurring.display_name,
                )
            )
