# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, models


class RatingRating(models.Model):
    """A client's rating of a ticket under contract is the client's act
    (``tma.party.act.mixin``): given by the client's contacts only (or
    recorded on their behalf by a TMA manager), journaled, and immutable
    once given; rating again is a new rating."""

    _name = "rating.rating"
    _inherit = ["rating.rating", "tma.party.act.mixin"]

    _tma_act_fields = ("rating", "feedback", "consumed")

    def _tma_act_applies(self):
        tickets = self.filtered(lambda r: r.res_model == "helpdesk.ticket")
        if not tickets:
            return tickets
        under_contract = (
            self.env["helpdesk.ticket"]
            .sudo()
            .browse(tickets.mapped("res_id"))
            .exists()
            .filtered("tma_contract_id")
        )
        return tickets.filtered(lambda r: r.res_id in under_contract.ids)

    def unlink(self):
        # Checked before the host deletes the rating's chatter message, whose
        # deletion cascades to the rating itself.
        self._unlink_except_act_made()
        return super().unlink()

    def _tma_act_ticket(self):
        self.ensure_one()
        return self.env["helpdesk.ticket"].sudo().browse(self.res_id)

    def _tma_act_party(self):
        return self._tma_act_ticket().partner_id.commercial_partner_id

    def _tma_act_contract(self):
        return self._tma_act_ticket().tma_contract_id

    def _tma_act_label(self, code):
        return _("rate its tickets")

    def _tma_act_thread(self):
        return self._tma_act_ticket()

    def _tma_act_on_behalf(self, act, on_behalf_reason, evidence, **details):
        """``act``: "rate", with the client's ``rate`` (1, 3 or 5) and its
        ``comment``, given by ``partner`` (the rating's contact when
        empty)."""
        if act != "rate":
            return super()._tma_act_on_behalf(
                act, on_behalf_reason, evidence, **details
            )
        return self._tma_act_ticket()._tma_portal_rate(
            details.get("partner") or self.partner_id,
            int(details.get("rate") or 0),
            feedback=details.get("comment"),
            on_behalf_reason=on_behalf_reason,
            evidence=evidence,
        )

    def _tma_record_act(
        self, code, values, partner=None, on_behalf_reason=None, evidence=None
    ):
        """The rating, journaled, then its confirmation to the client (with
        the journal's entry) on the ticket."""
        entry = super()._tma_record_act(
            code,
            values,
            partner=partner,
            on_behalf_reason=on_behalf_reason,
            evidence=evidence,
        )
        self._tma_act_confirm(
            _(
                "Your rating of %(ticket)s (%(rating)s/5) is recorded.",
                ticket=self._tma_act_ticket().display_name,
                rating=int(self.sudo().rating),
            )
        )
        return entry
