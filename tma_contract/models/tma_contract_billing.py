# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero, format_amount

from .utils import reader_date


class TmaContractBilling(models.AbstractModel):
    """What a contract invoices through Odoo: the sale order lines that
    receive billable units as delivered quantities, and the recurring OCA
    contract that invoices a fixed fee. ``tma.contract`` inherits it.
    Hooks: ``_prepare_recurring_contract_values``,
    ``_prepare_fee_adjustment_values``."""

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

    # ------------------------------------------------------------------
    # The recurring invoicing follows the terms
    # ------------------------------------------------------------------
    def _get_fee_lines(self):
        """The recurring contract's lines that invoice the fee period after
        period (not the one-shot adjustments, sections or notes)."""
        self.ensure_one()
        return self.sudo().recurring_contract_id.contract_line_ids.filtered(
            lambda line: (
                not line.display_type
                and not line.is_canceled
                and not line.tma_adjustment
            )
        )

    def _apply_fee_change(self, effective, amendment=None):
        """The fee changed from ``effective`` (by ``amendment``): the
        recurring OCA contract invoices the new fee from its next period on
        (the invoices issued stay as they are); the days between the
        effective date and that period are prorated on a one-shot line of
        the next invoice: a supplement when the fee rises from a date inside
        an invoiced period, a credit when it falls (and the other way round
        for days not invoiced yet before the effective date)."""
        self.ensure_one()
        env = self._tma_reader_env()
        new_fee = self.fee_amount
        for line in self._get_fee_lines().filtered(
            lambda line: line.product_id == self.fee_product_id
        ):
            old_fee = line.price_unit
            line.price_unit = new_fee
            # The first day the line invoices at the new fee.
            switch = (
                line.last_date_invoiced + timedelta(days=1)
                if line.last_date_invoiced
                else line.date_start
            )
            if effective < switch:
                date_from, date_to = effective, switch - timedelta(days=1)
                difference = new_fee - old_fee
            elif effective > switch:
                date_from, date_to = switch, effective - timedelta(days=1)
                difference = old_fee - new_fee
            else:
                continue
            self._add_fee_adjustment(
                line,
                self._prorate_fee_line(line, date_from, date_to, difference),
                env._(
                    "%(product)s - %(contract)s: fee changed from %(old)s to "
                    "%(new)s on %(date)s (amendment %(amendment)s), prorated "
                    "over %(from)s to %(to)s",
                    product=line.product_id.with_env(env).display_name,
                    contract=self.name,
                    old=format_amount(env, old_fee, self.currency_id),
                    new=format_amount(env, new_fee, self.currency_id),
                    date=reader_date(env, effective),
                    amendment=amendment.name if amendment else "",
                    **{
                        "from": reader_date(env, date_from),
                        "to": reader_date(env, date_to),
                    },
                ),
                amendment=amendment,
            )

    def _sync_recurring_end(self, old_end):
        """The contract's end moved from ``old_end``: its recurring lines
        that ran to the old end run to the new one, so invoicing neither goes
        on after the end nor stops before it (a finished line extended
        invoices again from the day after its last invoiced one).

        OCA ``contract`` invoices a whole period's fee for a period the end
        cuts short, and cannot end a line before its last invoiced day: the
        days of the line's periods after the end are credited on a one-shot
        line of the next invoice (and given back when the end moves later
        again)."""
        self.ensure_one()
        new_end = self.date_end
        env = self._tma_reader_env()
        for line in self._get_fee_lines().filtered(
            lambda line: (
                line.date_end == old_end
                or (
                    old_end
                    and line.date_end
                    and line.date_end == line.last_date_invoiced
                    and line.date_end > old_end
                )
            )
        ):
            amount = self._get_fee_after_end(line, new_end) - self._get_fee_after_end(
                line, old_end
            )
            invoiced = line.last_date_invoiced
            values = {
                "date_end": max(new_end, invoiced) if new_end and invoiced else new_end
            }
            if invoiced and (not new_end or new_end > invoiced):
                # Invoiced up to an earlier end inside a period: the rest of
                # that period is paid by the adjustment, so the line goes on
                # with its own periods, not periods from the day after.
                period_end = self._get_fee_period_end(
                    line, self._get_fee_period_start(line, invoiced)
                )
                if period_end > invoiced:
                    values["last_date_invoiced"] = min(
                        period_end, new_end or period_end
                    )
            line.write(values)
            args = {
                "product": line.product_id.with_env(env).display_name,
                "contract": self.name,
                "end": reader_date(env, new_end or old_end),
            }
            if new_end:
                name = env._(
                    "%(product)s - %(contract)s: fee prorated to the contract's "
                    "end on %(end)s",
                    **args,
                )
            else:
                name = env._(
                    "%(product)s - %(contract)s: the contract's end on %(end)s "
                    "removed, its periods invoiced in full",
                    **args,
                )
            self._add_fee_adjustment(line, amount, name)

    def _get_fee_after_end(self, line, end):
        """What ``line`` invoices for the days after ``end`` (negative: it
        is credited): the rest of the period ``end`` falls in, and any later
        period already invoiced."""
        self.ensure_one()
        if not end:
            return 0.0
        period_end = self._get_fee_period_end(
            line, self._get_fee_period_start(line, end)
        )
        billed_to = max(period_end, line.last_date_invoiced or period_end)
        if billed_to <= end:
            return 0.0
        return self._prorate_fee_line(
            line, end + timedelta(days=1), billed_to, -line.price_unit
        )

    def _get_fee_period_start(self, line, day):
        """The first day of ``line``'s invoicing period that holds ``day``."""
        start = line.date_start
        while True:
            following = self._get_fee_period_end(line, start) + timedelta(days=1)
            if following > day:
                return start
            start = following

    @staticmethod
    def _get_fee_period_end(line, start):
        """The last day of ``line``'s whole invoicing period from ``start``
        (OCA ``contract`` invoices a period's full fee even when the line's
        end cuts it short)."""
        return line.get_next_period_date_end(
            start,
            line.recurring_rule_type,
            line.recurring_interval,
            max_date_end=False,
        )

    def _prorate_fee_line(self, line, date_from, date_to, difference):
        """``difference`` (a price per period) prorated over the days from
        ``date_from`` to ``date_to`` of ``line``'s invoicing periods, each
        whole period by its own length (the periods OCA ``contract``
        computes, from the line's start), rounded to the currency."""
        self.ensure_one()
        total = 0.0
        start = line.date_start
        while start and start <= date_to:
            end = self._get_fee_period_end(line, start)
            days = (min(end, date_to) - max(start, date_from)).days + 1
            if days > 0:
                total += difference * days / ((end - start).days + 1)
            start = end + timedelta(days=1)
        return self.currency_id.round(total)

    def _add_fee_adjustment(self, line, amount, name, amendment=None):
        """A one-shot line of ``amount`` (negative: a credit) on the
        recurring contract, invoiced with ``line``'s next invoice (today when
        ``line`` has none left)."""
        self.ensure_one()
        if float_is_zero(amount, precision_rounding=self.currency_id.rounding):
            return self.env["contract.line"]
        values = self._prepare_fee_adjustment_values(line, amount, name, amendment)
        return self.env["contract.line"].sudo().create(values)

    def _prepare_fee_adjustment_values(self, line, amount, name, amendment=None):
        """Values of the one-shot adjustment line (hook)."""
        day = max(
            line.recurring_next_date or fields.Date.context_today(self),
            line.date_start,
        )
        return {
            "contract_id": line.contract_id.id,
            "sequence": line.sequence,
            "product_id": line.product_id.id,
            "name": name,
            "quantity": 1,
            "uom_id": line.uom_id.id,
            "price_unit": amount,
            "recurring_rule_type": "monthly",
            "recurring_interval": 1,
            "recurring_invoicing_type": "pre-paid",
            "date_start": day,
            "date_end": day,
            "tma_adjustment": True,
            "tma_amendment_id": amendment and amendment.id,
        }
