# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.tools import SQL, format_duration

from .utils import (
    ARRAY_FIELD_TYPES,
    CRITICALITIES,
    METRICS,
    TIMER_STATUSES,
    column_array_literal,
    run_isolated,
)

_logger = logging.getLogger(__name__)


class TmaSlaTimer(models.Model):
    """One service-level commitment of one ticket (acknowledgement, first
    response, workaround or resolution).

    The clock is kept as ``used_seconds`` (business time consumed before the
    current running segment) plus the running segment that started at
    ``segment_start``. The stored ``deadline`` is where the remaining business
    time ends on the calendar; breaches are derived from it. Met and breached
    timers are frozen.
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
    # Planning
    # ------------------------------------------------------------------
    @api.model
    def _applicable_rules(self, rules, metric, criticality, fired, level):
        """Escalation rules among ``rules`` (a policy's) that may still fire
        for a commitment of ``metric`` and ``criticality`` at ``level``, once
        the rules in ``fired`` have fired."""
        return rules.filtered(
            lambda r: (
                r.metric == metric
                and (not r.criticality or r.criticality == criticality)
                and r not in fired
                and (not level or r.level_id.sequence > level.sequence)
            )
        )

    @api.model
    def _rules_by_policy(self, policies, levels=None, tickets=None):
        """The escalation rules of ``policies``, by policy, read once with the
        sequences of their levels and of ``levels`` or of the levels of
        ``tickets`` (read only when there are rules to compare them with)."""
        rules = self.env["tma.sla.escalation.rule"].search_fetch(
            [("policy_id", "in", policies.ids)],
            ["policy_id", "metric", "criticality", "trigger", "percent", "level_id"],
        )
        if rules:
            levels = levels or self.env["tma.support.level"]
            if tickets:
                tickets.fetch(["tma_support_level_id"])
                levels |= tickets.tma_support_level_id
            (rules.level_id | levels).fetch(["sequence"])
        rules_of = defaultdict(lambda: rules.browse())
        for rule in rules:
            rules_of[rule.policy_id] |= rule
        return rules_of

    @api.model
    def _plan_values(self, items, rules_of):
        """Planned moments of open commitments, in one batch of engine calls.

        ``items``: ``[(key, commitment)]``, a commitment being a dict with
        ``calendar_id``, ``company_id`` (the contract's: its public holidays
        count), ``segment_start``, ``target_minutes``,
        ``used_seconds``, ``status``, ``policy_id``, ``metric``,
        ``criticality``, ``fired`` (rules already applied) and ``level`` (the
        ticket's current level). Returns ``{key: {"deadline" (running
        ones), "next_escalation_date", "next_escalation_rule_id"}}``."""
        requests = []
        slots = []  # (key, kind, rule)
        applicable = {}  # the rules of commitments alike, filtered once
        for key, item in items:
            total = item["target_minutes"] * 60
            start, used = item["segment_start"], item["used_seconds"]
            if item["status"] == "running":
                requests.append(
                    (item["calendar_id"], start, total - used, item["company_id"])
                )
                slots.append((key, "deadline", None))
            alike = (
                item["policy_id"],
                item["metric"],
                item["criticality"],
                item["fired"],
                item["level"],
            )
            if alike not in applicable:
                applicable[alike] = self._applicable_rules(
                    rules_of[item["policy_id"]], *alike[1:]
                )
            for rule in applicable[alike]:
                requests.append(
                    (
                        item["calendar_id"],
                        start,
                        total * rule._share() - used,
                        item["company_id"],
                    )
                )
                slots.append((key, "rule", rule))
        moments = self.env["tma.sla.engine"]._add(requests)
        values = {
            key: {"next_escalation_date": False, "next_escalation_rule_id": False}
            for key, _item in items
        }
        for (key, kind, rule), moment in zip(slots, moments, strict=True):
            vals = values[key]
            if kind == "deadline":
                vals["deadline"] = moment
            elif (
                not vals["next_escalation_date"]
                or moment < vals["next_escalation_date"]
            ):
                vals["next_escalation_date"] = moment
                vals["next_escalation_rule_id"] = rule.id
        return values

    def _plan(self):
        """Store the deadline of running timers and the next escalation of open
        ones, in one batch of engine calls."""
        _logger.debug("plan timers %s", self.ids)
        open_timers = self.filtered(
            lambda t: (
                t.segment_start
                and not t.reached_date
                and t.status in ("running", "breached")
            )
        )
        if not open_timers:
            return
        rules_of = self._rules_by_policy(
            open_timers.policy_id, tickets=open_timers.ticket_id
        )
        no_level = self.env["tma.support.level"]
        items = [
            (
                timer,
                {
                    "calendar_id": timer.calendar_id,
                    "company_id": timer.company_id,
                    "segment_start": timer.segment_start,
                    "target_minutes": timer.target_minutes,
                    "used_seconds": timer.used_seconds,
                    "status": timer.status,
                    "policy_id": timer.policy_id,
                    "metric": timer.metric,
                    "criticality": timer.criticality,
                    # (Read only where the policy has rules to compare.)
                    "fired": rules_of[timer.policy_id] and timer.fired_rule_ids,
                    "level": timer.ticket_id.tma_support_level_id
                    if rules_of[timer.policy_id]
                    else no_level,
                },
            )
            for timer in open_timers
        ]
        self._write_plan(open_timers, self._plan_values(items, rules_of))

    @api.model
    def _write_plan(self, timers, values):
        """Store planned moments of many timers in one UPDATE (each timer has
        its own deadline: an ORM write would cost one query per timer). The
        timers whose plan did not move are not written."""
        rows = {}
        to_string = fields.Datetime.to_string
        for timer in timers:
            vals = values[timer]
            row = {
                "next_escalation_date": vals["next_escalation_date"],
                "next_escalation_rule_id": vals["next_escalation_rule_id"],
            }
            if "deadline" in vals:
                row["deadline"] = vals["deadline"]
            if any(
                to_string(value) != to_string(timer[fname])
                if fname != "next_escalation_rule_id"
                else value != timer[fname].id
                for fname, value in row.items()
            ):
                rows[timer] = row
        self._write_rows(rows)

    @api.model
    def _values_sql(self, fnames, rows):
        """``VALUES`` rows of ``fnames`` for ``rows`` (dicts), as a query
        string and its parameters: one row template, cast to the fields'
        column types, and one flat list of parameters (no SQL object per
        value, nor per row)."""
        columns = [self._fields[fname] for fname in fnames]
        template = "({})".format(
            ", ".join(f"%s::{field.column_type[1]}" for field in columns)
        )
        params = []
        count = 0
        for vals in rows:
            count += 1
            params.extend(
                field.convert_to_column(vals[field.name], self) for field in columns
            )
        return ", ".join([template] * count), params

    @api.model
    def _create_planned(self, vals_list, commitments):
        """Create timers already planned: ``commitments`` describe them as
        :meth:`_plan_values` reads them, and their planned moments are stored
        with them, so that a new timer is written once.

        Timers are created only here, by the tickets' synchronisation, in
        batches of thousands: one ``INSERT`` of complete rows (the defaults
        asked once per batch, the related partner, company and team given by
        the caller) instead of the ORM's ``default_get`` per record and the
        recomputation of the related fields. When another module overrides
        the timers' ``create`` (or the rows do not all give the same fields,
        or a field is not of a simple type), they go through it instead."""
        rules_of = self._rules_by_policy(
            self.policy_id.browse({c["policy_id"].id for c in commitments}),
            self.env["tma.support.level"].browse(
                {c["level"].id for c in commitments} - {False}
            ),
        )
        plans = self._plan_values(list(enumerate(commitments)), rules_of)
        vals_list = [dict(vals, **plans[i]) for i, vals in enumerate(vals_list)]
        model = type(self)
        given = set(vals_list[0])
        if (
            model.create is not models.BaseModel.create
            or model._create is not models.BaseModel._create
            or any(vals.keys() != given for vals in vals_list)
        ):
            return self.create(vals_list)
        defaults = {
            fname: value
            for fname, value in self.default_get(
                [
                    fname
                    for fname, field in self._fields.items()
                    if field.store and field.column_type and fname not in given
                ]
            ).items()
            if fname not in models.LOG_ACCESS_COLUMNS
        }
        now = self.env.cr.now()
        access = dict.fromkeys(("create_uid", "write_uid"), self.env.uid)
        access.update(dict.fromkeys(("create_date", "write_date"), now))
        rows = [{**defaults, **vals, **access} for vals in vals_list]
        fnames = sorted(rows[0])
        if any(
            self._fields[fname].type not in ARRAY_FIELD_TYPES
            or self._fields[fname].translate
            for fname in fnames
        ):
            return self.create(vals_list)
        self.env.flush_all()
        # One array per column (a handful of parameters, whatever the
        # batch's size), unnested into the rows in their order.
        columns = [self._fields[fname] for fname in fnames]
        self.env.cr.execute(
            "INSERT INTO tma_sla_timer ({}) SELECT * FROM unnest({}) "
            "RETURNING id".format(
                ", ".join(f'"{field.name}"' for field in columns),
                ", ".join(f"%s::{field.column_type[1]}[]" for field in columns),
            ),
            [
                column_array_literal(field, self, [row[field.name] for row in rows])
                for field in columns
            ],
        )
        timers = self.browse([row[0] for row in self.env.cr.fetchall()])
        cache = self.env.cache
        for fname in fnames:
            field = self._fields[fname]
            cache.update(
                timers, field, [field.convert_to_cache(r[fname], self) for r in rows]
            )
        for field in self._fields.values():
            if field.type == "many2many":
                cache.update(timers, field, [()] * len(timers))
        # The tickets (and any other one2many of a many2one given) see them
        # in their cache, as after an ORM create.
        for fname in fnames:
            field = self._fields[fname]
            if field.type != "many2one" or not self.pool.field_inverses[field]:
                continue
            by_value = defaultdict(list)
            for timer, row in zip(timers, rows, strict=True):
                by_value[row[fname] or None].append(timer.id)
            for value, ids in by_value.items():
                field._update_inverses(self.browse(ids), value)
        # Computed fields of other modules are computed as after a create;
        # the related ones given in the rows are not computed again.
        timers.modified(self._fields, create=True)
        for fname in fnames:
            if self._fields[fname].compute:
                self.env.remove_to_compute(self._fields[fname], timers)
        timers._validate_fields(fnames)
        return timers

    @api.model
    def _write_rows(self, rows):
        """Write per-timer values, ``{timer: {field: value}}``, in one UPDATE
        per set of fields written (one for the whole batch, usually): the
        timers of a batch each get their own deadline, clock or status, which
        an ORM ``write`` would store with one query per timer. Timers have no
        ``write`` override; the cache and the fields that depend on the
        written ones (the tickets' SLA status) are invalidated as an ORM
        write would."""
        groups = defaultdict(dict)
        for timer, vals in rows.items():
            if vals:
                groups[tuple(sorted(vals))][timer.id] = vals
        if not groups:
            return
        self.env.flush_all()
        for fnames, by_id in groups.items():
            values, params = self._values_sql(
                ["id", *fnames], ({"id": i, **vals} for i, vals in by_id.items())
            )
            values_sql = SQL(values, *params)
            self.env.cr.execute(
                SQL(
                    """UPDATE tma_sla_timer t
                          SET %s, write_uid = %s, write_date = %s
                         FROM (VALUES %s) AS v(id, %s)
                        WHERE t.id = v.id""",
                    SQL(", ").join(
                        SQL("%s = v.%s", SQL.identifier(f), SQL.identifier(f))
                        for f in fnames
                    ),
                    self.env.uid,
                    self.env.cr.now(),
                    values_sql,
                    SQL(", ").join(SQL.identifier(f) for f in fnames),
                )
            )
            timers = self.browse(list(by_id))
            timers.invalidate_recordset([*fnames, "write_uid", "write_date"])
            timers.modified(list(fnames))

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

    # ------------------------------------------------------------------
    # Cron: breaches and escalations
    # ------------------------------------------------------------------
    @api.model
    def _claim(self, query, batch_size):
        """Run an ``UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED)
        RETURNING id`` claim, so parallel cron workers never take the same
        timers, and return the claimed timers with a fresh cache."""
        self.env.flush_all()
        self.env.cr.execute(query)
        ids = [row[0] for row in self.env.cr.fetchall()]
        timers = self.browse(ids)
        timers.invalidate_recordset()
        return timers

    @api.model
    def _cron_check(self, batch_size=500):
        """Notify new breaches (once each) and apply due escalation rules.

        Idempotent and safe with several cron workers: each batch is claimed
        with ``FOR UPDATE SKIP LOCKED`` and marked in the same statement. The
        claim also locks the timers' tickets, so two workers never notify the
        same ticket at once (their followers and activities would collide).

        A timer whose notification or escalation fails stays claimed and is
        logged: it never blocks the next ones. The cron reports its progress
        and runs again while timers are due (``_trigger`` when called outside
        the cron runner)."""
        now = fields.Datetime.now()
        breached = self._claim(
            SQL(
                """UPDATE tma_sla_timer t
                      SET breach_notified = TRUE,
                          status = 'breached',
                          breach_date = COALESCE(t.breach_date, t.deadline)
                    WHERE t.id IN (
                        SELECT s.id FROM tma_sla_timer s
                          JOIN helpdesk_ticket k ON k.id = s.ticket_id
                         WHERE s.breach_notified IS NOT TRUE
                           AND (s.status = 'breached'
                                OR (s.status = 'running' AND s.deadline <= %s))
                         ORDER BY s.deadline
                         LIMIT %s
                           FOR UPDATE OF s, k SKIP LOCKED)
                RETURNING t.id""",
                now,
                batch_size,
            ),
            batch_size,
        )
        run_isolated(breached, "_notify_breach")
        due = self._claim(
            SQL(
                """UPDATE tma_sla_timer t
                      SET next_escalation_date = NULL
                    WHERE t.id IN (
                        SELECT s.id FROM tma_sla_timer s
                          JOIN helpdesk_ticket k ON k.id = s.ticket_id
                         WHERE s.next_escalation_date <= %s
                           AND s.reached_date IS NULL
                         ORDER BY s.next_escalation_date
                         LIMIT %s
                           FOR UPDATE OF s, k SKIP LOCKED)
                RETURNING t.id""",
                now,
                batch_size,
            ),
            batch_size,
        )
        run_isolated(due, "_apply_escalation_rules")
        remaining = self.search_count(
            [
                "|",
                "&",
                ("breach_notified", "=", False),
                "|",
                ("status", "=", "breached"),
                "&",
                ("status", "=", "running"),
                ("deadline", "<=", now),
                "&",
                ("next_escalation_date", "<=", now),
                ("reached_date", "=", False),
            ]
        )
        done = len(breached) + len(due)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        if remaining and not self.env.context.get("ir_cron_progress_id"):
            self.env.ref("tma_sla.ir_cron_tma_sla_check")._trigger()
        return done

    def _apply_escalation_rules(self):
        """Fire the due escalation rules of these timers, in batches: the rules
        are marked as applied, the tickets below a rule's level move to it (one
        escalation batch per rule, lowest levels first), then the timers of the
        escalated tickets and the due ones are planned once.

        The tickets are written with ``tma_sla_sync_later``: their write does
        not come back into the timers (timer → ticket → timer); this method
        brings the escalated tickets' timers in line itself, once."""
        by_rule = defaultdict(lambda: self.browse())
        for timer in self:
            if timer.next_escalation_rule_id:
                by_rule[timer.next_escalation_rule_id] |= timer
        metrics = dict(self._fields["metric"]._description_selection(self.env))
        escalated = self.env["helpdesk.ticket"]
        for rule in sorted(by_rule, key=lambda r: (r.level_id.sequence, r.id)):
            timers = by_rule[rule]
            timers.write({"fired_rule_ids": [fields.Command.link(rule.id)]})
            reason = _(
                "Rule %(rule)s of the %(metric)s commitment.",
                rule=rule.display_name,
                metric=metrics[rule.metric],
            )
            moving = timers.ticket_id.filtered(
                lambda t, rule=rule: (
                    not t.tma_support_level_id
                    or rule.level_id.sequence > t.tma_support_level_id.sequence
                )
            )
            moving.with_context(tma_sla_sync_later=True)._tma_escalate(
                rule.level_id, reason, rule=rule, timer=timers
            )
            escalated |= moving
        # One plan: the escalated tickets' timers (their next rules follow the
        # new level), and the due timers whose rule moved nothing.
        escalated._tma_sla_sync(plan=self | escalated.tma_sla_timer_ids)

    def _notify_breach(self):
        """A chatter note on the ticket, an activity for the team lead and the
        account manager, and an email to the client where the contract asks;
        for the whole batch: the notes and the activities in one batch per
        round (a ticket gets one note and one activity per user for each of
        its breached commitments), the emails in one rendering."""
        if not self:
            return
        template = self.env.ref(
            "tma_sla.mail_template_tma_sla_breach", raise_if_not_found=False
        )
        activity_type = self.env.ref(
            "tma_sla.mail_activity_type_tma_sla_breach", raise_if_not_found=False
        )
        metrics = dict(self._fields["metric"]._description_selection(self.env))
        summaries = {}
        for timer in self:
            summaries[timer] = _(
                "%(metric)s commitment breached (deadline %(deadline)s)",
                metric=metrics[timer.metric],
                deadline=fields.Datetime.to_string(timer.breach_date or timer.deadline),
            )
        # Rounds in which each ticket appears once: a batch of notes is keyed
        # by ticket, and a batch of activities must not subscribe the same
        # follower twice to one ticket.
        rounds = []
        seen = defaultdict(int)
        for timer in self:
            index = seen[timer.ticket_id.id]
            seen[timer.ticket_id.id] += 1
            if index == len(rounds):
                rounds.append([])
            rounds[index].append(timer)
        model_id = self.env["ir.model"]._get_id("helpdesk.ticket")
        today = fields.Date.context_today(self)
        for timers in rounds:
            tickets = self.env["helpdesk.ticket"].browse(t.ticket_id.id for t in timers)
            tickets._message_log_batch(
                bodies={t.ticket_id.id: summaries[t] for t in timers}
            )
            activity_values = []
            for timer in timers:
                users = (
                    timer.ticket_id.team_id.user_id | timer.contract_id.user_id
                ).filtered(lambda u: not u.share)
                activity_values += [
                    {
                        "activity_type_id": activity_type.id
                        if activity_type
                        else False,
                        "summary": summaries[timer],
                        "automated": True,
                        "note": activity_type.default_note if activity_type else False,
                        "date_deadline": today,
                        "res_model_id": model_id,
                        "res_id": timer.ticket_id.id,
                        "user_id": user.id,
                    }
                    for user in users
                ]
            if activity_values:
                self.env["mail.activity"].create(activity_values)
        to_email = self.filtered(
            lambda t: t.contract_id.sla_notify_client and t.ticket_id.partner_id
        )
        if template and to_email:
            template.send_mail_batch(to_email.ids)

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
