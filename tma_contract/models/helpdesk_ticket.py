# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_compare

from .utils import COMPLEXITY, CONTRACT_FIELDS


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    tma_contract_id = fields.Many2one(
        "tma.contract",
        string="TMA contract",
        compute="_compute_tma_contract_id",
        store=True,
        readonly=False,
        tracking=True,
        index="btree_not_null",
        domain="[('state', '=', 'active'), ('partner_id', '=', commercial_partner_id)]",
        help="Set automatically when exactly one active contract of the client "
        "fits the ticket's team.",
    )
    tma_contract_mode = fields.Selection(related="tma_contract_id.mode")
    tma_balance = fields.Float(
        related="tma_contract_id.balance", string="Contract balance"
    )
    tma_application_id = fields.Many2one(
        "tma.application",
        string="Application",
        domain="[('partner_id', '=', commercial_partner_id)]",
    )
    tma_environment_id = fields.Many2one(
        "tma.application.environment",
        string="Environment",
        domain="[('application_id', '=', tma_application_id)]",
    )
    tma_maintenance_type_id = fields.Many2one(
        "tma.maintenance.type", string="Maintenance type"
    )
    tma_support_level_id = fields.Many2one("tma.support.level", string="Support level")
    tma_complexity = fields.Selection(COMPLEXITY, string="Complexity", default="simple")
    tma_entry_ids = fields.One2many(
        "tma.unit.entry", "ticket_id", string="Unit entries", readonly=True
    )
    tma_units_consumed = fields.Float(
        string="Units consumed",
        compute="_compute_tma_units_consumed",
        digits="TMA Units",
    )
    tma_units_valued = fields.Float(
        string="Units valued",
        compute="_compute_tma_units_valued",
        digits="TMA Units",
        help="What the contract's valuation method gives for the ticket now.",
    )

    tma_scope_warning = fields.Char(
        string="Scope",
        compute="_compute_tma_scope_warning",
        help="What the contract's scope does not cover in this ticket, and what "
        "its out-of-scope policy does with it.",
    )

    @api.depends(
        "tma_contract_id.out_of_scope_policy",
        "tma_contract_id.maintenance_type_ids",
        "tma_contract_id.application_ids",
        "tma_maintenance_type_id",
        "tma_application_id",
    )
    def _compute_tma_scope_warning(self):
        for ticket in self:
            contract = ticket.tma_contract_id
            gaps = (
                contract._get_scope_gaps(
                    ticket.tma_maintenance_type_id, ticket.tma_application_id
                )
                if contract
                else []
            )
            if not gaps:
                ticket.tma_scope_warning = False
                continue
            policy = dict(
                contract._fields["out_of_scope_policy"]._description_selection(self.env)
            )[contract.out_of_scope_policy]
            ticket.tma_scope_warning = _(
                "Outside the scope of contract %(contract)s (%(gaps)s): %(policy)s.",
                contract=contract.display_name,
                gaps=", ".join(gaps),
                policy=policy,
            )

    @api.depends("commercial_partner_id", "team_id", "company_id")
    def _compute_tma_contract_id(self):
        pending = self.filtered(
            lambda t: (
                not t.tma_contract_id
                or t.tma_contract_id.partner_id != t.commercial_partner_id
            )
        )
        matches = self.env["tma.contract"]._find_for_tickets(pending)
        for ticket in self:
            if ticket in pending:
                ticket.tma_contract_id = matches.get(ticket.id, False)
            else:
                ticket.tma_contract_id = ticket.tma_contract_id

    @api.depends("tma_entry_ids.consumed_units")
    def _compute_tma_units_consumed(self):
        groups = self.env["tma.unit.entry"]._read_group(
            [("ticket_id", "in", self.ids)], ["ticket_id"], ["consumed_units:sum"]
        )
        totals = {ticket.id: units for ticket, units in groups}
        for ticket in self:
            ticket.tma_units_consumed = totals.get(ticket.id, 0.0)

    def _compute_tma_units_valued(self):
        for ticket in self:
            ticket.tma_units_valued = (
                ticket._tma_get_valuation() if ticket.tma_contract_id else 0.0
            )

    @api.constrains("tma_contract_id")
    def _check_tma_contract(self):
        for ticket in self.filtered("tma_contract_id"):
            ticket._tma_check_same_client(
                ticket.tma_contract_id, ticket.commercial_partner_id
            )

    def _tma_check_same_client(self, contract, commercial_partner):
        if contract.partner_id != commercial_partner:
            raise ValidationError(
                _(
                    "Ticket %(ticket)s cannot be attached to contract "
                    "%(contract)s: it belongs to another client.",
                    ticket=self.display_name,
                    contract=contract.display_name,
                )
            )

    def _tma_check_contract_is_active(self, contract_id):
        contract = self.env["tma.contract"].browse(contract_id)
        if contract.state != "active":
            raise ValidationError(
                _(
                    "Tickets can only be attached to an active contract; "
                    "%(name)s is not.",
                    name=contract.display_name,
                )
            )
        return contract

    @api.constrains("tma_contract_id", "tma_maintenance_type_id", "tma_application_id")
    def _check_tma_scope(self):
        for ticket in self.filtered("tma_contract_id"):
            ticket.tma_contract_id._check_scope(
                ticket.tma_maintenance_type_id,
                ticket.tma_application_id,
                ticket.display_name,
            )

    def write(self, vals):
        if vals.get("tma_contract_id"):
            contract = self._tma_check_contract_is_active(vals["tma_contract_id"])
            partner_id = vals.get("partner_id")
            for ticket in self:
                partner = (
                    self.env["res.partner"].browse(partner_id)
                    if partner_id
                    else ticket.partner_id
                )
                ticket._tma_check_same_client(contract, partner.commercial_partner_id)
        moving = CONTRACT_FIELDS & set(vals)
        closing, already_closed, reopening = self._tma_stage_moves(vals)
        if not (moving or closing or reopening) or not self:
            return super().write(vals)
        # One savepoint: a move, a closing or a reopening that an addon
        # refuses (units the contract cannot take, a checklist not done)
        # leaves the tickets as they were.
        with self.env["tma.contract"]._ledger_transaction():
            if moving:
                # Before anything else: a recording of the same tickets in
                # another transaction waits for this one, then replays.
                self._tma_lock_tickets()
            result = super().write(vals)
            if moving:
                self._tma_follow_contract()
            if reopening:
                reopening._tma_on_reopen()
            if closing:
                closing._tma_on_close(already_closed)
        return result

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("tma_contract_id"):
                self._tma_check_contract_is_active(vals["tma_contract_id"])
        tickets = super().create(vals_list)
        # A ticket created in a closing stage (history brought in) records
        # its units; it was never open, so it goes through no closing hook.
        tickets._tma_consume_on_close()
        return tickets

    # ------------------------------------------------------------------
    # Closing and reopening
    # ------------------------------------------------------------------
    def _tma_stage_moves(self, vals):
        """The tickets a write of ``vals`` moves in or out of a closing
        stage, read before the write: ``(closing, already_closed,
        reopening)``. ``closing``: the tickets whose stage changes to a
        closing one; ``already_closed``: those of them that were in another
        closing stage (cancelled, then done); ``reopening``: the tickets
        that leave a closing stage for an open one.

        The one place that works this out: :meth:`write` calls
        :meth:`_tma_on_close` and :meth:`_tma_on_reopen` with it."""
        empty = self.browse()
        if "stage_id" not in vals or not self:
            return empty, empty, empty
        stage = self.env["helpdesk.ticket.stage"].browse(vals["stage_id"] or ())
        moved = self.filtered(lambda t: t.stage_id != stage)
        if stage.closed:
            return moved, moved.filtered(lambda t: t.stage_id.closed), empty
        return empty, empty, moved.filtered(lambda t: t.stage_id.closed)

    def _tma_on_close(self, already_closed):
        """Hook: a write just moved these tickets to a closing stage, in one
        savepoint with the write (a refusal raised here rolls the whole write
        back). ``already_closed``: those of them that came from another
        closing stage; an extension that acts once per closing (a report to
        ask for, a document to file) leaves them out.

        Extended with ``super()`` by each addon: here, the units of the
        tickets are recorded where their contract records them at closing
        (one savepoint per posting)."""
        self._tma_consume_on_close()

    def _tma_on_reopen(self):
        """Hook: a write just moved these tickets from a closing stage back
        to an open one, in one savepoint with the write. Their units stay
        recorded (closing again never counts twice)."""
        return True

    # ------------------------------------------------------------------
    # Valuation and consumption
    # ------------------------------------------------------------------
    def _tma_get_valuation(self):
        """Units the ticket is worth under its contract's valuation method.

        Hook: override to add other methods.
        """
        self.ensure_one()
        contract = self.tma_contract_id
        if contract.valuation_method == "timesheet":
            return round(
                self.total_hours * contract.units_per_hour,
                contract._get_units_precision(),
            )
        rules = contract.valuation_rule_ids.filtered(
            lambda r: r.complexity == self.tma_complexity
        )
        rule = (
            rules.filtered(lambda r: r.category_id == self.category_id)[:1]
            or (rules.filtered(lambda r: not r.category_id)[:1])
        )
        return rule.units

    def _tma_lock_tickets(self):
        """Serialize the ledger work on these tickets: recording, move to
        another contract, closing.

        The rows are updated, not merely locked: a transaction that changed
        one of them after our snapshot makes this UPDATE fail with a
        serialization error, and Odoo replays the whole call on a fresh
        snapshot. The ticket's contract and entries are read again afterwards.
        """
        if not self.ids:
            return
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE helpdesk_ticket SET tma_contract_id = tma_contract_id "
                "WHERE id IN %s",
                tuple(self.ids),
            ),
            log_exceptions=False,
        )
        self.invalidate_recordset(["tma_contract_id", "tma_entry_ids"])

    def _tma_live_consumptions(self):
        """The consumption entries of these tickets that are not reversed,
        whatever their contract (read from the database)."""
        return self.env["tma.unit.entry"].search(
            [
                ("ticket_id", "in", self.ids),
                ("entry_type", "=", "consumption"),
                ("is_reversed", "=", False),
            ]
        )

    def _tma_follow_contract(self):
        """Move the live consumption of tickets that changed contract: the
        units are reversed on the old contract and posted on the new one, in
        the caller's transaction (the tickets are locked). A contract that
        cannot take them refuses the move."""
        self.flush_recordset(["tma_contract_id"])
        for entry in self._tma_live_consumptions():
            ticket = entry.ticket_id
            contract = ticket.tma_contract_id
            if entry.contract_id == contract:
                continue
            env = entry.contract_id._tma_reader_env()
            if contract:
                reason = env._(
                    "Ticket moved to contract %(contract)s.",
                    contract=contract.display_name,
                )
            else:
                reason = env._("Ticket detached from its contract.")
            # What the entry stands for, valued again by the new contract's
            # rules: a fix under warranty there only if the evolution it
            # fixes is that contract's and its warranty runs.
            units = entry._tma_worth()
            if contract and not units:
                # A fix under warranty posted before its worth was kept.
                units = ticket._tma_get_valuation()
            entry._reverse(reason)
            if (
                contract
                and float_compare(
                    units, 0.0, precision_digits=contract._get_units_precision()
                )
                > 0
            ):
                contract._post_consumption(units, ticket=ticket, note=reason)
            ticket.message_post(
                body=_(
                    "%(units)s units of work moved from contract %(old)s to %(new)s.",
                    units=units,
                    old=entry.contract_id.display_name,
                    new=contract.display_name or _("no contract"),
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _tma_consume_on_close(self):
        """Record the valuation of tickets that reached a closing stage that
        records units, on a contract that records units at closing, when they
        have no live consumption there yet (closing again never counts twice).
        A ticket worth no units is closed without consumption, with a note."""
        closing = self.filtered(
            lambda t: (
                t.tma_contract_id.consume_on_close
                and t.stage_id.closed
                and t.stage_id.tma_consume_units
            )
        )
        if not closing:
            return
        closing._tma_lock_tickets()
        consumed = closing._tma_live_consumptions()
        to_record = self.browse()
        for ticket in closing:
            contract = ticket.tma_contract_id
            if consumed.filtered(
                lambda e, t=ticket, c=contract: e.ticket_id == t and e.contract_id == c
            ):
                continue
            if (
                float_compare(
                    ticket._tma_get_valuation(),
                    0.0,
                    precision_digits=contract._get_units_precision(),
                )
                <= 0
            ):
                ticket.message_post(
                    body=_(
                        "Closed without units of work: the ticket is worth none "
                        "under the valuation of contract %(contract)s.",
                        contract=contract.display_name,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
                continue
            to_record |= ticket
        # Locked above already.
        to_record._tma_post_valuation()

    def _tma_record_consumption(self, units=None):
        """Bring the ticket's net consumption to ``units`` (default: its valuation).

        A change of value reverses the live consumption entries and posts a new
        one: posted entries are never edited. The ticket is locked first, so a
        move to another contract and a recording never run together.
        """
        self._tma_lock_tickets()
        return self._tma_post_valuation(units)

    def _tma_post_valuation(self, units=None):
        """:meth:`_tma_record_consumption` on tickets the caller has locked.

        Each ticket's posting (its checks, the reversal of its live
        consumption and the new entry, its note) runs in a savepoint of its
        own, and the batch in one more: a ticket refused rolls back the
        postings of the batch before it and raises its ``UserError``; nothing
        of the batch is left half-posted, even for a caller that catches the
        error."""
        posted = self.env["tma.unit.entry"]
        with self.env["tma.contract"]._ledger_transaction():
            for ticket in self:
                posted |= ticket._tma_post_ticket_valuation(units)
        return posted

    def _tma_post_ticket_valuation(self, units=None):
        """Post the valuation of one locked ticket, in a savepoint of its own;
        the entry posted (none when its live consumption already says so)."""
        self.ensure_one()
        contract = self.tma_contract_id
        if not contract:
            raise UserError(
                _("Ticket %(name)s has no TMA contract.", name=self.display_name)
            )
        with contract._ledger_transaction():
            contract._check_can_consume(self)
            target = self._tma_get_valuation() if units is None else units
            digits = contract._get_units_precision()
            if float_compare(target, 0.0, precision_digits=digits) <= 0:
                raise ValidationError(
                    _(
                        "Ticket %(name)s is worth no units: complete the "
                        "valuation grid or record time first.",
                        name=self.display_name,
                    )
                )
            # The ticket is locked: its live consumption cannot change under
            # us. The reversal and the new posting stand or fall together.
            live = self._tma_live_consumptions()
            if (
                len(live) == 1
                and live.contract_id == contract
                and float_compare(live._tma_worth(), target, precision_digits=digits)
                == 0
            ):
                return self.env["tma.unit.entry"]
            if live:
                live._reverse(
                    contract._tma_reader_env()._(
                        "Ticket re-valued at %(units)s units.", units=target
                    )
                )
            posted = contract._post_consumption(target, ticket=self)
            self.message_post(
                body=_(
                    "%(units)s units of work recorded on contract %(contract)s.",
                    units=target,
                    contract=contract.display_name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return posted

    def action_tma_record_consumption(self):
        self._tma_record_consumption()
        return True

    def _tma_on_intervention_report(self, title, text):
        """Hook: the intervention report of the ticket (``title``, and its
        plain ``text``) was sent to the client. ``helpdesk_ticket_register.py``
        files it in the contract's documentation register; tma_sla calls
        it."""
        self.ensure_one()
        return True
