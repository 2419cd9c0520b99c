# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A delivery of an approved evolution to the client, on an environment
(acceptance by default). The client accepts it (the *procès-verbal de
recette*, a party's act, which consumes the approved units) or rejects it
with the anomalies found (the ticket goes back to work)."""

import logging
from datetime import timedelta

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_compare

from .utils import DELIVERY_STATES

_logger = logging.getLogger(__name__)

WORKFLOW_FIELDS = ("state", "entry_id")


class TmaEvolutionDelivery(models.Model):
    _name = "tma.evolution.delivery"
    _description = "TMA Evolution Delivery"
    _inherit = [
        "mail.thread",
        "tma.client.decision.mixin",
    ]
    _order = "id desc"
    _tma_protected_fields = WORKFLOW_FIELDS
    _tma_act_fields = (
        "accepted_by_id",
        "date_accepted",
        "date_rejected",
        "anomalies",
        "accepted_by_silence",
    )
    _tma_decision_awaiting = "delivered"
    _tma_decisions = {
        "accept": {
            "code": "delivery_acceptance",
            "state": "accepted",
            "user": "accepted_by_id",
            "date": "date_accepted",
        },
        "reject": {
            "code": "delivery_rejection",
            "state": "rejected",
            "date": "date_rejected",
            "comment": "anomalies",
        },
    }

    name = fields.Char(string="Reference", readonly=True, copy=False, default="/")
    estimate_id = fields.Many2one(
        "tma.evolution.estimate",
        required=True,
        ondelete="restrict",
        index=True,
        domain="[('state', '=', 'approved')]",
    )
    ticket_id = fields.Many2one(related="estimate_id.ticket_id", store=True)
    contract_id = fields.Many2one(related="estimate_id.contract_id", store=True)
    partner_id = fields.Many2one(related="estimate_id.partner_id", store=True)
    company_id = fields.Many2one(related="estimate_id.company_id", store=True)
    state = fields.Selection(
        DELIVERY_STATES,
        default="delivered",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    environment_id = fields.Many2one(
        "tma.application.environment",
        compute="_compute_environment_id",
        store=True,
        readonly=False,
        help="Where the client tests the delivery: the application's "
        "acceptance environment by default.",
    )
    date_delivered = fields.Date(
        string="Delivered on", default=fields.Date.context_today, required=True
    )
    units = fields.Float(
        string="Units delivered",
        compute="_compute_units",
        store=True,
        readonly=False,
        digits="TMA Units",
        help="The units the work took, at most the approved estimate's: "
        "accepting the delivery consumes them and releases the rest.",
    )
    notes = fields.Text(string="Delivery notes")
    entry_id = fields.Many2one(
        "tma.unit.entry", string="Consumption", readonly=True, copy=False
    )
    # The client's acceptance: its act
    accepted_by_id = fields.Many2one(
        "res.users", string="Accepted by", readonly=True, copy=False
    )
    date_accepted = fields.Datetime(string="Accepted on", readonly=True, copy=False)
    date_rejected = fields.Datetime(string="Rejected on", readonly=True, copy=False)
    anomalies = fields.Text(
        readonly=True, copy=False, help="The anomalies the client found."
    )
    accepted_by_silence = fields.Boolean(
        string="Accepted by silence",
        readonly=True,
        copy=False,
        help="The client neither accepted nor rejected the delivery within "
        "the contract's days: accepted by silence.",
    )

    @api.depends("estimate_id")
    def _compute_environment_id(self):
        for delivery in self:
            if delivery.environment_id:
                continue
            application = delivery.ticket_id.tma_application_id
            environments = application.environment_ids if application else []
            delivery.environment_id = next(
                (e for e in environments if e.environment_type == "acceptance"),
                False,
            )

    @api.depends("estimate_id.units")
    def _compute_units(self):
        for delivery in self:
            if not delivery.units:
                delivery.units = delivery.estimate_id.units

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._tma_check_protected(vals)
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "tma.evolution.delivery"
                )
        deliveries = super().create(vals_list)
        deliveries._check_deliverable()
        for delivery in deliveries:
            delivery.ticket_id.message_post(
                body=_(
                    "Delivery %(name)s (%(units)s units) awaits your acceptance "
                    "on %(environment)s.",
                    name=delivery.name,
                    units=delivery.units,
                    environment=delivery.environment_id.name
                    or _("the agreed environment"),
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=delivery.ticket_id.partner_id.ids,
            )
        return deliveries

    def write(self, vals):
        self._tma_check_protected(vals)
        if (
            not self._tma_is_engine()
            and not self._tma_is_act_writer()
            and self.filtered(lambda d: d.state != "delivered")
        ):
            raise UserError(_("The client decided on this delivery: it is fixed."))
        result = super().write(vals)
        if {"units", "estimate_id"} & set(vals):
            self._check_deliverable()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_decided(self):
        if any(d.state != "delivered" for d in self):
            raise UserError(_("The client decided on this delivery: it is fixed."))

    def _check_deliverable(self):
        """A delivery is of an approved estimate, one at a time, and within
        its units: more needs a new estimate approved first."""
        for delivery in self:
            estimate = delivery.estimate_id
            if estimate.state != "approved":
                raise UserError(
                    _(
                        "Estimate %(name)s is not approved: its work cannot be "
                        "delivered.",
                        name=estimate.name,
                    )
                )
            pending = estimate.delivery_ids.filtered(
                lambda d, this=delivery: d.state == "delivered" and d != this
            )
            if pending:
                raise UserError(
                    _(
                        "Delivery %(name)s awaits the client's acceptance already.",
                        name=pending[0].name,
                    )
                )
            digits = estimate.contract_id._get_units_precision()
            if float_compare(delivery.units, 0.0, precision_digits=digits) <= 0:
                raise ValidationError(_("A delivery is worth some units."))
            if (
                float_compare(delivery.units, estimate.units, precision_digits=digits)
                > 0
            ):
                raise UserError(
                    _(
                        "The work took %(units)s units, beyond the %(approved)s "
                        "of estimate %(name)s: send the client a new estimate "
                        "and have it approved first.",
                        units=delivery.units,
                        approved=estimate.units,
                        name=estimate.name,
                    )
                )

    # ------------------------------------------------------------------
    # The client's acceptance: a party's act
    # ------------------------------------------------------------------
    def _tma_act_thread(self):
        return self.ticket_id

    def _tma_act_label(self, code):
        if code == "delivery_rejection":
            return _("reject the deliveries of its evolutions")
        return _("accept the deliveries of its evolutions")

    def _tma_decision_not_awaiting(self):
        return _("Delivery %(name)s does not await acceptance.", name=self.name)

    def _tma_check_decision(self, decision, comment):
        if decision == "reject" and not comment:
            raise UserError(_("Describe the anomalies you found."))

    def _tma_decision_transaction(self):
        return self.env["tma.contract"]._ledger_transaction()

    def _tma_after_decision(self, decision):
        """Acceptance consumes the delivered units (the reservation becomes
        a ledger entry, through the ticket's posting) and the estimate is
        done; a rejection sends the ticket back to work."""
        if decision == "reject":
            self.ticket_id.sudo()._tma_back_to_work()
            return
        entry = self.ticket_id.sudo()._tma_record_consumption(self.units)
        self._tma_engine().write({"entry_id": entry[:1].id})
        self.estimate_id._set_workflow(
            {"state": "accepted", "date_done": fields.Date.context_today(self)}
        )

    def _tma_decision_message(self, decision, **params):
        if decision == "reject":
            return _(
                "Delivery %(name)s rejected by %(partner)s: %(anomalies)s",
                anomalies=params["comment"],
                **params,
            )
        if self.sudo().accepted_by_silence:
            return _(
                "Delivery %(name)s accepted by silence: %(units)s units consumed.",
                units=self.units,
                **params,
            )
        return _(
            "Delivery %(name)s accepted by %(partner)s: %(units)s units consumed.",
            units=self.units,
            **params,
        )

    def _accept(self, partner, on_behalf_reason=None, evidence=None, silence=False):
        """The client accepts the delivery, through ``partner``: the
        delivered units are consumed on the contract, the rest of the
        estimate is released and the warranty starts
        (:meth:`_tma_decide`). ``silence``: the contract's days passed
        without an answer (the system records it)."""
        self._tma_decide(
            "accept",
            partner,
            values={"accepted_by_silence": silence},
            on_behalf_reason=on_behalf_reason,
            evidence=evidence,
        )
        return self

    def _reject(self, partner, anomalies, on_behalf_reason=None, evidence=None):
        """The client rejects the delivery with the ``anomalies`` it found:
        the ticket goes back to work, the units stay reserved."""
        self._tma_decide(
            "reject",
            partner,
            anomalies,
            on_behalf_reason=on_behalf_reason,
            evidence=evidence,
        )
        return self

    def _get_report_base_filename(self):
        """The name of the acceptance report's file (the portal's download
        names the PDF after it)."""
        self.ensure_one()
        return _("Acceptance report %(name)s", name=self.name)

    def action_print_acceptance(self):
        """The procès-verbal de recette, as PDF."""
        self.check_access("read")
        return self.env.ref("tma_contract.action_report_tma_acceptance").report_action(
            self
        )

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------
    @api.model
    def _cron_accept_by_silence(self, batch_size=100):
        """Accept, by silence, the deliveries the client left unanswered for
        its contract's ``acceptance_silence_days``. Idempotent: only a
        delivery still in acceptance is accepted, under its row lock (a
        second run finds it accepted); one delivery refused does not stop
        the others."""
        today = fields.Date.context_today(self)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT d.id, c.acceptance_silence_days, d.date_delivered
                     FROM tma_evolution_delivery d
                     JOIN tma_contract c ON c.id = d.contract_id
                    WHERE d.state = 'delivered'
                      AND c.acceptance_silence_days > 0
                    ORDER BY d.id""",
            )
        )
        due = [
            delivery_id
            for delivery_id, days, delivered in self.env.cr.fetchall()
            if delivered + timedelta(days=days) <= today
        ]
        system = self.with_user(SUPERUSER_ID)
        done = system.browse()
        for delivery in system.browse(due[:batch_size]):
            try:
                with self.env.cr.savepoint():
                    delivery._accept(delivery.contract_id.partner_id, silence=True)
            except UserError as error:
                _logger.warning(
                    "Delivery %s not accepted by silence: %s", delivery.name, error
                )
                continue
            done |= delivery
        return done
