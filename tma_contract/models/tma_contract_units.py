# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The contract's units of work as its form shows them: the ledger's
figures, and the buttons to its books and entries."""

from datetime import timedelta

from odoo import api, models
from odoo.tools import SQL

from .tma_contract_forecast import FORECAST_WINDOW_DAYS


class TmaContract(models.Model):
    """The ledger's figures of the contract and the views of its books and
    entries. (A file of its own: ``tma_contract.py`` holds enough
    concepts.)"""

    _inherit = "tma.contract"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Ledger figures
    # ------------------------------------------------------------------
    @api.depends("balance", "entry_ids.units")
    def _compute_ledger_figures(self):
        """Credited, consumed, overage, this month's units and the forecast
        window's consumption of each contract, in one query whatever the
        ledger's size."""
        credited, consumed, overage, month, window = {}, {}, {}, {}, {}
        if self.ids:
            self.env["tma.unit.entry"].flush_model(
                ["contract_id", "entry_type", "units", "consumed_units"]
                + ["overage_units", "date"]
            )
            # Each contract's month and forecast window start at local
            # midnight in its own time zone.
            ids, month_starts, window_starts = [], [], []
            for contract in self.filtered("id"):
                today = contract._tma_today()
                since = today - timedelta(days=FORECAST_WINDOW_DAYS)
                ids.append(contract.id)
                month_starts.append(contract._tma_month_bounds(today)[0])
                window_starts.append(contract._tma_period_bounds(since, since)[0])
            self.env.cr.execute(
                SQL(
                    """
                    SELECT e.contract_id,
                           GREATEST(COALESCE(SUM(e.units) FILTER (
                               WHERE e.entry_type = 'credit'), 0), 0)
                           + GREATEST(COALESCE(SUM(e.units) FILTER (
                               WHERE e.entry_type = 'adjustment'), 0), 0),
                           COALESCE(SUM(e.consumed_units), 0),
                           COALESCE(SUM(e.overage_units), 0),
                           COALESCE(SUM(e.consumed_units) FILTER (
                               WHERE e.date >= b.month_start), 0),
                           COALESCE(SUM(e.consumed_units) FILTER (
                               WHERE e.date >= b.window_start), 0)
                      FROM tma_unit_entry e
                      JOIN unnest(%s::int[], %s::timestamp[], %s::timestamp[])
                           AS b(contract_id, month_start, window_start)
                        ON b.contract_id = e.contract_id
                  GROUP BY e.contract_id
                    """,
                    ids,
                    month_starts,
                    window_starts,
                )
            )
            for cid, cred, cons, over, mon, win in self.env.cr.fetchall():
                credited[cid], consumed[cid] = cred, cons
                overage[cid], month[cid], window[cid] = over, mon, win
        for contract in self:
            contract.units_credited = credited.get(contract.id, 0.0)
            contract.units_consumed = consumed.get(contract.id, 0.0)
            contract.units_overage = overage.get(contract.id, 0.0)
            contract.units_month = month.get(contract.id, 0.0)
            contract.units_window = window.get(contract.id, 0.0)
            total = contract.units_credited
            contract.balance_ratio = (
                max(0.0, min(100.0, 100.0 * contract.balance / total)) if total else 0.0
            )

    @api.depends("mode")
    def _compute_consume_on_close(self):
        for contract in self:
            contract.consume_on_close = contract.mode == "ticket_book"

    def _compute_credit_note_pending(self):
        lines = self.env["sale.order.line"].search(
            [("tma_contract_id", "in", self.ids), ("qty_to_invoice", "<", 0)]
        )
        pending = set(lines.tma_contract_id.ids)
        for contract in self:
            contract.credit_note_pending = contract.id in pending

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_view_books(self):
        self.ensure_one()
        return self._action_open(
            "tma_contract.tma_unit_book_action",
            [("contract_id", "=", self.id)],
            {"default_contract_id": self.id},
        )

    def action_view_entries(self):
        self.ensure_one()
        return self._action_open(
            "tma_contract.tma_unit_entry_action", [("contract_id", "=", self.id)]
        )

    def action_adjust_balance(self):
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "res_model": "tma.unit.adjustment",
            "view_mode": "form",
            "target": "new",
            "context": {"default_contract_id": self.id},
        }
