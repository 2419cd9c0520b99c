# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    tma_contract_id = fields.Many2one(
        "tma.contract", string="TMA contract", index="btree_not_null", copy=False
    )
    tma_billing = fields.Boolean(
        string="TMA billing line",
        copy=False,
        help="Delivered quantity comes from the contract's unit ledger.",
    )
    tma_entry_ids = fields.One2many("tma.unit.entry", "sale_line_id")
    qty_delivered_method = fields.Selection(selection_add=[("tma", "TMA unit ledger")])

    @api.depends("tma_billing")
    def _compute_qty_delivered_method(self):
        tma_lines = self.filtered("tma_billing")
        tma_lines.qty_delivered_method = "tma"
        return super(SaleOrderLine, self - tma_lines)._compute_qty_delivered_method()

    @api.depends("tma_entry_ids.billable_units")
    def _compute_qty_delivered(self):
        result = super()._compute_qty_delivered()
        tma_lines = self.filtered(lambda line: line.qty_delivered_method == "tma")
        if tma_lines:
            groups = (
                self.env["tma.unit.entry"]
                .sudo()
                ._read_group(
                    [("sale_line_id", "in", tma_lines.ids)],
                    ["sale_line_id"],
                    ["billable_units:sum"],
                )
            )
            delivered = {line.id: units for line, units in groups}
            for line in tma_lines:
                line.qty_delivered = delivered.get(line.id, 0.0)
        return result

    def _tma_prepare_book_values(self):
        self.ensure_one()
        product = self.product_id
        validity = product.tma_validity_months
        today = fields.Date.context_today(self)
        env = self.tma_contract_id._tma_reader_env()
        return {
            "name": env._(
                "%(qty)s x %(product)s (%(order)s)",
                qty=self.product_uom_qty,
                product=product.with_env(env).display_name,
                order=self.order_id.name,
            ),
            "contract_id": self.tma_contract_id.id,
            "sale_line_id": self.id,
            "origin": "sale",
            "units": self.product_uom_qty * product.tma_units_per_pack,
            "date_start": today,
            "date_expiry": today + relativedelta(months=validity)
            if validity
            else False,
        }

    def _tma_create_books(self):
        existing = self.env["tma.unit.book"].search([("sale_line_id", "in", self.ids)])
        lines = self - existing.sale_line_id
        if lines:
            self.env["tma.unit.book"].create(
                [line._tma_prepare_book_values() for line in lines]
            )
