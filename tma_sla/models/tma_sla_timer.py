# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.tools import format_duration

from .utils import CRITICALITIES, METRICS, TIMER_STATUSES


class TmaSlaTimer(models.Model):
    """One service-level commitment of one ticket (acknowledgement, first
    response, workaround or resolution).

    The clock is kept as ``used_seconds`` (business time consumed before the
    current running segment) plus the running segment that started at
    ``segment_start``. The stored ``deadline`` is where the remaining business
    time ends on the calendar; breaches are derived from it. Met and breached
    timers are frozen.

    Their planning has a file of its own (``tma_sla_timer_planning.py``), and
    so has their cron of breaches and escalations (``tma_sla_timer_breach.py``).
    """

    _name = "tma.sla.timer"
    _description = "TMA SLA Timer"
    _order = "deadline, id"
    _rec_name = "metric"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    contract_id = fields.Many2one(
        "tma.contract", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one(related="contract_id.partner_id", store=True)
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    team_id = fields.Many2one(related="ticket_id.team_id", store=True)
    policy_id = fields.Many2one("tma.sla.policy", required=True, ondelete="restrict")
    target_id = fields.Many2one("tma.sla.target", ondelete="set null")
    support_level_id = fields.Many2one(
        "tma.support.level",
        string="Qualified level",
        readonly=True,
        ondelete="set null",
        help="The ticket's support level when the commitment started: its "
        "target follows this level. A later escalation does not extend it, "
        "unless a manager records a reason the client sees.",
    )
    metric = fields.Selection(METRICS, required=True)
    criticality = fields.Selection(CRITICALITIES, required=True)
    calendar_id = fields.Many2one(
        "resource.calendar",
        ondelete="restrict",
        help="Empty for around-the-clock coverage.",
    )
    target_minutes = fields.Integer(string="Target (min)", required=True)
    ramp_up = fields.Boolean(
        string="Ramp-up",
        readonly=True,
        help="The commitment started during the ramp-up weeks after the "
        "contract's service start: it counts on the policy's ramp-up target.",
    )
    start_date = fields.Datetime(string="Started on", required=True)
    segment_start = fields.Datetime(
        string="Running since",
        help="Start of the running segment (empty while paused or frozen).",
    )
    used_seconds = fields.Float(
        string="Seconds used before",
        help="Business seconds used before the running segment.",
    )
    deadline = fields.Datetime(index=True)
    reached_date = fields.Datetime(string="Reached on")
    elapsed_minutes = fields.Float(
        string="Business minutes to reach",
        help="Business time between the start and the moment the commitment "
        "was met (frozen timers).",
        aggregator="avg",
    )
    status = fields.Selection(
        TIMER_STATUSES, required=True, default="running", index=True
    )
    breach_date = fields.Datetime(string="Breached on", readonly=True)
    breach_notified = fields.Boolean(
        string="Breach notified", readonly=True, copy=False
    )
    next_escalation_date = fields.Datetime(string="Next escalation on", readonly=True)
    next_escalation_rule_id = fields.Many2one(
        "tma.sla.escalation.rule",
        string="Next escalation rule",
        readonly=True,
        ondelete="set null",
    )
    fired_rule_ids = fields.Many2many(
        "tma.sla.escalation.rule", string="Rules applied", readonly=True
    )
    is_late = fields.Boolean(
        compute="_compute_clock", search="_search_is_late", string="Late"
    )
    used_minutes = fields.Float(compute="_compute_clock", string="Used (min)")
    remaining_minutes = fields.Float(compute="_compute_clock", string="Remaining (min)")
    remaining_display = fields.Char(compute="_compute_clock", string="Remaining")
    color = fields.Integer(compute="_compute_clock")

    _sql_constraints = [
        (
            "ticket_metric_uniq",
            "unique(ticket_id, metric)",
            "A ticket has one timer per service-level metric.",
        )
    ]

    def init(self):
        # The breach cron reads running, unnotified timers by deadline.
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS tma_sla_timer_breach_idx
                ON tma_sla_timer (deadline)
                WHERE breach_notified IS NOT TRUE
                  AND status IN ('running', 'breached')"""
        )
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS tma_sla_timer_escalation_idx
                ON tma_sla_timer (next_escalation_date)
                WHERE next_escalation_date IS NOT NULL"""
        )

    # ------------------------------------------------------------------
    # Clock
    # ------------------------------------------------------------------
    def _used_now(self, now):
        """Business seconds used by each timer at ``now`` (one interval
        computation per calendar and company: the public holidays of the
        timer's company count)."""
        running = self.filtered(lambda t: t.status in ("running", "breached"))
        running = running.filtered("segment_start")
        elapsed = self.env["tma.sla.engine"]._elapsed(
            [(t.calendar_id, t.segment_start, now, t.company_id) for t in running]
        )
        extra = dict(zip(running.ids, elapsed, strict=True))
        return {t.id: t.used_seconds + extra.get(t.id, 0.0) for t in self}

    @api.depends_context("uid")
    def _compute_clock(self):
        now = fields.Datetime.now()
        used = self._used_now(now)
        for timer in self:
            if timer.status in ("met",) or timer.reached_date:
                used_seconds = timer.elapsed_minutes * 60
            else:
                used_seconds = used[timer.id]
            timer.used_minutes = used_seconds / 60
            remaining = timer.target_minutes - used_seconds / 60
            timer.remaining_minutes = remaining
            timer.is_late = timer.status == "breached" or (
                timer.status == "running" and timer.deadline and timer.deadline < now
            )
            sign = "-" if remaining < 0 else ""
            timer.remaining_display = sign + format_duration(abs(remaining) / 60)
            timer.color = {
                "met": 10,
                "breached": 1,
                "paused": 4,
            }.get(timer.status, 1 if timer.is_late else 2)

    def _search_is_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(_("Unsupported search on Late."))
        late = [
            "|",
            ("status", "=", "breached"),
            "&",
            ("status", "=", "running"),
            ("deadline", "<", fields.Datetime.now()),
        ]
        if (operator == "=") == value:
            return late
        return ["!", *late]

    # ------------------------------------------------------------------
    # Pausing, resuming, reaching
    # ------------------------------------------------------------------
    def _is_counting(self):
        """Whether the clock of the timer runs: an open timer (running, or
        breached but not yet fulfilled) with a running segment."""
        self.ensure_one()
        return bool(
            self.segment_start
            and not self.reached_date
            and self.status in ("running", "breached")
        )

    def _is_stopped(self):
        """Whether the timer waits for its clock to resume: paused, or
        breached and paused (no running segment, not fulfilled)."""
        self.ensure_one()
        return (
            not self.segment_start
            and not self.reached_date
            and self.status in ("paused", "breached")
        )

    def _pause(self, now):
        """Stop the clock of every open timer, breached or not: time spent
        waiting on the client counts neither as business time used nor as
        delay. A running timer whose budget ran out before the pause is
        breached at its deadline, the moment the budget ran out."""
        counting = self.filtered(lambda t: t._is_counting())
        used = counting._used_now(now)
        rows = {}
        for timer in counting:
            vals = {
                "used_seconds": used[timer.id],
                "segment_start": False,
                "next_escalation_date": False,
                "next_escalation_rule_id": False,
            }
            if timer.status == "running":
                if timer.deadline and timer.deadline <= now:
                    vals.update(status="breached", breach_date=timer.deadline)
                else:
                    vals.update(status="paused", deadline=False)
            rows[timer] = vals
        self._write_rows(rows)

    def _resume(self, now):
        """Restart the clock of stopped timers: paused ones get a new deadline
        from the business time that remained; breached ones keep their deadline
        and breach date and count their delay again."""
        stopped = self.filtered(lambda t: t._is_stopped())
        if not stopped:
            return
        stopped.filtered(lambda t: t.status == "paused").write({"status": "running"})
        stopped.write({"segment_start": now})
        stopped._plan()

    def _reach(self, now):
        """The commitment is fulfilled at ``now``: freeze the timers, met when
        within the target, breached otherwise (the cron then notifies it)."""
        pending = self.filtered(
            lambda t: (
                not t.reached_date and t.status in ("running", "paused", "breached")
            )
        )
        used = pending._used_now(now)
        rows = {}
        for timer in pending:
            late = (
                timer.status == "breached" or used[timer.id] > timer.target_minutes * 60
            )
            vals = {
                "reached_date": now,
                "elapsed_minutes": used[timer.id] / 60,
                "status": "breached" if late else "met",
                "next_escalation_date": False,
                "next_escalation_rule_id": False,
            }
            if late and not timer.breach_date:
                vals["breach_date"] = timer.deadline or now
            rows[timer] = vals
        self._write_rows(rows)

    def _penalty_delay_minutes(self, until):
        """Business minutes of delay of breached timers: the business time
        used beyond the target, up to the moment reached or ``until``. The
        clock stops while the ticket waits on the client, so those spans are
        no delay."""
        open_timers = self.filtered(lambda t: not t.reached_date)
        used = open_timers._used_now(until)
        delays = {}
        for timer in self:
            if timer.reached_date:
                minutes = timer.elapsed_minutes
            else:
                minutes = used[timer.id] / 60
            delays[timer.id] = max(0.0, minutes - timer.target_minutes)
        return delays
