# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class HelpdeskTicketStage(models.Model):
    _inherit = "helpdesk.ticket.stage"

    def write(self, vals):
        result = super().write(vals)
        if "active" in vals:
            # Archived stages are no policy's pausing stages any more.
            self.env.registry.clear_cache()  # tma.sla.policy._tma_pause_stage_ids
        return result

    @api.model
    def _tma_ask_rating_on_closing(self):
        """Closing a ticket asks its requester to rate it: the rating email
        of helpdesk_mgmt_rating on the *Done* stage, unless a template is
        set there already (called at each install or update; the host's
        stage is ``noupdate``, a record in our data would not reach it on
        update)."""
        stage = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_done", raise_if_not_found=False
        )
        template = self.env.ref(
            "helpdesk_mgmt_rating.rating_ticket_email_template",
            raise_if_not_found=False,
        )
        if stage and template and not stage.rating_mail_template_id:
            stage.rating_mail_template_id = template
        if template and not template.lang:
            # The host's template has no language: it would reach a French
            # client in the language of whoever closes the ticket.
            template.lang = "{{ object._rating_get_partner().lang }}"
