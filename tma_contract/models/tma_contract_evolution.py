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
            self._check_regie_cap(units + reserved)

    # ------------------------------------------------------------------
    # Scope: a defect of a delivered evolution under warranty
    # ------------------------------------------------------------------
    def _get_scope_treatment(self, ticket):
        if ticket and ticket.tma_warranty_of_id and ticket.tma_under_warranty:
            return "warranty"
        return super()._get_scope_treatment(ticket)

    def action_view_estimates(self):
        self.ensure_one()
        return self._action_open(
            "tma_contract.tma_evolution_estimate_action",
            [("contract_id", "=", self.id)],
        )
