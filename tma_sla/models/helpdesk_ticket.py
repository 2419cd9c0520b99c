# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .utils import CRITICALITIES, PRIORITY_CRITICALITY, trigger_cron

# Facts of first-contact resolution: written by the SLA layer only.
KPI_FIELDS = {"tma_staff_response_count", "tma_reassigned", "tma_reopened"}

# The ticket fields whose change may move a blocking incident to the next
# step announced to the client (helpdesk_ticket_blocking_notice.py).
NOTICE_FIELDS = {"priority", "stage_id", "user_id", "tma_workaround_date"}

# Ticket fields whose change may start, pause, resume, meet or re-plan timers.
SLA_TRIGGER_FIELDS = {
    "priority",
    "team_id",
    "partner_id",
    "tma_contract_id",
    "stage_id",
    "user_id",
    "tma_support_level_id",
    "tma_workaround_date",
    "tma_first_response_date",
}


class HelpdeskTicket(models.Model):
    """The ticket under a service-level policy: its criticality, its SLA
    status and the facts the policy reads (first response, workaround,
    first-contact resolution). Its timers, escalations, satisfaction,
    intervention report and blocking notices have files of their own
    (``helpdesk_ticket_*.py``)."""

    _inherit = "helpdesk.ticket"

    tma_criticality = fields.Selection(
        CRITICALITIES,
        string="Criticality",
        compute="_compute_tma_criticality",
        store=True,
        help="From the priority: very high is blocking, high is major, the "
        "others are minor.",
    )
    tma_sla_timer_ids = fields.One2many(
        "tma.sla.timer", "ticket_id", string="SLA timers", readonly=True
    )
    tma_escalation_ids = fields.One2many(
        "tma.sla.escalation", "ticket_id", string="Escalations", readonly=True
    )
    tma_first_response_date = fields.Datetime(
        string="First response on",
        readonly=True,
        copy=False,
        help="First public message of a staff member on the ticket.",
    )
    tma_workaround_date = fields.Datetime(
        string="Workaround on",
        readonly=True,
        copy=False,
        help="When a workaround was provided to the client.",
    )
    # First-contact resolution (see _tma_sla_kpis): kept by the SLA layer
    # only, refused in a write from outside.
    tma_staff_response_count = fields.Integer(
        string="Staff responses",
        default=0,
        readonly=True,
        copy=False,
        help="Public messages of staff members on the ticket.",
    )
    tma_reassigned = fields.Boolean(
        string="Reassigned",
        readonly=True,
        copy=False,
        help="The ticket went from one assignee to another.",
    )
    tma_reopened = fields.Boolean(
        string="Reopened",
        readonly=True,
        copy=False,
        help="The ticket left a closing stage for an open one.",
    )
    tma_sla_status = fields.Selection(
        [
            ("none", "No SLA"),
            ("on_track", "On track"),
            ("paused", "Paused"),
            ("late", "Late"),
            ("met", "Met"),
            ("breached", "Breached"),
        ],
        string="SLA status",
        compute="_compute_tma_sla_status",
    )
    tma_sla_deadline = fields.Datetime(
        string="Next SLA deadline", compute="_compute_tma_sla_status"
    )
    tma_sla_breached = fields.Boolean(
        string="SLA breached",
        compute="_compute_tma_sla_status",
        search="_search_tma_sla_breached",
    )

    @api.depends("priority")
    def _compute_tma_criticality(self):
        for ticket in self:
            ticket.tma_criticality = PRIORITY_CRITICALITY.get(ticket.priority, "minor")

    @api.depends("tma_sla_timer_ids.status", "tma_sla_timer_ids.deadline")
    def _compute_tma_sla_status(self):
        now = fields.Datetime.now()
        for ticket in self:
            timers = ticket.tma_sla_timer_ids
            running = timers.filtered(lambda t: t.status == "running")
            ticket.tma_sla_deadline = min(running.mapped("deadline"), default=False)
            ticket.tma_sla_breached = any(
                t.status == "breached"
                or (t.status == "running" and t.deadline and t.deadline < now)
                for t in timers
            )
            if not timers:
                status = "none"
            elif ticket.tma_sla_breached:
                status = (
                    "late"
                    if running or "paused" in timers.mapped("status")
                    else "breached"
                )
            elif running:
                status = "on_track"
            elif "paused" in timers.mapped("status"):
                status = "paused"
            else:
                status = "met"
            ticket.tma_sla_status = status

    def _search_tma_sla_breached(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(_("Unsupported search on SLA breached."))
        late = self.env["tma.sla.timer"]._search_is_late("=", True)
        positive = (operator == "=") == value
        return [("tma_sla_timer_ids", "any" if positive else "not any", late)]

    # ------------------------------------------------------------------
    # Timers
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        blocking = self._tma_mark_blocking_notices(vals_list)
        tickets = super().create(vals_list)
        tickets._tma_sla_sync(start=fields.Datetime.now())
        if blocking:
            trigger_cron(self.env, "tma_sla.ir_cron_tma_blocking_notices")
        return tickets

    def write(self, vals):
        if "tma_support_level_id" in vals and not self.env.context.get(
            "tma_escalation"
        ):
            level = self.env["tma.support.level"].browse(vals["tma_support_level_id"])
            if any(
                t.tma_sla_timer_ids and t.tma_support_level_id != level for t in self
            ):
                raise UserError(
                    _(
                        "The support level of a ticket under a service-level "
                        "policy changes with the Escalate and De-escalate "
                        "buttons, which record who, when and why."
                    )
                )
        kpi_facts = self._tma_kpi_facts(vals)
        result = super().write(vals)
        for field, tickets in kpi_facts.items():
            tickets.with_context(tma_kpi_update=True).write({field: True})
        if SLA_TRIGGER_FIELDS.intersection(vals) and not self.env.context.get(
            "tma_sla_sync_later"
        ):
            self._tma_sla_sync()
        if NOTICE_FIELDS.intersection(vals) and not self.env.context.get(
            "tma_notice_update"
        ):
            self._tma_queue_notices()
        return result

    def _tma_on_reopen(self):
        """A reopened ticket counts against first-contact resolution."""
        result = super()._tma_on_reopen()
        self.filtered(lambda t: not t.tma_reopened).with_context(
            tma_kpi_update=True
        ).write({"tma_reopened": True})
        return result

    def _tma_kpi_facts(self, vals):
        """The tickets this write reassigns (first-contact resolution), as
        {field: tickets}; refuses the facts written from outside the SLA
        layer. (Reopenings: :meth:`_tma_on_reopen`.)"""
        if KPI_FIELDS.intersection(vals) and not self.env.context.get("tma_kpi_update"):
            raise UserError(
                _(
                    "Staff responses, reassignments and reopenings are "
                    "recorded by the helpdesk itself: they cannot be written."
                )
            )
        facts = {}
        if "user_id" in vals:
            # Unassigning counts too: the ticket leaves its first assignee.
            facts["tma_reassigned"] = self.filtered(
                lambda t: (
                    not t.tma_reassigned
                    and t.user_id
                    and t.user_id.id != (vals["user_id"] or False)
                )
            )
        return {field: tickets for field, tickets in facts.items() if tickets}

    def _tma_sla_metric_done(self, metric):
        """Whether the ticket fulfils a commitment (see the readme):
        acknowledgement = assigned and out of the "new" (unattended) stage;
        first response = a public message from staff; workaround = marked as
        provided; resolution = a closing stage. Closing fulfils them all."""
        self.ensure_one()
        if self.stage_id.closed:
            return True
        if metric == "acknowledgement":
            return bool(self.user_id) and not self.stage_id.unattended
        if metric == "first_response":
            return bool(self.tma_first_response_date)
        if metric == "workaround":
            return bool(self.tma_workaround_date)
        return False

    # ------------------------------------------------------------------
    # First response and workaround
    # ------------------------------------------------------------------
    def _message_post_after_hook(self, message, msg_vals):
        result = super()._message_post_after_hook(message, msg_vals)
        if (
            message.message_type in ("comment", "email")
            and message.subtype_id == self.env.ref("mail.mt_comment")
            and message.author_id
            and message.author_id.user_ids.filtered(lambda u: not u.share)
        ):
            unanswered = self.filtered(lambda t: not t.tma_first_response_date)
            if unanswered:
                unanswered.sudo().write({"tma_first_response_date": message.date})
            for ticket in self.sudo().with_context(tma_kpi_update=True):
                ticket.tma_staff_response_count += 1
        return result

    def action_tma_workaround(self):
        for ticket in self:
            if ticket.tma_workaround_date:
                raise UserError(
                    _(
                        "A workaround was already recorded on ticket %(ticket)s.",
                        ticket=ticket.display_name,
                    )
                )
        self.write({"tma_workaround_date": fields.Datetime.now()})
        for ticket in self:
            ticket.message_post(
                body=_("A workaround was provided to the client."),
                subtype_xmlid="mail.mt_note",
            )
        return True
