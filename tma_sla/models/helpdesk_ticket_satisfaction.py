# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.tma_contract.models.tma_party_act_mixin import ACT_SENTINEL

from .utils import LOW_RATING, RATING_SATISFIED


class HelpdeskTicket(models.Model):
    """The client's satisfaction with the tickets (ratings) and the
    improvement actions they give rise to."""

    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Satisfaction and improvement actions
    # ------------------------------------------------------------------
    tma_action_ids = fields.One2many(
        "tma.improvement.action", "ticket_id", string="Improvement actions"
    )
    tma_action_count = fields.Integer(
        string="Improvement action count", compute="_compute_tma_action_count"
    )

    def _compute_tma_action_count(self):
        groups = self.env["tma.improvement.action"]._read_group(
            [("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"]
        )
        counts = {ticket.id: n for ticket, n in groups}
        for ticket in self:
            ticket.tma_action_count = counts.get(ticket.id, 0)

    # ------------------------------------------------------------------
    # Satisfaction
    # ------------------------------------------------------------------
    # The stored rating figures of a new ticket are computed before its
    # INSERT, on the new record, which has no rating yet: no query (once
    # saved, rating.mixin's last rating and the satisfied share below each
    # ask the ratings with a grouped query). Ratings given later recompute
    # them as before.
    rating_last_value = fields.Float(
        compute="_compute_rating_last_value", store=True, precompute=True
    )
    positive_rate_percentage = fields.Integer(
        compute="_compute_percentage", store=True, precompute=True
    )

    @api.depends("rating_ids.rating")
    def _compute_percentage(self):
        """Share of satisfied ratings of each ticket (helpdesk_mgmt_rating's
        figure, -1 without rating), in one query for the whole batch: the
        original asks the ratings of each ticket on its own, which costs one
        query per ticket when tickets are created in bulk."""
        stats = defaultdict(lambda: [0, 0])
        saved = self.filtered("id")
        if saved:
            groups = (
                self.env["rating.rating"]
                .sudo()
                ._read_group(
                    [
                        ("res_model", "=", self._name),
                        ("res_id", "in", saved.ids),
                        ("consumed", "=", True),
                        ("rating", ">=", 1),
                    ],
                    ["res_id", "rating"],
                    ["__count"],
                )
            )
            for res_id, rating, count in groups:
                stats[res_id][1] += count
                if rating >= RATING_SATISFIED:
                    stats[res_id][0] += count
        for ticket in self:
            great, total = stats[ticket.id] if ticket.id else (0, 0)
            ticket.positive_rate_percentage = great * 100 / total if total else -1

    def _rating_get_operator(self):
        """The person the client rates, and whom the rating request of a
        closed ticket comes from: the engineer who took the ticket, else the
        contract's account manager, else the provider. A ticket nobody took
        is closed all the same (without a sender the request, sent as the
        ticket closes, refused the closing)."""
        operator = super()._rating_get_operator()
        if operator.email:
            return operator
        return (
            self.tma_contract_id.user_id.partner_id.filtered("email")
            or self.company_id.partner_id.filtered("email")
            or operator
        )

    def rating_apply(
        self,
        rate,
        token=None,
        rating=None,
        feedback=None,
        subtype_xmlid=None,
        notify_delay_send=False,
    ):
        """A low rating of a contract's ticket proposes an improvement action
        (state *proposed*, for the account manager to accept or cancel).

        The rating of a ticket under contract is the client's act
        (``tma.party.act.mixin``): given here by the link of the rating
        request (the public user, for the contact it was sent to) or by a
        user of the client; :meth:`_tma_portal_rate` records it itself."""
        if token:
            rating = (
                self.env["rating.rating"]
                .sudo()
                .search([("access_token", "=", token)], limit=1)
            )
            token = None
        if rating and not rating._tma_is_act_writer() and rating._tma_act_applies():
            by_link = self.env.uid == SUPERUSER_ID or self.env.user._is_public()
            rating._tma_record_act(
                "ticket_rating",
                {"rating": rate, "feedback": feedback or False, "consumed": True},
                partner=rating.partner_id if by_link else None,
            )
            rating = rating.with_context(tma_act_sentinel=ACT_SENTINEL)
        rating = super().rating_apply(
            rate,
            token=token,
            rating=rating,
            feedback=feedback,
            subtype_xmlid=subtype_xmlid,
            notify_delay_send=notify_delay_send,
        )
        if rating and 0 < rating.rating <= LOW_RATING:
            self._tma_propose_action_from_rating(rating)
        # The caller gets the rating without the right to write the act.
        return rating and rating.with_context(tma_act_sentinel=None)

    def _tma_propose_action_from_rating(self, rating):
        Action = self.env["tma.improvement.action"].sudo()
        for ticket in self.filtered("tma_contract_id"):
            if Action.search_count([("rating_id", "=", rating.id)]):
                continue
            Action.create(
                Action._prepare_from_ticket_values(ticket, "rating", rating=rating)
            )

    def _tma_portal_rate(
        self, partner, rate, feedback=None, on_behalf_reason=None, evidence=None
    ):
        """Rate the ticket from the client's portal on behalf of ``partner``
        (one of the client's contacts): the pending rating request is used,
        or one is created. Refused on an open ticket, on a ticket of another
        client and for a value other than 1, 3 or 5.

        The rating is the client's act (``tma.party.act.mixin``): made by the
        current user when it is ``partner``'s, or recorded on the client's
        behalf by a TMA manager with ``on_behalf_reason`` and ``evidence``
        (an attachment). Rating again gives a new rating."""
        self.ensure_one()
        if rate not in (1, 3, 5):
            raise UserError(_("A rating is 1, 3 or 5."))
        if not self.stage_id.closed:
            raise UserError(_("Only a closed ticket can be rated."))
        client = self.partner_id.commercial_partner_id
        if not client or partner.commercial_partner_id != client:
            raise UserError(_("Only the client's contacts rate its tickets."))
        ticket = self.sudo()
        rating = ticket._tma_pending_rating(partner)
        if rating._tma_act_applies():
            rating._tma_record_act(
                "ticket_rating",
                {"rating": rate, "feedback": feedback or False, "consumed": True},
                partner=partner,
                on_behalf_reason=on_behalf_reason,
                evidence=evidence,
            )
            rating = rating.with_context(tma_act_sentinel=ACT_SENTINEL)
        return ticket.rating_apply(rate, rating=rating, feedback=feedback)

    def action_tma_rate_on_behalf(self):
        """Backend button: a TMA manager records the rating the client gave
        outside the portal (on paper, by email), with the piece of evidence,
        on the ticket's pending rating request (one is made for the ticket's
        contact when there is none)."""
        self.ensure_one()
        if not self.stage_id.closed:
            raise UserError(_("Only a closed ticket can be rated."))
        ticket = self.sudo()
        rating = ticket._tma_pending_rating(ticket.partner_id)
        return rating.with_context(tma_act="rate").action_tma_act_on_behalf()

    def _tma_pending_rating(self, partner):
        """The ticket's rating request not answered yet, or a new one for
        ``partner`` (as superuser)."""
        self.ensure_one()
        rating = self.rating_ids.filtered(lambda r: not r.consumed)[:1]
        if not rating:
            token = self._rating_get_access_token(partner=partner)
            rating = (
                self.env["rating.rating"].sudo().search([("access_token", "=", token)])
            )
        return rating

    # ------------------------------------------------------------------
    # Improvement actions
    # ------------------------------------------------------------------
    def action_tma_create_improvement_action(self):
        """Create the improvement action of this ticket in one click: its
        origin is a breach when one of its commitments was breached, a low
        rating when it was rated low, a recurring incident otherwise; the
        form opens on it."""
        self.ensure_one()
        if not self.tma_contract_id:
            raise UserError(_("This ticket is not under a TMA contract."))
        low = self.rating_ids.filtered(lambda r: r.consumed and r.rating <= LOW_RATING)
        if self.tma_sla_timer_ids.filtered(lambda t: t.status == "breached"):
            origin = "breach"
        elif low:
            origin = "rating"
        else:
            origin = "recurring"
        Action = self.env["tma.improvement.action"]
        action = Action.create(
            Action._prepare_from_ticket_values(self, origin, rating=low[:1])
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": action._name,
            "res_id": action.id,
            "view_mode": "form",
        }

    def action_tma_view_improvement_actions(self):
        self.ensure_one()
        return self.tma_contract_id._action_open(
            "tma_sla.tma_improvement_action_action",
            [("ticket_id", "=", self.id)],
            {
                "default_ticket_id": self.id,
                "default_contract_id": self.tma_contract_id.id,
            },
        )
