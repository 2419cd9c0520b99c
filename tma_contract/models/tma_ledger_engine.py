# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager

from dateutil.relativedelta import relativedelta

from odoo import _, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_compare, float_is_zero


class TmaLedgerEngine(models.AbstractModel):
    """The unit ledger of a contract, as one component.

    Every balance change goes through :meth:`_ledger_post`, which locks the
    contract, lets its caller check and build the entry, writes the entry, the
    balance and the books, then raises the alerts. The posting kinds
    (consumption, credit, adjustment here; expiry in ``tma.unit.book``;
    reversal in ``tma.unit.entry``; a ticket's move in ``helpdesk.ticket``)
    only say what differs. ``tma.contract`` inherits it; the methods read the
    contract's fields.
    """

    _name = "tma.ledger.engine"
    _description = "TMA unit ledger engine"

    @contextmanager
    def _ledger_transaction(self):
        """Savepoint around a balance change: on error nothing is left behind,
        neither in the database nor in the ORM cache."""
        try:
            with self.env.cr.savepoint():
                yield
        except Exception:
            self.env.invalidate_all()
            raise

    def _lock_ledger(self):
        """Serialize every balance change of this contract.

        The row is updated, not merely locked: a concurrent transaction that
        changed the balance after our snapshot makes this UPDATE fail with a
        serialization error, so Odoo replays the whole call on a fresh
        snapshot. Returns the current balance.
        """
        self.ensure_one()
        # The conflict is expected under concurrency and Odoo replays the
        # call: no "bad query" error in the log for it.
        self.env.cr.execute(
            SQL(
                "UPDATE tma_contract SET ledger_seq = COALESCE(ledger_seq, 0) + 1 "
                "WHERE id = %s RETURNING balance",
                self.id,
            ),
            log_exceptions=False,
        )
        balance = self.env.cr.fetchone()[0]
        self.invalidate_recordset(["balance", "ledger_seq"])
        return float(balance or 0.0)

    def _next_entry_numbers(self, count, counter="entry_seq"):
        """Reserve ``count`` numbers of this contract's ``counter`` (the
        ledger's entries, or ``act_seq``: the journal of acts); return the
        first. The counter is a column of the contract row, updated in the
        caller's transaction: a refused posting or act rolls its numbers back
        with it, so the entries are numbered without gaps."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                "UPDATE tma_contract SET %s = COALESCE(%s, 0) + %s "
                "WHERE id = %s RETURNING %s",
                SQL.identifier(counter),
                SQL.identifier(counter),
                count,
                self.id,
                SQL.identifier(counter),
            ),
            log_exceptions=False,
        )
        last = self.env.cr.fetchone()[0]
        self.invalidate_recordset([counter])
        return last - count + 1

    def _write_entry_row(self, delta):
        """Reserve the next entry number and apply ``delta`` to the balance,
        in one statement on the contract row the caller holds: (number, new
        balance). Rolled back with the posting if it fails, like
        :meth:`_next_entry_numbers`."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                "UPDATE tma_contract SET entry_seq = COALESCE(entry_seq, 0) + 1, "
                "balance = COALESCE(balance, 0) + %s "
                "WHERE id = %s RETURNING entry_seq, balance",
                delta,
                self.id,
            ),
            log_exceptions=False,
        )
        number, balance = self.env.cr.fetchone()
        self.invalidate_recordset(["entry_seq", "balance"])
        return number, float(balance)

    def _tma_entry_name(self, number):
        """The name of this contract's ledger entry numbered ``number``."""
        self.ensure_one()
        return f"{self.name}-{number:05d}"

    def _ledger_post(self, prepare, after=None):
        """Post one entry in this contract's ledger: the one place where a
        balance changes (consumption, credit, expiry, adjustment, reversal).

        Under the contract's lock, ``prepare(balance)`` checks what it must
        (raising refuses the posting: nothing is left behind, not even an
        entry number) and returns the entry's values, or None when there is
        nothing to post after all; the entry is numbered, its ``units``
        applied to the balance (one statement), the entry created and its
        allocations applied to the books; ``after(entry)`` then runs in the
        same savepoint (a reversal marks the entry it reverses). The alerts
        come last, once the posting stands.

        :return: the posted ``tma.unit.entry`` (empty when nothing was)
        """
        self.ensure_one()
        with self._ledger_transaction():
            balance = self._lock_ledger()
            vals = prepare(balance)
            if vals is None:
                return self.env["tma.unit.entry"]
            # The entry's number and the balance in one statement.
            number, new_balance = self._write_entry_row(vals.get("units") or 0.0)
            vals.update(contract_id=self.id, sequence_number=number)
            entry, allocations = self.env["tma.unit.entry"]._tma_insert(self, vals)
            allocations._apply_to_books()
            if after:
                after(entry)
        self._ledger_alerts(entry, balance, new_balance)
        return entry

    def _ledger_alerts(self, entry, old_balance, new_balance):
        """What follows a posting: the low-balance alert when the balance
        crosses the threshold, the volume alert after a consumption."""
        self._after_balance_change(old_balance, new_balance)
        if entry.entry_type == "consumption":
            self._check_volume_deviation()

    def _tma_posting_fields(self):
        """The contract's fields a posting reads: fetched alone when the
        contract is not in the cache yet, instead of its whole row (most of
        which a posting never reads; a field missing here is still read, with
        the rest of the row, when asked for). Modules that read more extend
        the list."""
        return [
            "state",
            "name",
            "partner_id",
            "company_id",
            "company_tz",
            "mode",
            "overdraft_policy",
            "overdraft_limit",
            "low_balance_threshold",
            "monthly_volume",
            "volume_uom",
            "units_per_hour",
            "volume_carryover_months",
            "volume_alert_month",
            "volume_alert_deviation",
            "date_start",
            "user_id",
            "out_of_scope_policy",
            "out_of_scope_free_count",
        ]

    def _get_units_precision(self):
        return self.env["decimal.precision"].precision_get("TMA Units")

    def _check_can_consume(self, ticket=None):
        """Refuse units on a contract that is not running (active, or handing
        over in reversibility) or for another client's ticket."""
        self.ensure_one()
        if self.state not in ("active", "reversibility"):
            raise UserError(
                _(
                    "Contract %(name)s is not active: no units can be consumed on it.",
                    name=self.display_name,
                )
            )
        if ticket and ticket.commercial_partner_id != self.partner_id:
            raise UserError(
                _(
                    "Ticket %(ticket)s belongs to another client than contract "
                    "%(contract)s.",
                    ticket=ticket.display_name,
                    contract=self.display_name,
                )
            )

    def _open_books_for_update(self):
        self.ensure_one()
        today = self._tma_today()
        self.env.cr.execute(
            SQL(
                """
                SELECT id, units_remaining FROM tma_unit_book
                 WHERE contract_id = %s AND state = 'open' AND units_remaining > 0
                   AND (date_expiry IS NULL OR date_expiry >= %s)
                 ORDER BY date_expiry NULLS LAST, id
                """,
                self.id,
                today,
            )
        )
        return [
            (book_id, float(remaining)) for book_id, remaining in self.env.cr.fetchall()
        ]

    def _allocate_on_books(self, units, ticket=None, keep_reserved=False):
        """Draw ``units`` from the open books, earliest expiry first; with
        ``keep_reserved``, leaving in them the units reserved for approved
        estimates of tickets other than ``ticket`` (read with the books).

        Returns (allocation commands, units that no book covered).
        """
        digits = self._get_units_precision()
        if keep_reserved:
            books, keep = self._open_books_and_reserved(ticket)
        else:
            books, keep = self._open_books_for_update(), 0.0
        available = max(0.0, sum(remaining for _id, remaining in books) - keep)
        left = min(units, available)
        commands = []
        for book_id, remaining in books:
            if float_is_zero(left, precision_digits=digits):
                break
            take = min(left, remaining)
            commands.append(fields.Command.create({"book_id": book_id, "units": -take}))
            left -= take
        return commands, max(0.0, round(units - min(units, available) + left, digits))

    def _consumption_between(self, date_from, date_to=None):
        """Units consumed in the volume from the local day ``date_from`` (a
        date, in the contract's time zone) to the local day ``date_to``
        excluded (read after the lock). Out-of-scope units billed on top of
        the contract are not in the volume."""
        self.ensure_one()
        start = self._tma_period_bounds(date_from, date_from)[0]
        end = self._tma_period_bounds(date_to, date_to)[0] if date_to else None
        self.env.cr.execute(
            SQL(
                "SELECT COALESCE(SUM(consumed_units), 0) FROM tma_unit_entry "
                "WHERE contract_id = %s AND date >= %s AND scope != 'billed' %s",
                self.id,
                start,
                SQL("AND date < %s", end) if end else SQL(),
            )
        )
        return float(self.env.cr.fetchone()[0])

    def _month_consumption(self, day):
        """Units consumed in the volume since the start of the contract's
        local month holding ``day``."""
        self.ensure_one()
        return self._consumption_between(day.replace(day=1))

    def _get_monthly_volume_units(self):
        """The monthly volume estimate in units of work: a volume in hours is
        converted at the contract's units per hour."""
        self.ensure_one()
        if self.volume_uom == "hours":
            return self.monthly_volume * self.units_per_hour
        return self.monthly_volume

    def _post_consumption(self, units, ticket=None, note=None):
        """Record ``units`` consumed by ``ticket``: one ledger entry.

        Ticket book: units come from the books, earliest expiry first; beyond
        the books the overdraft policy decides (refuse, or overage to invoice
        up to the limit). Capped time and materials: every unit is billable
        and the monthly estimate plus the overdraft limit is the cap. Fixed
        price: units are counted for reporting only. A ticket outside the
        scope is refused, counted, or billed on top of all that, as the
        contract's out-of-scope policy says.
        """
        self.ensure_one()
        digits = self._get_units_precision()
        if float_compare(units, 0.0, precision_digits=digits) <= 0:
            raise ValidationError(
                _("A consumption must be a positive number of units.")
            )
        self.fetch(self._tma_posting_fields())
        self._check_can_consume(ticket)

        def prepare(_balance):
            if ticket and ticket._tma_live_consumptions():
                raise UserError(
                    _(
                        "Ticket %(ticket)s already has units recorded: re-value "
                        "it instead.",
                        ticket=ticket.display_name,
                    )
                )
            scope = self._get_scope_treatment(ticket)
            vals = {
                "entry_type": "consumption",
                "ticket_id": ticket.id if ticket else False,
                "consumed_units": units,
                "scope": scope,
                "reason": note,
            }
            if scope == "warranty":
                # A defect of a delivered evolution, fixed under warranty:
                # recorded, worth no units; what it was worth is waived.
                vals.update(units=0.0, consumed_units=0.0, waived_units=units)
            elif scope == "billed":
                vals.update(units=0.0, billable_units=units)
            elif self.mode == "ticket_book":
                # Units reserved for the approved estimates of other tickets
                # are not available to this one.
                allocations, overage = self._allocate_on_books(
                    units, ticket=ticket, keep_reserved=True
                )
                if overage:
                    self._check_overage(overage)
                vals.update(
                    units=-(units - overage),
                    overage_units=overage,
                    billable_units=overage,
                    allocation_ids=allocations,
                )
            else:
                if self.mode == "regie":
                    self._check_regie_cap(
                        units + self._units_reserved_locked(exclude_ticket=ticket)
                    )
                vals.update(
                    units=-units,
                    billable_units=units if self.mode == "regie" else 0.0,
                )
            if vals.get("billable_units"):
                vals["sale_line_id"] = self._get_billing_line(
                    out_of_scope=scope == "billed"
                ).id
            return vals

        return self._ledger_post(prepare)

    def _check_overage(self, overage):
        """Refuse an overage the overdraft policy does not allow."""
        self.ensure_one()
        if self.overdraft_policy == "block":
            raise UserError(
                _(
                    "Contract %(name)s has not enough units left: %(missing)s "
                    "units are missing and its policy blocks consumption beyond "
                    "the books.",
                    name=self.display_name,
                    missing=overage,
                )
            )
        open_overage = self._get_open_overage()
        if (
            float_compare(
                open_overage + overage,
                self.overdraft_limit,
                precision_digits=self._get_units_precision(),
            )
            > 0
        ):
            raise UserError(
                _(
                    "Contract %(name)s would exceed its overdraft limit of "
                    "%(limit)s units (already %(open)s units of overage not "
                    "invoiced).",
                    name=self.display_name,
                    limit=self.overdraft_limit,
                    open=open_overage,
                )
            )

    def _get_open_overage(self):
        """Overage units posted and not invoiced yet (read after the lock)."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                "SELECT COALESCE(SUM(overage_units), 0) FROM tma_unit_entry "
                "WHERE contract_id = %s",
                self.id,
            )
        )
        posted = float(self.env.cr.fetchone()[0])
        # Every billing line counts, whoever may read the order: an engineer
        # recording units is no salesman of it.
        lines = (
            self.env["sale.order.line"]
            .sudo()
            .search([("tma_contract_id", "=", self.id), ("tma_billing", "=", True)])
        )
        invoiced = sum(
            line.qty_invoiced
            for line in lines
            if line.product_id.tma_product_type == "overage"
        )
        return max(0.0, posted - invoiced)

    def _get_regie_window(self, day):
        """(first day, number of months) of the window whose volume a
        consumption on ``day`` (a day of the contract's time zone) may use:
        this month and the
        ``volume_carryover_months`` before it, not before the contract's start."""
        self.ensure_one()
        month = day.replace(day=1)
        first = month - relativedelta(months=self.volume_carryover_months)
        if self.date_start:
            first = max(first, self.date_start.replace(day=1))
        delta = relativedelta(month, first)
        return first, delta.years * 12 + delta.months + 1

    def _get_regie_cap(self, day):
        """(cap, units already consumed against it) on ``day``, in units.

        The cap is the monthly volume of each month of the window (unused
        volume is carried over ``volume_carryover_months`` months) plus the
        overdraft limit when the policy allows one; what counts against it is
        the window's consumption.
        """
        self.ensure_one()
        first, months = self._get_regie_window(day)
        cap = self._get_monthly_volume_units() * months + (
            self.overdraft_limit if self.overdraft_policy == "allow" else 0.0
        )
        return cap, self._consumption_between(first)

    def _check_regie_cap(self, units):
        self.ensure_one()
        if not self.monthly_volume:
            return
        cap, already = self._get_regie_cap(self._tma_today())
        if (
            float_compare(
                already + units, cap, precision_digits=self._get_units_precision()
            )
            > 0
        ):
            raise UserError(
                _(
                    "Contract %(name)s would exceed its cap of %(cap)s units "
                    "(%(already)s already consumed).",
                    name=self.display_name,
                    cap=cap,
                    already=already,
                )
            )

    def _post_credit(self, book):
        """Credit a new book's units to the contract."""
        self.ensure_one()
        return self._ledger_post(
            lambda _balance: {
                "entry_type": "credit",
                "book_id": book.id,
                "units": book.units,
                "reason": book.name,
            }
        )

    def _post_adjustment(self, units, reason):
        """Managers' manual correction of the balance, with a reason."""
        self.ensure_one()
        if not self.env.user.has_group("tma_contract.group_tma_manager"):
            raise UserError(_("Only TMA managers can adjust a balance."))
        digits = self._get_units_precision()
        if float_is_zero(units, precision_digits=digits):
            raise ValidationError(_("An adjustment cannot be zero."))
        if not (reason or "").strip():
            raise ValidationError(_("An adjustment needs a reason."))
        if self.state in ("closed", "cancelled"):
            raise UserError(_("A closed or cancelled contract cannot be adjusted."))

        def prepare(_balance):
            vals = {"entry_type": "adjustment", "units": units, "reason": reason}
            if self.mode != "ticket_book":
                return vals
            if units > 0:
                # The units added make a book of their own.
                book = (
                    self.env["tma.unit.book"]
                    ._tma_engine()
                    .create(
                        {
                            "contract_id": self.id,
                            "name": self._tma_reader_env()._(
                                "Adjustment: %(reason)s", reason=reason
                            ),
                            "units": units,
                            "origin": "adjustment",
                        }
                    )
                )
                vals["book_id"] = book.id
            else:
                allocations, missing = self._allocate_on_books(-units)
                if missing:
                    raise UserError(
                        _("The books hold fewer units than the adjustment removes.")
                    )
                vals["allocation_ids"] = allocations
            return vals

        return self._ledger_post(prepare)

    def _after_balance_change(self, old_balance, new_balance):
        """Raise the low-balance alert when the balance crosses the threshold."""
        self.ensure_one()
        if self.mode != "ticket_book":
            return
        threshold = self.low_balance_threshold
        if old_balance > threshold >= new_balance:
            self._notify_low_balance()

    def _notify_low_balance(self):
        self.ensure_one()
        if self.user_id:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Low unit balance"),
                note=_(
                    "Contract %(name)s has %(balance)s units left: offer the "
                    "client a new book.",
                    name=self.display_name,
                    balance=self.balance,
                ),
                user_id=self.user_id.id,
            )
        template = self.env.ref(
            "tma_contract.mail_template_low_balance", raise_if_not_found=False
        )
        if template:
            self.message_post_with_source(
                template,
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.partner_id.ids,
            )

    def _check_volume_deviation(self):
        """Raise an activity once a month when consumption exceeds the estimate."""
        self.ensure_one()
        if not self.monthly_volume:
            return
        month_start = self._tma_today().replace(day=1)
        if self.volume_alert_month == month_start:
            return
        consumed = self._month_consumption(month_start)
        estimate = self._get_monthly_volume_units()
        limit = estimate * (1 + self.volume_alert_deviation / 100.0)
        if consumed > limit and self.user_id:
            self.sudo().volume_alert_month = month_start
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Monthly volume exceeded"),
                note=_(
                    "%(consumed)s units consumed this month against an estimate "
                    "of %(estimate)s.",
                    consumed=consumed,
                    estimate=estimate,
                ),
                user_id=self.user_id.id,
            )
