# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .utils import PREVENTIVE_KINDS, RECURRENCE_UNITS, next_recurrence

# How far the portal calendar and the plan form look ahead.
CALENDAR_HORIZON_MONTHS = 12


class TmaPreventivePlan(models.Model):
    """One line of a contract's preventive maintenance plan: an audit of one
    application (and environment) that recurs.

    The cron :meth:`_cron_generate_occurrences` creates each occurrence (and
    its ticket, with the checklist) ``lead_days`` before its due date.
    ``next_due_date`` is the first due date not generated yet; the database
    holds one occurrence per plan line and due date at most.
    """

    _name = "tma.preventive.plan"
    _description = "Preventive Maintenance Plan Line"
    _inherit = ["mail.thread"]
    _order = "contract_id, next_due_date, id"

    name = fields.Char(required=True, tracking=True)
    contract_id = fields.Many2one(
        "tma.contract", required=True, ondelete="cascade", index=True, tracking=True
    )
    partner_id = fields.Many2one(
        related="contract_id.partner_id", store=True, index=True
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    application_id = fields.Many2one(
        "tma.application",
        required=True,
        index=True,
        tracking=True,
        domain="[('partner_id', '=', partner_id)]",
    )
    environment_id = fields.Many2one(
        "tma.application.environment",
        domain="[('application_id', '=', application_id)]",
    )
    audit_kind = fields.Selection(
        PREVENTIVE_KINDS, string="Kind of audit", required=True, tracking=True
    )
    interval_number = fields.Integer(
        string="Every", required=True, default=1, tracking=True
    )
    interval_unit = fields.Selection(
        RECURRENCE_UNITS, string="Unit", required=True, default="month", tracking=True
    )
    date_start = fields.Date(
        string="First due date",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    next_due_date = fields.Date(
        readonly=True,
        copy=False,
        index=True,
        help="The first due date whose occurrence is not created yet.",
    )
    lead_days = fields.Integer(
        string="Lead time (days)",
        default=14,
        help="The ticket is created this many days before the due date.",
    )
    checklist_template = fields.Text(
        help="One check per line: each ticket of the plan gets these checks, "
        "all of which must be done before it closes."
    )
    estimated_units = fields.Float(digits="TMA Units")
    team_id = fields.Many2one("helpdesk.ticket.team")
    user_id = fields.Many2one("res.users", string="Engineer")
    occurrence_ids = fields.One2many(
        "tma.preventive.occurrence", "plan_id", string="Occurrences"
    )
    occurrence_count = fields.Integer(compute="_compute_occurrence_count")
    active = fields.Boolean(default=True)

    def _compute_occurrence_count(self):
        groups = self.env["tma.preventive.occurrence"]._read_group(
            [("plan_id", "in", self.ids)], ["plan_id"], ["__count"]
        )
        counts = {plan.id: count for plan, count in groups}
        for plan in self:
            plan.occurrence_count = counts.get(plan.id, 0)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("interval_number", "lead_days", "estimated_units")
    def _check_figures(self):
        for plan in self:
            if plan.interval_number <= 0:
                raise ValidationError(
                    _(
                        "Plan line %(name)s must recur at least every one period.",
                        name=plan.display_name,
                    )
                )
            if plan.lead_days < 0 or plan.estimated_units < 0:
                raise ValidationError(
                    _(
                        "The lead time and the estimated units of plan line "
                        "%(name)s cannot be negative.",
                        name=plan.display_name,
                    )
                )

    @api.constrains("contract_id", "application_id", "environment_id")
    def _check_application(self):
        for plan in self:
            if plan.application_id.partner_id != plan.contract_id.partner_id:
                raise ValidationError(
                    _(
                        "Application %(application)s belongs to another client "
                        "than contract %(contract)s.",
                        application=plan.application_id.display_name,
                        contract=plan.contract_id.display_name,
                    )
                )
            preventive = self.env.ref("tma_contract.maintenance_type_preventive")
            plan.contract_id._check_scope(
                preventive, plan.application_id, plan.display_name
            )
            if (
                plan.environment_id
                and plan.environment_id.application_id != plan.application_id
            ):
                raise ValidationError(
                    _(
                        "Environment %(environment)s is not an environment of "
                        "application %(application)s.",
                        environment=plan.environment_id.display_name,
                        application=plan.application_id.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals.setdefault(
                "next_due_date",
                vals.get("date_start") or fields.Date.context_today(self),
            )
        return super().create(vals_list)

    def write(self, vals):
        result = super().write(vals)
        if "date_start" in vals:
            # A plan line that has not started yet follows its new first date.
            self.filtered(lambda p: not p.occurrence_ids).write(
                {"next_due_date": vals["date_start"]}
            )
        return result

    # ------------------------------------------------------------------
    # Calendar
    # ------------------------------------------------------------------
    def _next_due_date_after(self, day):
        self.ensure_one()
        return next_recurrence(day, self.interval_number, self.interval_unit)

    def _get_checklist_lines(self):
        self.ensure_one()
        return [
            line.strip()
            for line in (self.checklist_template or "").splitlines()
            if line.strip()
        ]

    def _get_check_values(self, ticket):
        """Values of the checks of ``ticket``, made for this plan line."""
        self.ensure_one()
        return [
            {"ticket_id": ticket.id, "name": line, "sequence": index}
            for index, line in enumerate(self._get_checklist_lines(), start=1)
        ]

    def _get_ticket_description(self):
        self.ensure_one()
        lines = self._get_checklist_lines()
        intro = Markup("<p>%s</p>") % _(
            "Preventive maintenance planned by the contract: %(plan)s.",
            plan=self.name,
        )
        if not lines:
            return intro
        items = Markup("").join(Markup("<li>%s</li>") % line for line in lines)
        return intro + Markup("<ul>%s</ul>") % items

    def _get_upcoming_dates(self, until):
        """The due dates of this line not generated yet, up to ``until``."""
        self.ensure_one()
        dates = []
        day = self.next_due_date
        while day and day <= until and len(dates) < 400:
            dates.append(day)
            day = self._next_due_date_after(day)
        return dates

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------
    def _lock_due_plans(self, today, batch_size):
        """Ids of active plan lines of active contracts with a ticket to
        create by ``today``, locked for this transaction; lines another cron
        worker holds are skipped."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT p.id
                     FROM tma_preventive_plan p
                     JOIN tma_contract c ON c.id = p.contract_id
                    WHERE p.active AND c.state = 'active'
                      AND p.next_due_date - COALESCE(p.lead_days, 0) <= %s
                    ORDER BY p.next_due_date, p.id
                    LIMIT %s
                      FOR UPDATE OF p SKIP LOCKED""",
                today,
                batch_size,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _cron_generate_occurrences(self, batch_size=500, today=None):
        """Create the preventive occurrences that are due, with their tickets.

        Batched and idempotent: each run locks up to ``batch_size`` plan lines
        (``SKIP LOCKED``: parallel workers share the work), inserts their
        occurrences (``ON CONFLICT DO NOTHING`` on the unique plan line and due
        date), creates the tickets and checklists in one call each and moves
        the lines' next due dates, then re-arms itself while lines remain.
        A due date that passed while a later one is also due is recorded as
        skipped, without a ticket: only the latest audit is worth doing.

        :param today: the day to generate for (default: today); the demo
            data tells a plan's past with it
        """
        today = fields.Date.to_date(today) or fields.Date.context_today(self)
        plan_ids = self._lock_due_plans(today, batch_size)
        if not plan_ids:
            return True
        plans = self.browse(plan_ids)
        occurrences = self.env["tma.preventive.occurrence"]._generate_for_plans(
            plans, today
        )
        remaining = 0
        if len(plan_ids) == batch_size:
            self.env.cr.execute(
                SQL(
                    """SELECT count(*) FROM tma_preventive_plan p
                         JOIN tma_contract c ON c.id = p.contract_id
                        WHERE p.active AND c.state = 'active'
                          AND p.next_due_date - COALESCE(p.lead_days, 0) <= %s""",
                    today,
                )
            )
            remaining = self.env.cr.fetchone()[0]
        if self.env.context.get("ir_cron_progress_id"):
            # The cron runner calls us again while work remains.
            self.env["ir.cron"]._notify_progress(
                done=len(plan_ids), remaining=remaining
            )
        elif remaining:
            self.env.ref("tma_contract.ir_cron_tma_preventive_occurrences")._trigger()
        return occurrences

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_view_occurrences(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "tma_contract.tma_preventive_occurrence_action"
        )
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {"default_plan_id": self.id}
        return action
