# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import api, models

_logger = logging.getLogger(__name__)

# Headers by which a message says a program wrote it in answer to another
# (RFC 3834 and the common vacation responders).
AUTO_REPLY_HEADERS = ("X-Autoreply", "X-Autorespond")


def is_auto_submitted(message):
    """Whether ``message`` (an ``email.message.EmailMessage``) was sent by a
    program, not a person: ``Auto-Submitted`` other than ``no`` (RFC 3834),
    ``Precedence: auto_reply`` or a vacation responder's header."""
    auto_submitted = str(message.get("Auto-Submitted") or "").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return True
    if str(message.get("Precedence") or "").strip().lower() == "auto_reply":
        return True
    return any(message.get(header) for header in AUTO_REPLY_HEADERS)


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    # ------------------------------------------------------------
    # Mail gateway
    # ------------------------------------------------------------
    @api.model
    def message_route(
        self, message, message_dict, model=None, thread_id=None, custom_values=None
    ):
        """An automatic answer (an out-of-office notice, a vacation responder)
        sent to the helpdesk opens no ticket: it asks for nothing, and a
        ticket's acknowledgement sent back to it could start a loop. Whichever
        way the message came (a team's alias, or a mail server fetching into
        the ticket model), the routes that would create a ticket are dropped;
        with none left, the message is ignored (not refused: a fetching
        server would fetch it again and again)."""
        routes = super().message_route(
            message,
            message_dict,
            model=model,
            thread_id=thread_id,
            custom_values=custom_values,
        )
        if not routes or not is_auto_submitted(message):
            return routes
        kept = [
            route
            for route in routes
            if not (route[0] == "helpdesk.ticket" and not route[1])
        ]
        if len(kept) < len(routes):
            _logger.info(
                "Ignored mail from %s with Message-Id %s for the helpdesk: an "
                "automatic answer opens no ticket",
                message_dict.get("email_from"),
                message_dict.get("message_id"),
            )
        return kept
