# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# pylint: disable=consider-merging-classes-inherited
"""The contract's terms for evolutive work: the approval of estimates, the
units reserved for the approved ones, acceptance by silence and the
warranty of delivered evolutions."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_compare


class TmaContract(models.Model):
    _inherit = "tma.contract"

    estimate_approval = fields.Boolean(
        string="Evolutions need an approved estimate",
        default=True,
        help="Work on a ticket whose maintenance type asks for an estimate "
        "(evolutive by default) is refused until the client approves one.",
    )
    acceptance_silence_days = fields.Integer(
        string="Acceptance by silence (days)",
        help="A delivery the client neither accepts nor rejects within this "
        "many days is accepted, and recorded as accepted by silence. 0: the "
        "client must accept.",
    )
    warranty_days = fields.Integer(
        string="Warranty of evolutions (days)",
        default=90,
        help="A defect of an evolution accepted less than this many days "
        "before it was reported is fixed at no charge.",
    )
    estimate_ids = fields.One2many(
        "tma.evolution.estimate", "contract_id", string="Estimates"
    )
    units_reserved = fields.Float(
        string="Units reserved",
        compute="_compute_units_reserved",
        digits="TMA Units",
        help="Units set aside for the approved estimates not accepted yet.",
    )
    units_available = fields.Float(
        string="Available balance",
        compute="_compute_units_reserved",
        digits="TMA Units",
        help="The balance less the units reserved for approved estimates.",
    )

    @api.constrains("acceptance_silence_days", "warranty_days")
    def _check_evolution_days(self):
        for contract in self:
            if contract.acceptance_silence_days < 0 or contract.warranty_days < 0:
                raise ValidationError(
                    _(
                        "The days of acceptance by silence and of warranty "
                        "cannot be negative."
                    )
                )

    @api.depends("estimate_ids.units_reserved", "balance")
    def _compute_units_reserved(self):
        groups = (
            self.env["tma.evolution.estimate"]
            .sudo()
            ._read_group(
                [("contract_id", "in", self.ids), ("state", "=", "approved")],
                ["contract_id"],
                ["units:sum"],
            )
        )
        reserved = {contract.id: units for contract, units in groups}
        for contract in self:
            contract.units_reserved = reserved.get(contract.id, 0.0)
            contract.units_available = contract.balance - contract.units_reserved

    def _tma_cache_units_reserved(self, reserved):
        """Put in the cache the units reserved for approved estimates that
        a page read with its other figures (``reserved``, as
        :meth:`_compute_units_reserved` counts them): the forecast and the
        available balance then read them no more."""
        self.ensure_one()
        self.env.cache.update(self, self._fields["units_reserved"], [reserved])
        self.env.cache.update(
            self, self._fields["units_available"], [self.balance - reserved]
        )

    # ------------------------------------------------------------------
    # Reservations, under the ledger's lock
    # ------------------------------------------------------------------
    def _units_reserved_locked(self, exclude_ticket=None, exclude_estimate=None):
        """Units reserved for approved estimates on this contract, read from
        the database by a caller holding the ledger's lock
        (:meth:`_lock_ledger`), less those of ``exclude_ticket`` (its own
        reservation, which its acceptance consumes) and ``exclude_estimate``
        (the estimate a new one supersedes)."""
        self.ensure_one()
        self.env["tma.evolution.estimate"].flush_model(["state", "units"])
        self.env.cr.execute(
            SQL(
                """SELECT COALESCE(SUM(units), 0) FROM tma_evolution_estimate
                    WHERE contract_id = %s AND state = 'approved'
                      AND ticket_id != %s AND id != %s""",
                self.id,
                exclude_ticket.id if exclude_ticket else 0,
                exclude_estimate.id if exclude_estimate else 0,
            )
        )
        return float(self.env.cr.fetchone()[0])

    def _open_books_and_reserved(self, exclude_ticket=None):
        """:meth:`_open_books_for_update` and :meth:`_units_reserved_locked`
        in one query: ``([(book id, units remaining)], units reserved)``."""
        self.ensure_one()
        self.env["tma.evolution.estimate"].flush_model(["state", "units"])
        self.env.cr.execute(
            SQL(
                """SELECT b.id, b.units_remaining, r.reserved
                     FROM (SELECT COALESCE(SUM(units), 0) AS reserved
                             FROM tma_evolution_estimate
                            WHERE contract_id = %s AND state = 'approved'
                              AND ticket_id != %s) r
                LEFT JOIN tma_unit_book b
                       ON b.contract_id = %s AND b.state = 'open'
                      AND b.units_remaining > 0
                      AND (b.date_expiry IS NULL OR b.date_expiry >= %s)
                 ORDER BY b.date_expiry NULLS LAST, b.id""",
                self.id,
                exclude_ticket.id if exclude_ticket else 0,
                self.id,
                self._tma_today(),
            )
        )
        rows = self.env.cr.fetchall()
        books = [(book, float(left)) for book, left, _r in rows if book]
        return books, float(rows[0][2])

    def _check_can_reserve(self, units, exclude_estimate=None):
        """Refuse to reserve ``units`` more than the available balance
        allows, under the overdraft and blocking rules of a consumption.
        Called under the ledger's lock: two approvals at once reserve one
        after the other, the second one seeing the first."""
        self.ensure_one()
        self._check_can_consume()
        digits = self._get_units_precision()
        reserved = self._units_reserved_locked(exclude_estimate=exclude_estimate)
        if self.mode == "ticket_book":
            books = sum(r for _id, r in self._open_books_for_update())
            missing = round(reserved + units - books, digits)
            if float_compare(missing, 0.0, precision_digits=digits) > 0:
                if self.overdraft_policy == "block":
                    raise UserError(
                        _(
                            "Contract %(name)s has %(available)s units available "
                            "(%(reserved)s reserved for approved estimates): the "
                            "estimate needs %(units)s.",
                            name=self.display_name,
                            available=round(books - reserved, digits),
                            reserved=reserved,
                            units=units,
                        )
                    )
                self._check_overage(missing)
        elif self.mode == "regie":
            self._check_regie_reserve(units, reserved)

    def _regie_hours_left(self, reserved=None):
        """Capped time and materials: the hours left this month under the
        cap (with the overrun the contract allows, :meth:`_get_regie_cap`),
        less those consumed and those reserved for approved estimates
        (``reserved`` units, read under the ledger's lock, or the computed
        reservations)."""
        self.ensure_one()
        cap, consumed = self._get_regie_cap(self._tma_today())
        if reserved is None:
            reserved = self.units_reserved
        return (cap - consumed - reserved) / (self.units_per_hour or 1.0)

    def _check_regie_reserve(self, units, reserved):
        """Capped time and materials: refuse to reserve ``units`` beyond the
        month's remaining cap, in hours (the overdraft policy decides
        whether the cap takes an overrun, up to its limit). Called under the
        ledger's lock with the ``reserved`` units read under it."""
        self.ensure_one()
        if not self.monthly_volume:
            return
        hourly = self.units_per_hour or 1.0
        digits = self._get_units_precision()
        left = self._regie_hours_left(reserved)
        hours = units / hourly
        if float_compare(hours, left, precision_digits=digits) <= 0:
            return
        cap, consumed = self._get_regie_cap(self._tma_today())
        raise UserError(
            _(
                "Contract %(name)s has %(left)s hours left this month under its "
                "cap of %(cap)s hours (%(consumed)s consumed, %(reserved)s "
                "reserved for approved estimates): the estimate needs "
                "%(hours)s hours.",
                name=self.display_name,
                left=round(max(left, 0.0), digits),
                cap=round(cap / hourly, digits),
                consumed=round(consumed / hourly, digits),
                reserved=round(reserved / hourly, digits),
                hours=round(hours, digits),
            )
        )

    # ------------------------------------------------------------------
    # Fixed price: quoted evolutions
    # ------------------------------------------------------------------
    def _get_quotation_product(self):
        """The product that quotes an evolution outside the fixed scope: the
        company's out-of-scope work product, else the units' product."""
        self.ensure_one()
        product = (
            self._get_billing_product(out_of_scope=True) or self._get_billing_product()
        )
        if not product:
            raise UserError(
                _(
                    "Set the product that invoices consumed units on contract "
                    "%(name)s or in the settings.",
                    name=self.display_name,
                )
            )
        return product

    def _get_unit_price(self, product):
        """The contract's price of a unit of ``product``: the price of the
        last confirmed line of the contract's orders that sells it (what
        the client agreed to), or nothing (the pricelist's price)."""
        self.ensure_one()
        orders = (self.sale_order_id | self.sale_order_ids).ids
        line = (
            self.env["sale.order.line"]
            .sudo()
            .search(
                [
                    ("order_id", "in", orders),
                    ("product_id", "=", product.id),
                    ("state", "=", "sale"),
                    ("price_unit", ">", 0),
                ],
                order="id desc",
                limit=1,
            )
        )
        return line.price_unit

    # ------------------------------------------------------------------
    # Scope: a defect of a delivered evolution under warranty
    # ------------------------------------------------------------------
    def _get_scope_treatment(self, ticket):
        if ticket and ticket.tma_warranty_of_id and ticket.tma_under_warranty:
            return "warranty"
        if ticket and ticket.sudo().tma_quotation_id.state == "sale":
            # Sold by its confirmed quotation: counted, never billed again.
            return "counted"
        return super()._get_scope_treatment(ticket)

    def action_view_estimates(self):
        self.ensure_one()
        return self._action_open(
            "tma_contract.tma_evolution_estimate_action",
            [("contract_id", "=", self.id)],
        )
