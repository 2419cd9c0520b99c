# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, models
from odoo.exceptions import UserError


class HelpdeskTicket(models.Model):
    """Escalation of the tickets between support levels: by hand (the
    Escalate and De-escalate buttons) or by the policy's rules."""

    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Escalation
    # ------------------------------------------------------------------
    def _tma_escalate(
        self, level, reason, rule=None, timer=None, extension_reason=None
    ):
        """Move the tickets to ``level``, record it and notify the level.

        The commitments keep the targets of the level they were qualified at:
        escalating never extends a running deadline by itself (the provider
        would extend its own deadlines). Only a manager may let the pending
        commitments take the targets of the new level, with
        ``extension_reason``, posted on the ticket where the client sees it."""
        if not reason or not reason.strip():
            raise UserError(_("Say why the ticket changes support level."))
        if extension_reason is not None:
            self._tma_check_extension(level, extension_reason, rule)
        moving = self.filtered(lambda t: t.tma_support_level_id != level)
        if not moving:
            return True
        timers = timer or self.env["tma.sla.timer"]
        previous = {ticket: ticket.tma_support_level_id for ticket in moving}
        self.env["tma.sla.escalation"].sudo().create(
            [
                {
                    "ticket_id": ticket.id,
                    "from_level_id": previous[ticket].id,
                    "to_level_id": level.id,
                    "rule_id": rule.id if rule else False,
                    "timer_id": timers.filtered(
                        lambda t, ticket=ticket: t.ticket_id == ticket
                    )[:1].id,
                    "user_id": False if rule else self.env.user.id,
                    "reason": reason,
                    "extension_reason": extension_reason or False,
                }
                for ticket in moving
            ]
        )
        if extension_reason:
            moving.tma_sla_timer_ids.filtered(
                lambda t: t.status in ("running", "paused")
            ).sudo().write({"support_level_id": level.id})
        # One write for the batch: the tickets' timers are planned once (or
        # by the caller, under ``tma_sla_sync_later``).
        moving.with_context(tma_escalation=True).write(
            {"tma_support_level_id": level.id}
        )
        for ticket in moving:
            ticket._tma_notify_level(previous[ticket], level, reason)
            if extension_reason:
                # A notification, not a comment: it is no first response.
                ticket.message_post(
                    body=ticket.tma_contract_id._tma_reader_env()._(
                        "The ticket moves to support level %(level)s and its "
                        "pending commitments now follow the targets of that "
                        "level: %(reason)s",
                        level=level.code,
                        reason=extension_reason,
                    ),
                    message_type="notification",
                    subtype_xmlid="mail.mt_comment",
                )
        return True

    def _tma_check_extension(self, level, extension_reason, rule):
        """Refuse an extension of the deadlines that is not a manager's
        escalation with a reason."""
        if rule or not self.env.user.has_group("tma_contract.group_tma_manager"):
            raise UserError(
                _(
                    "Only a maintenance manager may let an escalation extend "
                    "the deadlines of a ticket."
                )
            )
        if not extension_reason.strip():
            raise UserError(
                _(
                    "Say why the deadlines are extended: the client reads the "
                    "reason on the ticket."
                )
            )
        if any(
            ticket.tma_support_level_id
            and level.sequence <= ticket.tma_support_level_id.sequence
            for ticket in self
        ):
            raise UserError(_("Only an escalation may extend the deadlines."))

    def _tma_notify_level(self, previous, level, reason):
        self.ensure_one()
        users = level.user_ids | level.team_id.user_id
        users = users.filtered(lambda u: not u.share)
        if users:
            self.message_subscribe(partner_ids=users.partner_id.ids)
        body = _(
            "Support level %(old)s → %(new)s: %(reason)s",
            old=previous.code or "-",
            new=level.code,
            reason=reason,
        )
        self.message_post(
            body=body, subtype_xmlid="mail.mt_note", partner_ids=users.partner_id.ids
        )
        assignee = level.user_ids[:1] or level.team_id.user_id
        if assignee:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Escalated to %(level)s", level=level.code),
                note=reason,
                user_id=assignee.id,
            )

    def _tma_next_level(self, direction):
        self.ensure_one()
        levels = self.env["tma.support.level"].search([])
        if self.tma_contract_id.support_level_ids:
            levels = levels & self.tma_contract_id.support_level_ids
        current = self.tma_support_level_id
        if direction == "up":
            candidates = levels.filtered(
                lambda lv: not current or lv.sequence > current.sequence
            )
            return candidates[:1]
        candidates = levels.filtered(
            lambda lv: current and lv.sequence < current.sequence
        )
        return candidates[-1:]

    def _tma_open_escalate_wizard(self, direction):
        self.ensure_one()
        level = self._tma_next_level(direction)
        if not level:
            raise UserError(
                _(
                    "Ticket %(ticket)s is already at the highest level.",
                    ticket=self.display_name,
                )
                if direction == "up"
                else _(
                    "Ticket %(ticket)s is already at the first level.",
                    ticket=self.display_name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": _("Escalate") if direction == "up" else _("De-escalate"),
            "res_model": "tma.sla.escalate",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_ticket_id": self.id,
                "default_level_id": level.id,
                "default_direction": direction,
            },
        }

    def action_tma_escalate(self):
        return self._tma_open_escalate_wizard("up")

    def action_tma_deescalate(self):
        return self._tma_open_escalate_wizard("down")
