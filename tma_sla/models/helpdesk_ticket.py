# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import defaultdict

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.tma_contract.models.tma_party_act_mixin import ACT_SENTINEL

from .utils import (
    CRITICALITIES,
    LOW_RATING,
    METRICS,
    NOTICE_STEPS,
    PRIORITY_CRITICALITY,
    RATING_SATISFIED,
    REPORTED_MAINTENANCE,
)

_logger = logging.getLogger(__name__)

# Facts of first-contact resolution: written by the SLA layer only.
KPI_FIELDS = {"tma_staff_response_count", "tma_reassigned", "tma_reopened"}

# Steps of a blocking incident announced to the client, in order, and the
# ticket fields whose change may move a ticket to the next one.
NOTICE_ORDER = {step: index for index, (step, _label) in enumerate(NOTICE_STEPS)}
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
            self.env.ref("tma_sla.ir_cron_tma_blocking_notices")._trigger()
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
        closing = self._tma_closing(vals)
        result = super().write(vals)
        for field, tickets in kpi_facts.items():
            tickets.with_context(tma_kpi_update=True).write({field: True})
        if SLA_TRIGGER_FIELDS.intersection(vals) and not self.env.context.get(
            "tma_sla_sync_later"
        ):
            self._tma_sla_sync()
        if closing:
            closing._tma_ask_intervention_report()
        if NOTICE_FIELDS.intersection(vals) and not self.env.context.get(
            "tma_notice_update"
        ):
            self._tma_queue_notices()
        return result

    def _tma_closing(self, vals):
        """The tickets this write moves to a closing stage."""
        if not vals.get("stage_id"):
            return self.browse()
        stage = self.env["helpdesk.ticket.stage"].browse(vals["stage_id"])
        if not stage.closed:
            return self.browse()
        return self.filtered(lambda t: not t.stage_id.closed)

    def _tma_kpi_facts(self, vals):
        """The tickets this write reassigns or reopens (first-contact
        resolution), as {field: tickets}; refuses the facts written from
        outside the SLA layer."""
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
        if "stage_id" in vals:
            stage = self.env["helpdesk.ticket.stage"].browse(vals["stage_id"])
            if not stage.closed:
                facts["tma_reopened"] = self.filtered(
                    lambda t: not t.tma_reopened and t.stage_id.closed
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

    @api.model
    def _tma_sla_sync_fields(self):
        """The fields of the tickets that :meth:`_tma_sla_sync` reads, for a
        caller that reads many tickets (not their texts)."""
        return [
            "tma_contract_id",
            "tma_criticality",
            "tma_support_level_id",
            "create_date",
            "team_id",
            "stage_id",
            "user_id",
            "tma_first_response_date",
            "tma_workaround_date",
        ]

    def _tma_sla_sync(self, start=None, plan=None):
        """Bring the tickets' timers in line with their contract's policy, stage,
        criticality, level and progress. Works on the whole batch: the engine
        computes once per calendar and company (the contract's, whose public
        holidays count), whatever the number of tickets.

        New timers start at ``start`` (new tickets: now) or, for tickets that
        get a policy later, at the ticket's creation. ``plan``: more timers to
        plan in the same batch (a caller that wrote the tickets with
        ``tma_sla_sync_later`` and has timers of its own to plan)."""
        _logger.debug("sync the timers of tickets %s", self.ids)
        now = fields.Datetime.now()
        Timer = self.env["tma.sla.timer"].sudo()
        tickets = self.sudo()
        Rule = self.env["tma.sla.escalation.rule"]
        create_vals, create_plans = [], []
        replan = Timer
        obsolete = Timer
        targets_of, terms_of = {}, {}
        for ticket in tickets:
            contract = ticket.tma_contract_id
            policy = contract.sla_policy_id
            by_metric = {t.metric: t for t in ticket.tma_sla_timer_ids}
            pending = {
                m: t for m, t in by_metric.items() if t.status in ("running", "paused")
            }
            if not policy:
                obsolete |= Timer.union(*pending.values())
                continue
            if contract not in terms_of:
                # What the contract gives each of its timers, read once.
                terms_of[contract] = (
                    contract._tma_sla_calendar(),
                    {
                        "partner_id": contract.partner_id.id,
                        "company_id": contract.company_id.id,
                    },
                )
            calendar, related = terms_of[contract]
            if policy not in targets_of:
                targets_of[policy] = policy._targets_by_key()
            criticality = ticket.tma_criticality
            ticket_level = ticket.tma_support_level_id
            begin = start or ticket.create_date or now
            new_ramp_up = None  # asked once per ticket, for its new timers
            for metric, _label in METRICS:
                timer = by_metric.get(metric)
                # The target follows the level the commitment was qualified
                # at, not the current one: escalating does not extend it.
                level = timer.support_level_id if timer else ticket_level
                # A commitment keeps the ramp-up it started in.
                if timer:
                    ramp_up = timer.ramp_up
                else:
                    if new_ramp_up is None:
                        new_ramp_up = policy._in_ramp_up(contract, begin)
                    ramp_up = new_ramp_up
                target = policy._find_target(
                    criticality, metric, level, targets_of[policy], ramp_up=ramp_up
                )
                if not target:
                    if metric in pending:
                        obsolete |= timer
                    continue
                values = {
                    "contract_id": contract.id,
                    "policy_id": policy.id,
                    "target_id": target.id,
                    "criticality": criticality,
                    "calendar_id": calendar.id,
                    "target_minutes": target.minutes,
                }
                if timer is None:
                    create_vals.append(
                        dict(
                            values,
                            ticket_id=ticket.id,
                            metric=metric,
                            ramp_up=ramp_up,
                            support_level_id=level.id,
                            start_date=begin,
                            segment_start=begin,
                            status="running",
                            # The related fields, known here: not recomputed.
                            team_id=ticket.team_id.id,
                            **related,
                        )
                    )
                    # Planned before it is created: a new timer is written once.
                    create_plans.append(
                        {
                            "calendar_id": calendar,
                            "company_id": contract.company_id,
                            "segment_start": begin,
                            "target_minutes": target.minutes,
                            "used_seconds": 0.0,
                            "status": "running",
                            "policy_id": policy,
                            "metric": metric,
                            "criticality": criticality,
                            "fired": Rule,
                            "level": ticket_level,
                        }
                    )
                elif metric in pending and any(
                    timer[f].id != v if f.endswith("_id") else timer[f] != v
                    for f, v in values.items()
                ):
                    timer.write(values)
                    replan |= timer
        obsolete.unlink()
        if create_vals:
            Timer._create_planned(create_vals, create_plans)
        (replan | (plan or Timer).sudo())._plan()
        return tickets._tma_sla_sync_clocks(now)

    def _tma_sla_sync_clocks(self, now):
        """Pause, resume or fulfil the tickets' timers as their stage and
        progress say, one batch per kind of change."""
        timers = self.tma_sla_timer_ids
        # (Ids in lists: a recordset grown one record at a time costs n².)
        to_pause, to_resume, to_reach = [], [], []
        pause_stages_of = {}  # read once per contract
        for ticket in self:
            contract = ticket.tma_contract_id
            if contract not in pause_stages_of:
                pause_stages_of[contract] = contract.sla_policy_id.pause_stage_ids
            pausing = ticket.stage_id in pause_stages_of[contract]
            for timer in ticket.tma_sla_timer_ids:
                if ticket._tma_sla_metric_done(timer.metric):
                    to_reach.append(timer.id)
                elif pausing and timer._is_counting():
                    to_pause.append(timer.id)
                elif not pausing and timer._is_stopped():
                    to_resume.append(timer.id)
        Timer = self.env["tma.sla.timer"].sudo()
        Timer.browse(to_reach)._reach(now)
        Timer.browse(to_pause)._pause(now)
        Timer.browse(to_resume)._resume(now)
        return timers

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
                    body=_(
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
        rating = ticket.rating_ids.filtered(lambda r: not r.consumed)[:1]
        if not rating:
            token = ticket._rating_get_access_token(partner=partner)
            rating = (
                self.env["rating.rating"].sudo().search([("access_token", "=", token)])
            )
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
            "tma_sla.action_tma_improvement_action",
            [("ticket_id", "=", self.id)],
            {
                "default_ticket_id": self.id,
                "default_contract_id": self.tma_contract_id.id,
            },
        )

    # ------------------------------------------------------------------
    # Intervention reports
    # ------------------------------------------------------------------
    tma_intervention_report_ids = fields.One2many(
        "tma.intervention.report", "ticket_id", string="Intervention reports"
    )

    def _tma_ask_intervention_report(self):
        """Draft the intervention report of closed corrective and evolutive
        tickets of a contract, and ask their assignee to write it (one
        activity). A reopened and closed again ticket keeps its report."""
        tickets = self.filtered(
            lambda t: (
                t.tma_contract_id
                and t.tma_maintenance_type_id.code in REPORTED_MAINTENANCE
                and not t.tma_intervention_report_ids
            )
        )
        if not tickets:
            return self.env["tma.intervention.report"]
        reports = (
            self.env["tma.intervention.report"]
            .sudo()
            .create(
                [
                    {
                        "ticket_id": ticket.id,
                        "environment_id": ticket.tma_environment_id.id,
                    }
                    for ticket in tickets
                ]
            )
        )
        for report in reports:
            ticket = report.ticket_id
            report.activity_schedule(
                "tma_sla.mail_activity_tma_intervention_report",
                date_deadline=fields.Date.context_today(self),
                summary=_("Intervention report of %(ticket)s", ticket=ticket.number),
                user_id=(
                    ticket.user_id or ticket.tma_contract_id.user_id or self.env.user
                ).id,
            )
        return reports

    def action_tma_intervention_report(self):
        """Open the ticket's intervention report (drafted if needed)."""
        self.ensure_one()
        report = self.tma_intervention_report_ids[:1]
        if not report:
            report = self.env["tma.intervention.report"].create(
                {
                    "ticket_id": self.id,
                    "environment_id": self.tma_environment_id.id,
                }
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": report._name,
            "res_id": report.id,
            "view_mode": "form",
        }

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
            self.env.ref("tma_sla.ir_cron_tma_blocking_notices")._trigger()

    @api.model
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
