# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools.bulk_sql import mark_updated


class TmaUnitBook(models.Model):
    """A prepaid book of units of work (carnet de tickets)."""

    _name = "tma.unit.book"
    _description = "TMA Unit Book"
    _inherit = ["mail.thread", "tma.ledger.protected.mixin"]
    _order = "date_expiry, id"
    _tma_protected_fields = (
        "contract_id",
        "units",
        "units_remaining",
        "state",
        "cancelled",
    )

    name = fields.Char(required=True)
    contract_id = fields.Many2one(
        "tma.contract", required=True, ondelete="restrict", index=True, readonly=True
    )
    partner_id = fields.Many2one(related="contract_id.partner_id", store=True)
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    origin = fields.Selection(
        [("sale", "Sale"), ("manual", "Manual"), ("adjustment", "Adjustment")],
        default="manual",
        required=True,
        readonly=True,
    )
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Sale order line",
        readonly=True,
        index="btree_not_null",
    )
    sale_order_id = fields.Many2one(related="sale_line_id.order_id", store=True)
    units = fields.Float(digits="TMA Units", required=True, readonly=True)
    units_remaining = fields.Float(digits="TMA Units", readonly=True, copy=False)
    units_used = fields.Float(digits="TMA Units", compute="_compute_units_used")
    date_start = fields.Date(default=fields.Date.context_today)
    date_expiry = fields.Date(string="Expiry date", tracking=True)
    state = fields.Selection(
        [
            ("open", "Open"),
            ("exhausted", "Exhausted"),
            ("expired", "Expired"),
            ("cancelled", "Cancelled"),
        ],
        compute="_compute_state",
        store=True,
        readonly=True,
        index=True,
    )
    cancelled = fields.Boolean(readonly=True, copy=False)
    entry_ids = fields.One2many("tma.unit.entry", "book_id", string="Entries")
    allocation_ids = fields.One2many("tma.unit.allocation", "book_id")

    @api.depends("units_remaining", "date_expiry", "cancelled")
    def _compute_state(self):
        for book in self:
            book.state = self._state_of(
                book.cancelled,
                book.date_expiry,
                book.units_remaining,
                book._tma_today() if book.date_expiry else None,
            )

    def _tma_today(self):
        """Today where the book's contract is served (its provider company's
        time zone): a book runs to the end of its expiry day there, whoever
        looks at it and from wherever."""
        self.ensure_one()
        return self.contract_id._tma_today()

    @api.model
    def _state_of(self, cancelled, date_expiry, units_remaining, today):
        """A book's state from its row: the rule of ``_compute_state``."""
        if cancelled:
            return "cancelled"
        if date_expiry and date_expiry < today:
            return "expired"
        if units_remaining <= 0:
            return "exhausted"
        return "open"

    @api.depends("units", "units_remaining")
    def _compute_units_used(self):
        for book in self:
            book.units_used = book.units - book.units_remaining

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("contract_id"):
                raise ValidationError(_("A unit book must belong to a contract."))
            if (vals.get("units") or 0.0) <= 0:
                raise ValidationError(
                    _("A unit book must hold a positive number of units.")
                )
            vals["units_remaining"] = vals["units"]
        contracts = self.env["tma.contract"].browse(
            {vals["contract_id"] for vals in vals_list}
        )
        for contract in contracts:
            if contract.mode != "ticket_book":
                raise ValidationError(
                    _(
                        "Unit books belong to ticket book contracts; %(name)s is "
                        "not one.",
                        name=contract.display_name,
                    )
                )
            if contract.state in ("closed", "cancelled"):
                raise ValidationError(
                    _("No book can be added to a closed or cancelled contract.")
                )
        books = super(TmaUnitBook, self._tma_engine()).create(vals_list)
        for book in books.filtered(lambda b: b.origin != "adjustment"):
            book.contract_id._post_credit(book)
        return books.with_env(self.env)

    def write(self, vals):
        self._tma_check_protected(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_posted(self):
        if self.entry_ids or self.allocation_ids:
            raise UserError(
                _("A book with ledger entries cannot be deleted; reverse its credit.")
            )

    def _add_remaining(self, delta):
        """Change the remaining units in SQL; the caller holds the contract lock.

        The stored state is recomputed by the ORM only when the new remainder
        changes it (a book emptied, or given units back, or past its expiry
        date): most postings leave an open book open, and the row the UPDATE
        returns tells which without reading it again. What depends on the
        remainder in the cache (units used, the contract's forecast) is
        invalidated either way.
        """
        self.ensure_one()
        # Nothing of the book pending in the cache: the row is the truth.
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE tma_unit_book SET units_remaining = units_remaining + %s "
                "WHERE id = %s RETURNING units_remaining, state, cancelled, "
                "date_expiry",
                delta,
                self.id,
            )
        )
        remaining, state, cancelled, date_expiry = self.env.cr.fetchone()
        if remaining < 0:
            raise UserError(_("Book %(name)s cannot go below zero.", name=self.name))
        today = self._tma_today() if date_expiry else None
        # When the stored state stands, no recompute, which would read the row.
        standing = self._state_of(cancelled, date_expiry, remaining, today) == state
        mark_updated(self, ["units_remaining"], standing=["state"] if standing else ())

    # ------------------------------------------------------------------
    # Expiry
    # ------------------------------------------------------------------
    def _expire(self):
        """Move the remainder of expired books out of the balance."""
        for book in self:
            book._post_expiry()

    def _post_expiry(self):
        """Post the expiry of this book's remainder through the ledger; read
        under the contract's lock, since a parallel run may have expired it
        already (then nothing is posted)."""
        self.ensure_one()
        expired = {}
        env = self.contract_id._tma_reader_env()

        def prepare(_balance):
            self.env.cr.execute(
                SQL("SELECT units_remaining FROM tma_unit_book WHERE id = %s", self.id)
            )
            remaining = float(self.env.cr.fetchone()[0])
            if remaining <= 0:
                return None
            expired["units"] = remaining
            return {
                "entry_type": "expiry",
                "book_id": self.id,
                "units": -remaining,
                "reason": env._("Expiry of “%(name)s”.", name=self.name),
            }

        entry = self.contract_id._ledger_post(
            prepare, after=lambda _entry: self._add_remaining(-expired["units"])
        )
        if entry:
            self.message_post(
                body=env._("%(units)s units expired.", units=expired["units"])
            )
        return entry

    @api.model
    def _books_past_expiry(self, limit=None):
        """Books with units left whose expiry day is over in their contract's
        time zone (the one ``_tma_today`` reads), on the code's clock."""
        self.env["tma.contract"].flush_model(["company_tz"])
        self.flush_model(["date_expiry", "units_remaining", "contract_id"])
        self.env.cr.execute(
            SQL(
                """SELECT book.id
                     FROM tma_unit_book book
                     JOIN tma_contract contract ON contract.id = book.contract_id
                    WHERE book.units_remaining > 0
                      AND book.date_expiry < (
                          %(now)s::timestamp AT TIME ZONE 'UTC'
                          AT TIME ZONE COALESCE(contract.company_tz, 'UTC')
                      )::date
                    ORDER BY book.date_expiry, book.id
                    LIMIT %(limit)s""",
                now=fields.Datetime.now(),
                limit=limit,
            )
        )
        return self.browse(row[0] for row in self.env.cr.fetchall())

    @api.model
    def _cron_expire_books(self, batch_size=500):
        """Expire books past their date. Idempotent and safe with parallel runs:
        each book is re-read under its contract's ledger lock."""
        books = self._books_past_expiry(batch_size)
        books._expire()
        remaining = len(self._books_past_expiry())
        if self.env.context.get("ir_cron_progress_id"):
            # The cron runner calls us again while work remains.
            self.env["ir.cron"]._notify_progress(done=len(books), remaining=remaining)
        elif remaining:
            self.env.ref("tma_contract.ir_cron_tma_expire_books")._trigger()
        return True
