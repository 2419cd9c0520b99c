# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# pylint: disable=consider-merging-classes-inherited
"""Evolutive work on a ticket: its estimates, no work before the client
approves one, its deliveries, and the warranty of a delivered evolution."""

from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

# The evolutions pipeline, in its order: "under warranty" is an accepted
# evolution with a defect reported within its warranty still open.
EVOLUTION_STATES = [
    ("to_estimate", "To estimate"),
    ("awaiting", "Awaiting approval"),
    ("approved", "Approved"),
    ("in_progress", "In progress"),
    ("in_acceptance", "In acceptance"),
    ("accepted", "Accepted"),
    ("warranty", "Under warranty"),
]


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    tma_estimate_ids = fields.One2many(
        "tma.evolution.estimate", "ticket_id", string="Estimates"
    )
    tma_delivery_ids = fields.One2many(
        "tma.evolution.delivery", "ticket_id", string="Deliveries"
    )
    tma_estimate_id = fields.Many2one(
        "tma.evolution.estimate",
        string="Current estimate",
        compute="_compute_tma_evolution",
        help="The estimate the client approved, or awaits to decide on.",
    )
    tma_quotation_id = fields.Many2one(
        "sale.order",
        compute="_compute_tma_evolution",
        string="Quotation",
        help="The quotation of the evolution, on a fixed price contract when "
        "it is outside the fixed scope.",
    )
    tma_needs_estimate = fields.Boolean(
        string="Needs an approved estimate",
        compute="_compute_tma_needs_estimate",
    )
    tma_evolution_state = fields.Selection(
        EVOLUTION_STATES,
        string="Evolution",
        compute="_compute_tma_evolution_state",
        store=True,
        index="btree_not_null",
        group_expand=True,
        help="Where the evolution stands: to estimate, awaiting the client's "
        "approval, approved (its units reserved), in progress (in a work "
        "stage), in acceptance (delivered), accepted, or under warranty (a "
        "defect reported within its warranty is being fixed).",
    )
    tma_evolution_units_reserved = fields.Float(
        string="Units reserved",
        compute="_compute_tma_evolution_state",
        store=True,
        digits="TMA Units",
        help="The units the approved estimate of the evolution sets aside on "
        "the contract's books.",
    )
    tma_evolution_warranty_end = fields.Date(
        string="Warranty ends on",
        compute="_compute_tma_evolution_warranty_end",
        store=True,
        help="The last day a defect of the accepted evolution is fixed at no charge.",
    )
    tma_warranty_defect_ids = fields.One2many(
        "helpdesk.ticket", "tma_warranty_of_id", string="Defects under warranty"
    )
    tma_estimate_count = fields.Integer(
        string="Number of estimates", compute="_compute_tma_evolution"
    )
    tma_warranty_of_id = fields.Many2one(
        "helpdesk.ticket",
        string="Defect of the evolution",
        index="btree_not_null",
        domain="[('tma_contract_id', '=', tma_contract_id), "
        "('tma_estimate_ids.state', '=', 'accepted')]",
        help="The delivered evolution this ticket reports a defect of: "
        "within the contract's warranty, it is fixed at no charge.",
    )
    tma_warranty_until = fields.Date(
        string="Warranty until", compute="_compute_tma_warranty"
    )
    tma_under_warranty = fields.Boolean(
        string="Under warranty", compute="_compute_tma_warranty"
    )

    @api.depends(
        "tma_contract_id.estimate_approval",
        "tma_maintenance_type_id.requires_estimate",
    )
    def _compute_tma_needs_estimate(self):
        for ticket in self:
            ticket.tma_needs_estimate = bool(
                ticket.tma_contract_id.estimate_approval
                and ticket.tma_maintenance_type_id.requires_estimate
            )

    @api.depends(
        "tma_estimate_ids.state",
        "tma_estimate_ids.sale_order_id",
        "tma_delivery_ids.state",
    )
    def _compute_tma_evolution(self):
        for ticket in self:
            estimates = ticket.tma_estimate_ids
            live = estimates.filtered(
                lambda e: e.state in ("sent", "approved", "accepted")
            ).sorted("id", reverse=True)
            current = (
                live.filtered(lambda e: e.state == "approved")[:1]
                or live.filtered(lambda e: e.state == "accepted")[:1]
                or live[:1]
            )
            ticket.tma_estimate_id = current
            ticket.tma_quotation_id = current.sale_order_id
            ticket.tma_estimate_count = len(estimates)

    @api.depends(
        "tma_needs_estimate",
        "stage_id.tma_work_stage",
        "tma_estimate_ids.state",
        "tma_estimate_ids.units_reserved",
        "tma_delivery_ids.state",
        "tma_warranty_defect_ids.closed",
        "tma_warranty_defect_ids.tma_under_warranty",
    )
    def _compute_tma_evolution_state(self):
        for ticket in self:
            current = ticket.tma_estimate_id
            if current.state == "accepted":
                fixing = ticket.tma_warranty_defect_ids.filtered(
                    lambda d: not d.closed and d.tma_under_warranty
                )
                state = "warranty" if fixing else "accepted"
            elif current.state == "approved":
                if current.delivery_ids.filtered(lambda d: d.state == "delivered"):
                    state = "in_acceptance"
                elif ticket.stage_id.tma_work_stage:
                    state = "in_progress"
                else:
                    state = "approved"
            elif current.state == "sent":
                state = "awaiting"
            else:
                state = "to_estimate" if ticket.tma_needs_estimate else False
            ticket.tma_evolution_state = state
            ticket.tma_evolution_units_reserved = sum(
                ticket.tma_estimate_ids.mapped("units_reserved")
            )

    @api.depends("tma_estimate_ids.date_done", "tma_contract_id.warranty_days")
    def _compute_tma_evolution_warranty_end(self):
        for ticket in self:
            done = max(
                ticket.tma_estimate_ids.filtered("date_done").mapped("date_done"),
                default=False,
            )
            days = ticket.tma_contract_id.warranty_days
            ticket.tma_evolution_warranty_end = (
                done + timedelta(days=days) if done and days else False
            )

    @api.depends(
        "tma_warranty_of_id.tma_estimate_ids.date_done",
        "tma_warranty_of_id.tma_contract_id",
        "tma_contract_id.warranty_days",
        "create_date",
    )
    def _compute_tma_warranty(self):
        for ticket in self:
            evolution = ticket.tma_warranty_of_id
            accepted = evolution.tma_estimate_ids.filtered("date_done").sorted(
                "date_done", reverse=True
            )[:1]
            days = ticket.tma_contract_id.warranty_days
            # The warranty is the one of the contract the evolution was
            # delivered on: a defect moved to another contract has none there.
            until = (
                accepted.date_done + timedelta(days=days)
                if accepted
                and days
                and evolution.tma_contract_id == ticket.tma_contract_id
                else False
            )
            ticket.tma_warranty_until = until
            # The day it was reported, in the user's time zone, as the day
            # the evolution was accepted.
            ticket.tma_under_warranty = bool(
                until and fields.Date.context_today(ticket, ticket.create_date) <= until
            )

    # ------------------------------------------------------------------
    # No work before approval
    # ------------------------------------------------------------------
    def write(self, vals):
        if vals.get("stage_id"):
            self._tma_check_work_approved(
                self.env["helpdesk.ticket.stage"].browse(vals["stage_id"])
            )
        if "tma_warranty_of_id" in vals:
            self._tma_check_warranty_unposted()
        return super().write(vals)

    def _tma_check_work_approved(self, stage):
        """Refuse to move a ticket that needs an approved estimate to a work
        stage before the client approved one, or to a closing stage that
        records units before it accepted the delivery."""
        work = stage.tma_work_stage
        closing = stage.closed and stage.tma_consume_units
        if not (work or closing):
            return
        for ticket in self.filtered("tma_needs_estimate"):
            if ticket.stage_id == stage:
                continue
            states = set(ticket.tma_estimate_ids.mapped("state"))
            if closing and "accepted" not in states:
                raise UserError(
                    _(
                        "Ticket %(ticket)s is an evolution: it closes once the "
                        "client accepted its delivery.",
                        ticket=ticket.display_name,
                    )
                )
            if work and not states & {"approved", "accepted"}:
                raise UserError(
                    _(
                        "Ticket %(ticket)s needs an estimate approved by the "
                        "client before work starts.",
                        ticket=ticket.display_name,
                    )
                )

    def _tma_check_warranty_unposted(self):
        if self._tma_live_consumptions():
            raise UserError(
                _(
                    "The units of this ticket are recorded: the evolution it "
                    "is a defect of cannot change."
                )
            )

    def _tma_back_to_work(self):
        """After a rejected delivery: back to the team's first work stage."""
        for ticket in self:
            stage = ticket.team_id._get_applicable_stages().filtered("tma_work_stage")[
                :1
            ]
            if stage and ticket.stage_id != stage:
                ticket.stage_id = stage

    # ------------------------------------------------------------------
    # Valuation
    # ------------------------------------------------------------------
    def _tma_get_valuation(self):
        """An accepted evolution is worth its accepted delivery's units."""
        delivery = self.tma_delivery_ids.filtered(lambda d: d.state == "accepted")[:1]
        if delivery:
            return delivery.units
        return super()._tma_get_valuation()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_tma_new_estimate(self):
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": _("Estimate"),
            "res_model": "tma.evolution.estimate",
            "view_mode": "form",
            "context": {
                "default_ticket_id": self.id,
                "default_complexity": self.tma_complexity,
            },
        }

    def action_tma_view_estimates(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "tma_contract.tma_evolution_estimate_action"
        )
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {
            "default_ticket_id": self.id,
            "default_complexity": self.tma_complexity,
        }
        return action
