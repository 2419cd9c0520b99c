# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The estimate of an evolutive ticket: valued with the contract's grid (or
units with a justification), sent to the client, approved or refused by it
(a party's act), its units reserved on the contract's books once approved
and consumed when the client accepts the delivery."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from .tma_client_approval_mixin import APPROVAL_ACT_FIELDS
from .utils import COMPLEXITY, ESTIMATE_STATES, ESTIMATE_TRANSITIONS

# Fields only the estimate's own methods write (never over RPC).
WORKFLOW_FIELDS = ("state", "date_sent", "date_done")
# What the provider may still change once the estimate is sent.
FREE_FIELDS = {"date_target"}


class TmaEvolutionEstimate(models.Model):
    _name = "tma.evolution.estimate"
    _description = "TMA Evolution Estimate"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "tma.client.approval.mixin",
    ]
    _order = "id desc"
    _tma_protected_fields = WORKFLOW_FIELDS
    _tma_act_fields = (*APPROVAL_ACT_FIELDS, "po_reference")
    _tma_approval_code = "estimate"
    _tma_decision_awaiting = "sent"

    name = fields.Char(string="Reference", readonly=True, copy=False, default="/")
    ticket_id = fields.Many2one(
        "helpdesk.ticket",
        required=True,
        ondelete="cascade",
        index=True,
        domain="[('tma_contract_id', '!=', False)]",
    )
    contract_id = fields.Many2one(
        "tma.contract",
        required=True,
        index=True,
        ondelete="restrict",
        compute="_compute_contract_id",
        store=True,
        readonly=True,
        precompute=True,
    )
    partner_id = fields.Many2one(related="contract_id.partner_id", store=True)
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    state = fields.Selection(
        ESTIMATE_STATES,
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    method = fields.Selection(
        [("grid", "Contract's grid"), ("free", "Units with a justification")],
        default="grid",
        required=True,
        tracking=True,
    )
    complexity = fields.Selection(COMPLEXITY, default="simple")
    category_id = fields.Many2one(
        "helpdesk.ticket.category",
        compute="_compute_category_id",
        store=True,
        readonly=False,
    )
    units = fields.Float(
        compute="_compute_units",
        store=True,
        readonly=False,
        digits="TMA Units",
        tracking=True,
        help="The grid's units for the category and complexity, or the sum of "
        "the lines, or units given with a justification.",
    )
    justification = fields.Text(
        help="Why the work is worth these units (an estimate off the grid)."
    )
    line_ids = fields.One2many(
        "tma.evolution.estimate.line", "estimate_id", string="Lines", copy=True
    )
    date_target = fields.Date(string="Target delivery date", tracking=True)
    date_sent = fields.Datetime(string="Sent on", readonly=True, copy=False)
    date_done = fields.Date(
        string="Accepted on",
        readonly=True,
        copy=False,
        help="The day the client accepted the delivery: the warranty starts.",
    )
    units_reserved = fields.Float(
        string="Units reserved",
        compute="_compute_units_reserved",
        store=True,
        digits="TMA Units",
        help="The units the approved estimate sets aside on the contract's books.",
    )
    balance = fields.Float(related="contract_id.balance", string="Contract balance")
    units_available = fields.Float(related="contract_id.units_available")
    units_left_after = fields.Float(
        string="Available after approval",
        compute="_compute_units_left_after",
        digits="TMA Units",
    )
    delivery_ids = fields.One2many(
        "tma.evolution.delivery", "estimate_id", string="Deliveries"
    )
    # The client's decision: its act
    po_reference = fields.Char(
        string="Purchase order",
        readonly=True,
        copy=False,
        help="The client's purchase order reference, given with its approval.",
    )

    # ------------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------------
    @api.depends("ticket_id")
    def _compute_contract_id(self):
        for estimate in self:
            if not estimate.contract_id:
                estimate.contract_id = estimate.ticket_id.tma_contract_id

    @api.depends("ticket_id")
    def _compute_category_id(self):
        for estimate in self:
            if not estimate.category_id:
                estimate.category_id = estimate.ticket_id.category_id

    @api.depends("method", "complexity", "category_id", "line_ids.units")
    def _compute_units(self):
        for estimate in self:
            if estimate.line_ids:
                estimate.units = sum(estimate.line_ids.mapped("units"))
            elif estimate.method == "grid":
                estimate.units = estimate._grid_units()

    def _grid_units(self):
        """The units the contract's grid gives the estimate's category and
        complexity (the rule without category when none fits)."""
        self.ensure_one()
        rules = self.contract_id.valuation_rule_ids.filtered(
            lambda r: r.complexity == self.complexity
        )
        rule = (
            rules.filtered(lambda r: r.category_id == self.category_id)[:1]
            or (rules.filtered(lambda r: not r.category_id)[:1])
        )
        return rule.units

    @api.depends("state", "units")
    def _compute_units_reserved(self):
        for estimate in self:
            estimate.units_reserved = (
                estimate.units if estimate.state == "approved" else 0.0
            )

    @api.depends("units", "units_available", "state")
    def _compute_units_left_after(self):
        for estimate in self:
            left = estimate.contract_id.units_available
            if estimate.state not in ("approved", "accepted"):
                left -= estimate.units
            estimate.units_left_after = left

    @api.constrains("ticket_id", "contract_id")
    def _check_ticket(self):
        for estimate in self:
            if not estimate.contract_id:
                raise ValidationError(
                    _(
                        "Ticket %(ticket)s has no TMA contract: it cannot be "
                        "estimated.",
                        ticket=estimate.ticket_id.display_name,
                    )
                )
            if estimate.ticket_id.tma_contract_id != estimate.contract_id:
                raise ValidationError(
                    _("An estimate belongs to the contract of its ticket.")
                )

    @api.constrains("units")
    def _check_units(self):
        for estimate in self:
            if estimate.units < 0:
                raise ValidationError(_("An estimate cannot be negative."))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._tma_check_protected(vals)
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "tma.evolution.estimate"
                )
        return super().create(vals_list)

    def write(self, vals):
        self._tma_check_protected(vals)
        if "state" in vals:
            self._check_transition(vals["state"])
        if (
            not self._tma_is_engine()
            and not self._tma_is_act_writer()
            and set(vals) - FREE_FIELDS - {"message_main_attachment_id"}
        ):
            locked = self.filtered(lambda e: e.state != "draft")
            if locked:
                raise UserError(
                    _(
                        "Estimate %(name)s was sent to the client: it cannot "
                        "change. Draft a new estimate, which supersedes it.",
                        name=locked[0].name,
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        if any(e.state != "draft" for e in self):
            raise UserError(_("Only draft estimates can be deleted."))

    def _check_transition(self, state):
        """The one table of moves (``ESTIMATE_TRANSITIONS``), for everybody."""
        labels = dict(self._fields["state"]._description_selection(self.env))
        for estimate in self.sudo():
            if estimate.state == state:
                continue
            if state not in ESTIMATE_TRANSITIONS[estimate.state]:
                raise UserError(
                    _(
                        "Estimate %(name)s cannot go from %(from)s to %(to)s.",
                        name=estimate.name,
                        **{"from": labels[estimate.state], "to": labels[state]},
                    )
                )

    def _check_draft_lines(self):
        """The lines of a sent estimate are what the client read: fixed."""
        if any(e.state != "draft" for e in self):
            raise UserError(
                _("The lines of an estimate sent to the client cannot change.")
            )

    def _set_workflow(self, vals):
        return self._tma_engine().write(vals)

    # ------------------------------------------------------------------
    # Actions of the provider
    # ------------------------------------------------------------------
    def action_send(self):
        """Send the estimate to the client; a draft or sent estimate of the
        same ticket is superseded now (an approved one when this one is
        approved)."""
        for estimate in self:
            if estimate.state != "draft":
                raise UserError(_("Only a draft estimate can be sent to the client."))
            digits = estimate.contract_id._get_units_precision()
            if float_compare(estimate.units, 0.0, precision_digits=digits) <= 0:
                raise UserError(
                    _(
                        "Estimate %(name)s is worth no units: complete the grid "
                        "or give the units.",
                        name=estimate.name,
                    )
                )
            if estimate.method == "free" and not (estimate.justification or "").strip():
                raise UserError(
                    _("An estimate off the grid needs a justification of its units.")
                )
            estimate.contract_id._check_can_consume(estimate.ticket_id)
            older = estimate._others().filtered(lambda e: e.state in ("draft", "sent"))
            older._set_workflow({"state": "superseded"})
            estimate._set_workflow(
                {"state": "sent", "date_sent": fields.Datetime.now()}
            )
            estimate.ticket_id.message_post(
                body=_(
                    "Estimate %(name)s: %(units)s units, awaits your approval.",
                    name=estimate.name,
                    units=estimate.units,
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=estimate.ticket_id.partner_id.ids,
            )
        return True

    def _others(self):
        """The other estimates of the same ticket."""
        self.ensure_one()
        return self.search(
            [("ticket_id", "=", self.ticket_id.id), ("id", "!=", self.id)]
        )

    def action_cancel(self):
        """Cancel the estimate: its reservation, if any, is released."""
        for estimate in self:
            if estimate.state == "approved" and estimate.delivery_ids.filtered(
                lambda d: d.state == "delivered"
            ):
                raise UserError(
                    _(
                        "Estimate %(name)s has a delivery in acceptance: the "
                        "client accepts or rejects it first.",
                        name=estimate.name,
                    )
                )
        self._set_workflow({"state": "cancelled"})
        return True

    def action_deliver(self):
        """Open the delivery of the approved estimate's work."""
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": _("Deliver"),
            "res_model": "tma.evolution.delivery",
            "view_mode": "form",
            "target": "new",
            "context": {"default_estimate_id": self.id},
        }

    # ------------------------------------------------------------------
    # The client's decision: a party's act
    # ------------------------------------------------------------------
    def _tma_act_thread(self):
        return self.ticket_id

    def _tma_act_label(self, code):
        if code == "estimate_refusal":
            return _("refuse the estimates of its evolutions")
        return _("approve the estimates of its evolutions")

    def _tma_decision_not_awaiting(self):
        return _("Estimate %(name)s does not await approval.", name=self.name)

    def _tma_decision_transaction(self):
        return self.contract_id._ledger_transaction()

    def _tma_before_decision(self, decision):
        """An approval reserves the units under the contract's ledger lock,
        within the available balance: parallel approvals and consumptions
        reserve and draw one after the other."""
        if decision != "approve":
            return
        contract = self.contract_id
        contract._lock_ledger()
        previous = self._others().filtered(lambda e: e.state == "approved")
        contract._check_can_reserve(self.units, exclude_estimate=previous)
        previous._set_workflow({"state": "superseded"})

    def _tma_decision_message(self, decision, **params):
        if decision == "approve":
            return _(
                "Estimate %(name)s approved by %(partner)s: %(units)s units reserved.",
                units=self.units,
                **params,
            )
        return _("Estimate %(name)s refused by %(partner)s. %(comment)s", **params)

    def _approve(
        self, partner, po_reference=None, on_behalf_reason=None, evidence=None
    ):
        """The client approves, through ``partner`` (one of its contacts),
        with an optional purchase order reference: the units are reserved
        and the work may start (:meth:`_tma_decide`)."""
        self._tma_decide(
            "approve",
            partner,
            values={"po_reference": (po_reference or "").strip() or False},
            on_behalf_reason=on_behalf_reason,
            evidence=evidence,
        )
        return self

    def _refuse(self, partner, comment=None, on_behalf_reason=None, evidence=None):
        """The client refuses, through ``partner``, with an optional
        ``comment``; same rules as :meth:`_approve`."""
        self._tma_decide(
            "refuse",
            partner,
            comment,
            on_behalf_reason=on_behalf_reason,
            evidence=evidence,
        )
        return self
