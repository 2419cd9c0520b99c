# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import Counter

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.bulk_sql import create_rows
from .tma_unit_allocation import TmaUnitAllocation
from .utils import ENTRY_SCOPES, ENTRY_TYPES

_logger = logging.getLogger(__name__)


class TmaUnitEntry(models.Model):
    """Append-only ledger of units of work.

    Entries are created by the ledger engine only (``tma.contract`` methods)
    and never modified nor deleted: corrections are reversals.
    """

    _name = "tma.unit.entry"
    _description = "TMA Unit Ledger Entry"
    _inherit = ["tma.ledger.protected.mixin"]
    _order = "date desc, id desc"
    _rec_name = "name"

    name = fields.Char(readonly=True, copy=False, default="/")
    sequence_number = fields.Integer(
        string="Number",
        readonly=True,
        copy=False,
        help="Number of the entry in its contract's ledger: 1, 2, 3... without gaps.",
    )
    contract_id = fields.Many2one(
        "tma.contract", required=True, ondelete="restrict", index=True, readonly=True
    )
    # Precomputed: written by the entry's INSERT, not by an UPDATE after it.
    partner_id = fields.Many2one(
        related="contract_id.partner_id", store=True, precompute=True
    )
    company_id = fields.Many2one(
        related="contract_id.company_id", store=True, precompute=True
    )
    mode = fields.Selection(related="contract_id.mode", store=True, precompute=True)
    date = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True)
    entry_type = fields.Selection(ENTRY_TYPES, required=True, readonly=True, index=True)
    units = fields.Float(
        digits="TMA Units",
        readonly=True,
        help="Change of the balance: positive for credits, negative for consumption.",
    )
    consumed_units = fields.Float(
        digits="TMA Units",
        readonly=True,
        help="Units of work consumed, books and overage together.",
    )
    overage_units = fields.Float(
        digits="TMA Units",
        readonly=True,
        help="Units consumed beyond the prepaid books, to invoice.",
    )
    billable_units = fields.Float(
        digits="TMA Units",
        readonly=True,
        help="Units delivered on the sale order line and invoiced.",
    )
    waived_units = fields.Float(
        string="Units waived",
        digits="TMA Units",
        readonly=True,
        help="What a fix under warranty was worth: recorded, not charged.",
    )
    book_id = fields.Many2one("tma.unit.book", readonly=True, index="btree_not_null")
    ticket_id = fields.Many2one(
        "helpdesk.ticket", readonly=True, index="btree_not_null", ondelete="restrict"
    )
    sale_line_id = fields.Many2one(
        "sale.order.line", readonly=True, index="btree_not_null", ondelete="restrict"
    )
    allocation_ids = fields.One2many("tma.unit.allocation", "entry_id", readonly=True)
    reversed_entry_id = fields.Many2one(
        "tma.unit.entry", string="Reverses", readonly=True, index="btree_not_null"
    )
    reversal_entry_ids = fields.One2many(
        "tma.unit.entry", "reversed_entry_id", string="Reversed by", readonly=True
    )
    is_reversed = fields.Boolean(
        compute="_compute_is_reversed", store=True, precompute=True
    )
    scope = fields.Selection(
        ENTRY_SCOPES,
        default="in",
        required=True,
        readonly=True,
        help="A consumption outside the contract's scope is counted in the "
        "volume or billed on top of the contract, as the contract's "
        "out-of-scope policy says.",
    )
    reason = fields.Text(readonly=True)
    user_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, readonly=True
    )

    _sql_constraints = [
        (
            "reversal_uniq",
            "unique(reversed_entry_id)",
            "This entry has already been reversed.",
        ),
        (
            "number_uniq",
            "unique(contract_id, sequence_number)",
            "This entry number is already used in the contract's ledger.",
        ),
    ]

    def init(self):
        """At most one live consumption per ticket, whatever the contract: the
        database itself refuses a second one."""
        result = super().init()
        cr = self.env.cr
        try:
            with cr.savepoint(flush=False):
                cr.execute(
                    """
                    CREATE UNIQUE INDEX IF NOT EXISTS
                           tma_unit_entry_live_consumption_uniq
                        ON tma_unit_entry (ticket_id)
                     WHERE entry_type = 'consumption' AND ticket_id IS NOT NULL
                       AND is_reversed IS NOT TRUE
                    """,
                    log_exceptions=False,
                )
        except Exception:  # pylint: disable=broad-except
            cr.execute(
                """
                SELECT ticket_id FROM tma_unit_entry
                 WHERE entry_type = 'consumption' AND ticket_id IS NOT NULL
                   AND is_reversed IS NOT TRUE
                 GROUP BY ticket_id HAVING COUNT(*) > 1
                """
            )
            _logger.warning(
                "Tickets %s have several live consumptions: reverse the extra "
                "ones, then update tma_contract to protect the ledger.",
                [row[0] for row in cr.fetchall()],
            )
        return result

    @api.depends("reversal_entry_ids")
    def _compute_is_reversed(self):
        for entry in self:
            entry.is_reversed = bool(entry.reversal_entry_ids)

    # ------------------------------------------------------------------
    # CRUD: append only
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self._tma_is_engine():
            raise AccessError(
                _(
                    "Ledger entries are posted by contracts, books and tickets; "
                    "they cannot be created directly."
                )
            )
        # Numbers per contract, reserved on the contract row in this
        # transaction: no gap, whatever is refused or replayed. The ledger's
        # posting primitive reserves its entry's number with the balance
        # (``_write_entry_row``) and passes it.
        contracts = self.env["tma.contract"]
        counts = Counter(
            vals["contract_id"] for vals in vals_list if not vals.get("sequence_number")
        )
        next_number = {
            contract_id: contracts.browse(contract_id)._next_entry_numbers(count)
            for contract_id, count in counts.items()
        }
        for vals in vals_list:
            contract = contracts.browse(vals["contract_id"])
            number = vals.get("sequence_number")
            if not number:
                number = next_number[contract.id]
                next_number[contract.id] += 1
                vals["sequence_number"] = number
            if vals.get("name", "/") == "/":
                vals["name"] = contract._tma_entry_name(number)
        return super().create(vals_list)

    @api.model
    def _tma_insert(self, contract, vals):
        """Write one entry of ``contract``'s ledger, numbered by the engine
        (``sequence_number`` given), and its allocations (``allocation_ids``:
        create commands), as the ledger's engine posts them: one ``INSERT``
        each (``bulk_sql.create_rows``), every column given, so the ORM
        neither asks for defaults (which reads the user's company) nor
        precomputes the contract's related fields, already in the cache. The
        record cache is left as after ``create``, whose work this does (the
        engine's call, the number, the name); a module that overrides the
        creation of entries or allocations has them created through the ORM.

        :return: (the entry, its allocations)
        """
        allocations = [command[2] for command in vals.get("allocation_ids") or ()]
        row = dict.fromkeys(self._tma_insert_columns(), False)
        row.update(
            name=contract._tma_entry_name(vals["sequence_number"]),
            date=fields.Datetime.now(),
            scope="in",
            user_id=self.env.uid,
            partner_id=contract.partner_id.id,
            company_id=contract.company_id.id,
            mode=contract.mode,
            is_reversed=False,
        )
        row.update((key, value) for key, value in vals.items() if key in row)
        entry = create_rows(self, [row], override=TmaUnitEntry)
        if entry is None:
            entry = self._tma_engine().create(vals)
            return entry, entry.allocation_ids
        Allocation = self.env["tma.unit.allocation"]
        rows = [
            {**alloc, "entry_id": entry.id, "company_id": row["company_id"]}
            for alloc in allocations
        ]
        if not rows:
            return entry, Allocation
        done = create_rows(Allocation, rows, override=TmaUnitAllocation)
        return entry, done or Allocation._tma_engine().create(rows)

    def _tma_insert_columns(self):
        """The entry's columns an engine's ``INSERT`` gives, every one."""
        return [
            fname
            for fname, field in self._fields.items()
            if field.store
            and field.column_type
            and fname != "id"
            and fname not in models.LOG_ACCESS_COLUMNS
        ]

    def write(self, vals):
        # Only the stored compute of is_reversed may change, by the engine.
        if not (self._tma_is_engine() and set(vals) <= {"is_reversed"}):
            raise UserError(
                _("Posted ledger entries cannot be modified; post a reversal.")
            )
        return super().write(vals)

    def _write(self, vals):
        if set(vals) - {"is_reversed"}:
            raise UserError(
                _("Posted ledger entries cannot be modified; post a reversal.")
            )
        return super()._write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("Posted ledger entries cannot be deleted; post a reversal."))

    # ------------------------------------------------------------------
    # Reversal
    # ------------------------------------------------------------------
    def _check_reversible(self):
        for entry in self:
            if entry.entry_type in ("reversal", "expiry"):
                raise UserError(
                    _("Reversals and expiries cannot themselves be reversed.")
                )
            if entry.is_reversed:
                raise UserError(
                    _("Entry %(name)s has already been reversed.", name=entry.name)
                )
            if entry.contract_id.state in ("closed", "cancelled"):
                raise UserError(
                    _("Entries of a closed or cancelled contract cannot be reversed.")
                )
            if entry.entry_type == "adjustment" and not self.env.user.has_group(
                "tma_contract.group_tma_manager"
            ):
                raise UserError(_("Only TMA managers can reverse an adjustment."))

    def _tma_worth(self):
        """The units this consumption stands for: what the ticket was valued
        at. A fix under warranty consumes none; its worth is what it waived."""
        self.ensure_one()
        if self.scope == "warranty":
            return self.waived_units
        return self.consumed_units

    def _reverse(self, reason):
        """Post one reversal per entry; returns the reversals."""
        if not (reason or "").strip():
            raise UserError(_("A reversal needs a reason."))
        reversals = self.browse()
        for entry in self:
            reversal = entry.contract_id._ledger_post(
                lambda _balance, entry=entry: entry._prepare_reversal_values(reason),
                after=lambda _reversal, entry=entry: entry._after_reversal(),
            )
            entry._notify_invoiced_reversal(reversal)
            reversals |= reversal
        return reversals

    def _prepare_reversal_values(self, reason):
        """Values of the entry that reverses this one, read under the
        contract's lock (another worker may have reversed it meanwhile)."""
        self.ensure_one()
        self.invalidate_recordset()
        self._check_reversible()
        allocations = [
            fields.Command.create(
                {"book_id": allocation.book_id.id, "units": -allocation.units}
            )
            for allocation in self.allocation_ids
        ]
        credited_book = self.book_id if self.units > 0 else self.env["tma.unit.book"]
        if credited_book:
            if credited_book.units_remaining < self.units:
                raise UserError(
                    _(
                        "Units of book %(book)s have been used already: the "
                        "credit cannot be reversed.",
                        book=credited_book.name,
                    )
                )
            allocations.append(
                fields.Command.create(
                    {"book_id": credited_book.id, "units": -self.units}
                )
            )
        return {
            "entry_type": "reversal",
            "reversed_entry_id": self.id,
            "units": -self.units,
            "consumed_units": -self.consumed_units,
            "overage_units": -self.overage_units,
            "billable_units": -self.billable_units,
            "waived_units": -self.waived_units,
            "sale_line_id": self.sale_line_id.id,
            "ticket_id": self.ticket_id.id,
            "book_id": self.book_id.id,
            "allocation_ids": allocations,
            "scope": self.scope,
            "reason": reason,
        }

    def _after_reversal(self):
        """This entry is reversed: written at once (the ticket's next
        consumption may follow in the same transaction); a reversed credit
        cancels its book."""
        self.flush_recordset(["is_reversed"])
        if self.entry_type == "credit" and self.units > 0 and self.book_id:
            self.book_id._tma_engine().write({"cancelled": True})

    def _notify_invoiced_reversal(self, reversal):
        """Tell finance when units already invoiced are given back. The
        engineer who re-values a ticket need not see the sale order."""
        line = reversal.sale_line_id.sudo()
        if not line or not reversal.billable_units:
            return
        line.invalidate_recordset(["qty_delivered", "qty_to_invoice"])
        if line.qty_invoiced > line.qty_delivered:
            self.contract_id.message_post(
                body=_(
                    "%(units)s units already invoiced on %(order)s were reversed: "
                    "create the credit note from the sale order (its quantity to "
                    "invoice is now %(qty)s).",
                    units=-reversal.billable_units,
                    order=line.order_id.name,
                    qty=line.qty_to_invoice,
                ),
                subtype_xmlid="mail.mt_note",
            )

    def action_reverse(self):
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "tma.entry.reverse",
            "view_mode": "form",
            "target": "new",
            "context": {"default_entry_ids": self.ids},
        }
