# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

from .utils import (
    BUDGET_KIND_BY_PRODUCT,
    REPORT_FREQUENCIES,
    month_count,
    report_period,
)


class TmaContract(models.Model):
    """The service report's frequency and the contract's planned budget,
    with the amounts invoiced in a period by kind. (A file of its own beside
    ``tma_contract.py``: the budget control is one concept.)"""

    _inherit = "tma.contract"  # pylint: disable=consider-merging-classes-inherited

    sla_report_frequency = fields.Selection(
        REPORT_FREQUENCIES,
        string="Service report",
        required=True,
        default="monthly",
        help="Monthly: a report at the end of each month. Quarterly: a report "
        "at the end of each calendar quarter covering its three months.",
    )
    budget_amount = fields.Monetary(
        string="Planned budget",
        currency_field="currency_id",
        help="What the client plans to spend on the contract, compared in the "
        "service report with the amounts invoiced in the period.",
    )
    budget_basis = fields.Selection(
        [("month", "Per month"), ("period", "Per report period")],
        string="Budget basis",
        required=True,
        default="month",
    )

    budget_period_planned = fields.Monetary(
        string="Budget of the current period",
        currency_field="currency_id",
        compute="_compute_budget_period",
        help="The planned budget of the report period holding today (month "
        "or quarter).",
    )
    budget_period_invoiced = fields.Monetary(
        string="Invoiced in the current period",
        currency_field="currency_id",
        compute="_compute_budget_period",
        help="Posted customer invoices and credit notes of the contract dated "
        "in the report period holding today, as the service report counts "
        "them.",
    )

    def _compute_budget_period(self):
        for contract in self:
            date_from, date_to = report_period(
                contract._tma_today(), contract.sla_report_frequency
            )
            contract.budget_period_planned = contract._tma_budget_of(date_from, date_to)
            contract.budget_period_invoiced = (
                sum(contract._tma_invoiced_by_kind(date_from, date_to).values())
                if contract.id
                else 0.0
            )

    def _tma_budget_of(self, date_from, date_to):
        """The planned budget of the period ``date_from..date_to``."""
        self.ensure_one()
        if self.budget_basis == "month":
            return self.budget_amount * month_count(date_from, date_to)
        return self.budget_amount

    def _tma_invoiced_by_kind(self, date_from, date_to):
        """{kind: amount} invoiced to the client for the contract by POSTED
        customer invoices and credit notes dated in ``date_from..date_to``
        (company currency, untaxed, credit notes negative), in one grouped
        query. A line belongs to the contract when it invoices a line of one
        of its sale orders (kind from the product: fixed fee, books, overage,
        time and materials, out-of-scope work, else ``other``), a line of its
        recurring OCA contract (fixed fee), or when its move is the credit
        note of one of its penalty periods (penalty credits)."""
        self.ensure_one()
        kind = SQL("CASE WHEN pen.id IS NOT NULL THEN 'penalty'")
        kind = SQL(
            "%s WHEN cl.contract_id = %s THEN 'fee'",
            kind,
            self.recurring_contract_id.id or 0,
        )
        for product_type, budget_kind in BUDGET_KIND_BY_PRODUCT.items():
            kind = SQL(
                "%s WHEN pt.tma_product_type = %s THEN %s",
                kind,
                product_type,
                budget_kind,
            )
        kind = SQL("%s ELSE 'other' END", kind)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT %(kind)s AS kind, SUM(-l.balance)
                     FROM account_move_line l
                     JOIN account_move m ON m.id = l.move_id
                LEFT JOIN product_product pp ON pp.id = l.product_id
                LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
                LEFT JOIN contract_line cl ON cl.id = l.contract_line_id
                LEFT JOIN tma_sla_penalty_period pen
                       ON pen.move_id = m.id AND pen.contract_id = %(c)s
                    WHERE m.state = 'posted'
                      AND m.move_type IN ('out_invoice', 'out_refund')
                      AND m.invoice_date >= %(f)s AND m.invoice_date <= %(t)s
                      AND l.display_type = 'product'
                      AND (pen.id IS NOT NULL
                           OR cl.contract_id = %(rec)s
                           OR EXISTS (
                              SELECT 1
                                FROM sale_order_line_invoice_rel rel
                                JOIN sale_order_line sol
                                  ON sol.id = rel.order_line_id
                                JOIN sale_order so ON so.id = sol.order_id
                               WHERE rel.invoice_line_id = l.id
                                 AND (sol.tma_contract_id = %(c)s
                                      OR so.tma_contract_id = %(c)s)))
                 GROUP BY 1""",
                kind=kind,
                c=self.id,
                rec=self.recurring_contract_id.id or 0,
                f=date_from,
                t=date_to,
            )
        )
        return {k: round(amount or 0.0, 2) for k, amount in self.env.cr.fetchall()}
