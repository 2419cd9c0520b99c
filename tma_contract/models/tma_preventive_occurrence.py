# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.bulk_sql import unnest, update_rows
from .utils import OCCURRENCE_STATES, PREVENTIVE_KINDS, reader_date

# A plan line far behind its calendar records at most this many due dates
# per run (the rest on the next runs).
MAX_DATES_PER_PLAN = 200


class TmaPreventiveOccurrence(models.Model):
    """One due date of a preventive plan line, and the ticket doing it.

    Occurrences are created by the plan's cron only (one per plan line and
    due date, enforced by the database). ``open``: the ticket is being
    worked on (late once its due date has passed); ``done``: its ticket
    closed with the checklist done; ``skipped``: the due date passed without
    the audit (a later one was already due, or the ticket was cancelled).
    """

    _name = "tma.preventive.occurrence"
    _description = "Preventive Maintenance Occurrence"
    _inherit = ["tma.portal.mixin"]
    _order = "due_date desc, id desc"
    _rec_name = "due_date"

    plan_id = fields.Many2one(
        "tma.preventive.plan", required=True, ondelete="cascade", readonly=True
    )
    contract_id = fields.Many2one(
        "tma.contract", required=True, ondelete="cascade", index=True, readonly=True
    )
    partner_id = fields.Many2one("res.partner", index=True, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    application_id = fields.Many2one("tma.application", readonly=True)
    environment_id = fields.Many2one(related="plan_id.environment_id")
    audit_kind = fields.Selection(
        PREVENTIVE_KINDS, string="Kind of audit", readonly=True
    )
    due_date = fields.Date(required=True, readonly=True, index=True)
    state = fields.Selection(
        OCCURRENCE_STATES, required=True, default="open", readonly=True, index=True
    )
    ticket_id = fields.Many2one(
        "helpdesk.ticket", readonly=True, index="btree_not_null", ondelete="set null"
    )
    ticket_stage_id = fields.Many2one(related="ticket_id.stage_id")
    date_done = fields.Date(readonly=True)
    is_late = fields.Boolean(
        compute="_compute_is_late",
        search="_search_is_late",
        help="Open past its due date, or done after it.",
    )
    on_time = fields.Boolean(
        readonly=True, help="Done on or before its due date (set when done)."
    )
    report = fields.Html(
        string="Audit report",
        help="The conclusion of the audit, shown to the client in its portal.",
    )
    finding_ids = fields.One2many(
        "tma.preventive.finding", "occurrence_id", string="Findings"
    )
    check_ids = fields.One2many(related="ticket_id.tma_check_ids")

    _sql_constraints = [
        (
            "plan_due_date_unique",
            "UNIQUE(plan_id, due_date)",
            "A plan line has one occurrence per due date.",
        ),
    ]

    @api.depends("state", "due_date", "date_done")
    def _compute_is_late(self):
        today = fields.Date.context_today(self)
        for occurrence in self:
            occurrence.is_late = (
                occurrence.state == "open" and occurrence.due_date < today
            ) or (
                occurrence.state == "done"
                and occurrence.date_done
                and occurrence.date_done > occurrence.due_date
            )

    def _search_is_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on lateness."))
        today = fields.Date.context_today(self)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT id FROM tma_preventive_occurrence
                    WHERE (state = 'open' AND due_date < %s)
                       OR (state = 'done' AND date_done > due_date)""",
                today,
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", ids)]

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for occurrence in self:
            occurrence.access_url = f"/my/tma/preventive/{occurrence.id}"
        return result

    @api.depends("plan_id", "due_date")
    def _compute_display_name(self):
        for occurrence in self:
            occurrence.display_name = _(
                "%(plan)s, due %(date)s",
                plan=occurrence.plan_id.name or "",
                date=occurrence.due_date,
            )

    # ------------------------------------------------------------------
    # Generation (called by the plan's cron)
    # ------------------------------------------------------------------
    @api.model
    def _plan_due_dates(self, plans, today):
        """``{plan: [(due_date, state)]}``: the due dates of ``plans`` to
        record by ``today`` (a date is recorded ``lead_days`` before it),
        ``skipped`` when the next one is already due, and the next due date
        of each plan afterwards."""
        due, next_dates = {}, {}
        for plan in plans:
            dates = []
            day = plan.next_due_date
            while (
                day
                and (day - today).days <= plan.lead_days
                and len(dates) < MAX_DATES_PER_PLAN
            ):
                following = plan._next_due_date_after(day)
                dates.append((day, "skipped" if following <= today else "open"))
                day = following
            due[plan] = dates
            next_dates[plan] = day
        return due, next_dates

    @api.model
    def _generate_for_plans(self, plans, today):
        """Record the due occurrences of ``plans`` (locked by the caller) and
        create the tickets of the open ones with their checklists.

        The number of queries does not depend on the number of plan lines:
        one insert of the occurrences, one ``create`` of the tickets, one of
        the checks, one update of the occurrences and one of the plans.
        """
        due, next_dates = self._plan_due_dates(plans, today)
        rows = [
            (plan, day, state) for plan, dates in due.items() for day, state in dates
        ]
        if not rows:
            return self.browse()
        table = [
            {"plan_id": plan.id, "due_date": day, "state": state}
            for plan, day, state in rows
        ]
        self.env.cr.execute(
            SQL(
                """INSERT INTO tma_preventive_occurrence
                        (plan_id, contract_id, partner_id, company_id,
                         application_id, audit_kind, due_date, state,
                         access_token, create_uid, create_date, write_uid, write_date)
                   SELECT p.id, p.contract_id, p.partner_id, p.company_id,
                          p.application_id, p.audit_kind, r.due_date, r.state,
                          gen_random_uuid()::text, %(uid)s, now() at time zone 'UTC',
                          %(uid)s, now() at time zone 'UTC'
                     FROM %(rows)s
                     JOIN tma_preventive_plan p ON p.id = r.plan_id
                       ON CONFLICT (plan_id, due_date) DO NOTHING
                RETURNING id""",
                uid=self.env.uid,
                rows=unnest(self, "r", ["plan_id", "due_date", "state"], table),
            )
        )
        occurrences = self.browse([row[0] for row in self.env.cr.fetchall()])
        update_rows(
            plans,
            {plan: {"next_due_date": day} for plan, day in next_dates.items()},
        )
        plans.invalidate_recordset(["occurrence_ids"])
        occurrences._create_tickets()
        return occurrences

    def _create_tickets(self):
        """Create the tickets of these open occurrences (one ``create`` for
        all) and their checklists (one more), and link them."""
        todo = self.filtered(lambda o: o.state == "open" and not o.ticket_id)
        if not todo:
            return self.env["helpdesk.ticket"]
        Ticket = self.env["helpdesk.ticket"]
        numbers = Ticket._tma_reserve_numbers(len(todo))
        preventive = self.env.ref("tma_contract.maintenance_type_preventive")
        vals_list = [
            occurrence._prepare_ticket_values(preventive, number)
            for occurrence, number in zip(todo, numbers, strict=True)
        ]
        # The first stage of each team, asked once per team (the host asks
        # it once per ticket otherwise).
        first_stages = {}
        for vals in vals_list:
            if vals.get("team_id") and "stage_id" not in vals:
                if vals["team_id"] not in first_stages:
                    team = self.env["helpdesk.ticket.team"].browse(vals["team_id"])
                    first_stages[team.id] = team._get_applicable_stages()[:1].id
                vals["stage_id"] = first_stages[vals["team_id"]]
        tickets = Ticket.with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True
        ).create(vals_list)
        checks = []
        for occurrence, ticket in zip(todo, tickets, strict=True):
            checks += occurrence.plan_id._get_check_values(ticket)
        self.env["tma.preventive.check"].create(checks)
        update_rows(
            self,
            {
                occurrence: {"ticket_id": ticket.id}
                for occurrence, ticket in zip(todo, tickets, strict=True)
            },
        )
        return tickets

    def _prepare_ticket_values(self, maintenance_type, number=None):
        """Values of the ticket of this occurrence (hook)."""
        self.ensure_one()
        plan = self.plan_id
        contract = self.contract_id
        team = plan.team_id or contract.team_ids[:1]
        env = contract._tma_reader_env()
        kind = dict(self._fields["audit_kind"]._description_selection(env))
        vals = {
            "name": env._(
                "%(kind)s audit of %(application)s, due %(date)s",
                kind=kind.get(self.audit_kind, ""),
                application=plan.application_id.with_env(env).name,
                date=reader_date(env, self.due_date),
            ),
            "description": plan.with_env(env)._get_ticket_description(),
            "partner_id": contract.partner_id.id,
            "tma_contract_id": contract.id,
            "tma_application_id": plan.application_id.id,
            "tma_environment_id": plan.environment_id.id,
            "tma_maintenance_type_id": maintenance_type.id,
            "tma_preventive_occurrence_id": self.id,
            "company_id": contract.company_id.id,
        }
        if number:
            vals["number"] = number
        if team:
            vals["team_id"] = team.id
        if plan.user_id:
            vals["user_id"] = plan.user_id.id
        return vals

    # ------------------------------------------------------------------
    # Portal
    # ------------------------------------------------------------------
    @api.model
    def _get_portal_calendar(self, partner, horizon_months=12, history_limit=50):
        """The preventive calendar of client ``partner`` as the current user
        may read it: ``upcoming``, a list of ``(date, plan, occurrence)`` (the
        occurrences in progress, then the due dates of the active contracts'
        plans not generated yet within ``horizon_months``; ``occurrence`` is
        empty for those), and ``history``, the latest occurrences done or
        skipped, and ``components``, the components of its applications
        with their end of support."""
        today = fields.Date.context_today(self)
        until = today + relativedelta(months=horizon_months)
        domain = [("partner_id", "=", partner.id)]
        in_progress = self.search(domain + [("state", "=", "open")], order="due_date")
        plans = self.env["tma.preventive.plan"].search(
            [("partner_id", "=", partner.id), ("contract_id.state", "=", "active")]
        )
        upcoming = [(o.due_date, o.plan_id, o) for o in in_progress] + [
            (day, plan, self.browse())
            for plan in plans
            for day in plan._get_upcoming_dates(until)
        ]
        upcoming.sort(key=lambda row: (row[0], row[1].id))
        history = self.search(
            domain + [("state", "in", ("done", "skipped"))], limit=history_limit
        )
        components = self.env["tma.application.component"].search(
            [("partner_id", "=", partner.id)]
        )
        return {
            "upcoming": upcoming,
            "history": history,
            "components": components,
            "today": today,
        }

    # ------------------------------------------------------------------
    # Life cycle (driven by the ticket)
    # ------------------------------------------------------------------
    def _mark_done(self):
        today = fields.Date.context_today(self)
        done = self.filtered(lambda o: o.state == "open")
        for occurrence in done:
            occurrence.write(
                {
                    "state": "done",
                    "date_done": today,
                    "on_time": today <= occurrence.due_date,
                }
            )
        done._on_done()

    def _on_done(self):
        """Hook: these occurrences were just done (their ticket closed with
        its checklist done): their audit report is filed in the contract's
        documentation register."""
        self._tma_file_audit_report()
        return True

    def _mark_skipped(self):
        self.filtered(lambda o: o.state == "open").write(
            {"state": "skipped", "date_done": False, "on_time": False}
        )

    def action_open_ticket(self):
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "helpdesk.ticket",
            "res_id": self.ticket_id.id,
            "view_mode": "form",
        }
