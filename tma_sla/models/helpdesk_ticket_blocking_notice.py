# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.tma_contract.models.utils import later_on_conflict

from .utils import NOTICE_STEPS, trigger_cron

# Steps of a blocking incident announced to the client, in order.
NOTICE_ORDER = {step: index for index, (step, _label) in enumerate(NOTICE_STEPS)}


class HelpdeskTicket(models.Model):
    """Immediate notices of blocking incidents: one email to the client at
    each step (opened, acknowledged, worked around, resolved)."""

    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Immediate notices of blocking incidents
    # ------------------------------------------------------------------
    tma_notice_pending = fields.Selection(
        NOTICE_STEPS,
        string="Notice to send",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    tma_notice_sent = fields.Selection(
        NOTICE_STEPS, string="Last notice sent", readonly=True, copy=False
    )

    @api.model
    def _tma_mark_blocking_notices(self, vals_list):
        """Mark the blocking tickets of a contract being created for the
        "opened" notice (in their values: no extra query); whether any was."""
        blocking = False
        for vals in vals_list:
            if vals.get("tma_contract_id") and vals.get("priority") == "3":
                vals["tma_notice_pending"] = "opened"
                blocking = True
        return blocking

    def _tma_notice_step(self):
        """The furthest step a blocking ticket of a contract has reached
        (None for the others)."""
        self.ensure_one()
        if not self.tma_contract_id or self.tma_criticality != "blocking":
            return None
        if self.stage_id.closed:
            return "resolved"
        if self.tma_workaround_date:
            return "workaround"
        if self.user_id and not self.stage_id.unattended:
            return "acknowledged"
        return "opened"

    def _tma_queue_notices(self):
        """Record the step each ticket has to announce, if it moved on."""
        queued = False
        for ticket in self:
            step = ticket._tma_notice_step()
            if not step:
                continue
            last = ticket.tma_notice_pending or ticket.tma_notice_sent
            if last and NOTICE_ORDER[step] <= NOTICE_ORDER[last]:
                continue
            ticket.with_context(tma_notice_update=True).write(
                {"tma_notice_pending": step}
            )
            queued = True
        if queued:
            trigger_cron(self.env, "tma_sla.ir_cron_tma_blocking_notices")

    @api.model
    @later_on_conflict("tma_sla.ir_cron_tma_blocking_notices")
    def _cron_blocking_notices(self, batch_size=100):
        """Send the pending notices of blocking tickets: one email to the
        client's contacts per step (the ticket's requester and the client),
        posted on the ticket. Parallel runs skip the tickets another worker
        holds; re-armed while notices are left."""
        template = self.env.ref("tma_sla.mail_template_tma_blocking_notice")
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT id FROM helpdesk_ticket
                    WHERE tma_notice_pending IS NOT NULL
                    ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED""",
                batch_size,
            )
        )
        tickets = self.browse(r[0] for r in self.env.cr.fetchall())
        for ticket in tickets:
            step = ticket.tma_notice_pending
            ticket.message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            ticket.with_context(tma_notice_update=True).write(
                {"tma_notice_sent": step, "tma_notice_pending": False}
            )
        remaining = self.search_count([("tma_notice_pending", "!=", False)])
        self.env["ir.cron"]._notify_progress(done=len(tickets), remaining=remaining)
        if remaining and not self.env.context.get("ir_cron_progress_id"):
            self.env.ref("tma_sla.ir_cron_tma_blocking_notices")._trigger()
        return tickets
