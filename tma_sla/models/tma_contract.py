# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from dateutil.relativedelta import relativedelta
from markupsafe import Markup
from pytz import timezone

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.tma_contract.models.utils import sql_selection

from .utils import (
    CRITICALITIES,
    METRICS,
    RATING_SATISFIED,
    REVIEW_DEFAULT_CADENCE,
    REVIEW_KINDS,
    TREND_MONTHS,
    month_count,
)

# A client who rates a ticket again changes its mind: the figures count the
# latest rating of each ticket only (a rating is an act, never edited).
LATEST_RATING = SQL(
    """NOT EXISTS (SELECT 1 FROM rating_rating later
                    WHERE later.res_model = r.res_model
                      AND later.res_id = r.res_id
                      AND later.consumed AND later.rating > 0
                      AND (later.tma_rated_on, later.id) > (r.tma_rated_on, r.id))"""
)
SLA_CONTRACT_FIELDS = {"sla_policy_id", "sla_coverage", "sla_calendar_id"}


class TmaContract(models.Model):
    _inherit = "tma.contract"

    sla_policy_id = fields.Many2one(
        "tma.sla.policy",
        string="SLA policy",
        tracking=True,
        index="btree_not_null",
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
    )
    sla_coverage = fields.Selection(
        [("business", "Business hours"), ("24_7", "24/7")],
        string="Coverage",
        default="business",
        required=True,
        tracking=True,
        help="24/7 coverage counts the targets around the clock, weekends and "
        "public holidays included.",
    )
    sla_calendar_id = fields.Many2one(
        "resource.calendar",
        string="SLA calendar",
        tracking=True,
        help="Replaces the policy's calendar for this contract (the client's "
        "business hours, for instance).",
    )
    sla_notify_client = fields.Boolean(
        string="Email the client on breach",
        default=True,
        help="Send the client an email when a commitment of one of its tickets "
        "is breached.",
    )
    penalty_rule_ids = fields.One2many(
        "tma.sla.penalty.rule", "contract_id", string="Penalty rules", copy=True
    )
    penalty_cap_type = fields.Selection(
        [
            ("none", "No cap"),
            ("amount", "Amount per period"),
            ("percent", "Share of the period's fee"),
        ],
        string="Penalty cap",
        default="none",
        required=True,
    )
    penalty_cap_amount = fields.Monetary(
        string="Penalty cap amount", currency_field="currency_id"
    )
    penalty_cap_percent = fields.Float(string="Penalty cap (%)")
    penalty_period_ids = fields.One2many(
        "tma.sla.penalty.period", "contract_id", string="Penalty periods"
    )
    sla_report_ids = fields.One2many(
        "tma.sla.service.report", "contract_id", string="Service reports"
    )
    sla_timer_count = fields.Integer(string="SLA timers", compute="_compute_sla_counts")
    sla_breach_count = fields.Integer(
        string="SLA breaches", compute="_compute_sla_counts"
    )
    sla_escalation_count = fields.Integer(
        string="Escalation count", compute="_compute_sla_counts"
    )
    sla_report_count = fields.Integer(
        string="Report count", compute="_compute_sla_counts"
    )
    sla_penalty_count = fields.Integer(
        string="Penalty period count", compute="_compute_sla_counts"
    )
    sla_service_hours = fields.Char(
        string="Service levels",
        compute="_compute_sla_service_hours",
        help="The policy and the hours its targets count in, as the client "
        "reads them: around the clock on a 24/7 contract, else the calendar.",
    )
    sla_month_compliance = fields.Float(
        string="Compliance this month (%)", compute="_compute_sla_month"
    )
    sla_month_breaches = fields.Integer(
        string="Breaches this month", compute="_compute_sla_month"
    )
    sla_month_late = fields.Integer(
        string="Late running timers", compute="_compute_sla_month_late"
    )

    def _compute_sla_counts(self):
        def count(model, domain, field="contract_id"):
            groups = self.env[model]._read_group(
                [(field, "in", self.ids), *domain], [field], ["__count"]
            )
            return {contract.id: n for contract, n in groups}

        timers = count("tma.sla.timer", [])
        breaches = count("tma.sla.timer", [("status", "=", "breached")])
        escalations = count("tma.sla.escalation", [])
        reports = count("tma.sla.service.report", [])
        penalties = count("tma.sla.penalty.period", [])
        for contract in self:
            contract.sla_timer_count = timers.get(contract.id, 0)
            contract.sla_breach_count = breaches.get(contract.id, 0)
            contract.sla_escalation_count = escalations.get(contract.id, 0)
            contract.sla_report_count = reports.get(contract.id, 0)
            contract.sla_penalty_count = penalties.get(contract.id, 0)

    @api.depends(
        "sla_policy_id.name",
        "sla_policy_id.calendar_id.name",
        "sla_coverage",
        "sla_calendar_id.name",
    )
    def _compute_sla_service_hours(self):
        for contract in self:
            policy = contract.sla_policy_id
            if not policy:
                contract.sla_service_hours = False
            elif contract.sla_coverage == "24_7":
                contract.sla_service_hours = self.env._(
                    "%(policy)s, around the clock (24/7, weekends and public "
                    "holidays included)",
                    policy=policy.name,
                )
            else:
                calendar = contract.sla_calendar_id or policy.calendar_id
                contract.sla_service_hours = self.env._(
                    "%(policy)s, business hours (%(calendar)s)",
                    policy=policy.name,
                    calendar=calendar.name,
                )

    def _compute_sla_month(self):
        for contract in self:
            if not contract.sla_policy_id or not contract.id:
                contract.sla_month_compliance = 0.0
                contract.sla_month_breaches = 0
                continue
            month_start = contract._tma_today().replace(day=1)
            month_end = month_start + relativedelta(months=1, days=-1)
            kpis = contract._tma_sla_compliance(month_start, month_end)
            contract.sla_month_compliance = kpis["compliance"]
            contract.sla_month_breaches = kpis["breached"]

    def _compute_sla_month_late(self):
        """Running timers past their deadline, for all the contracts in one
        query (apart from the month's compliance: the portal does not show
        them)."""
        contracts = self.filtered(lambda c: c.sla_policy_id and c.id)
        late = {}
        if contracts:
            groups = self.env["tma.sla.timer"]._read_group(
                [
                    ("contract_id", "in", contracts.ids),
                    ("status", "=", "running"),
                    ("deadline", "<", fields.Datetime.now()),
                ],
                ["contract_id"],
                ["__count"],
            )
            late = {contract.id: count for contract, count in groups}
        for contract in self:
            contract.sla_month_late = late.get(contract.id, 0)

    @api.constrains("penalty_cap_amount", "penalty_cap_percent")
    def _check_penalty_cap(self):
        for contract in self:
            if contract.penalty_cap_amount < 0 or contract.penalty_cap_percent < 0:
                raise ValidationError(
                    _(
                        "The penalty cap of contract %(contract)s cannot be negative.",
                        contract=contract.display_name,
                    )
                )
            if contract.penalty_cap_percent > 100:
                raise ValidationError(
                    _("A penalty cap cannot exceed 100 % of the period's fee.")
                )

    def write(self, vals):
        result = super().write(vals)
        if SLA_CONTRACT_FIELDS.intersection(vals):
            tickets = self.env["helpdesk.ticket"].search_fetch(
                [("tma_contract_id", "in", self.ids), ("closed", "=", False)],
                self.env["helpdesk.ticket"]._tma_sla_sync_fields(),
            )
            tickets._tma_sla_sync()
        return result

    def _tma_sla_calendar(self):
        """The calendar the contract's targets count on; empty for 24/7."""
        self.ensure_one()
        if self.sla_coverage == "24_7":
            return self.env["resource.calendar"]
        return self.sla_calendar_id or self.sla_policy_id.calendar_id

    def _tma_tz(self):
        """The contract's time zone is the one of its SLA calendar (the
        client's business hours) when it has one: its months are the ones
        its service reports count."""
        self.ensure_one()
        calendar = self.sla_calendar_id or self.sla_policy_id.calendar_id
        if calendar.tz:
            return timezone(calendar.tz)
        return super()._tma_tz()

    # ------------------------------------------------------------------
    # KPIs
    # ------------------------------------------------------------------
    def _tma_sla_compliance(self, date_from, date_to):
        """Met and breached commitments that fell due in the period."""
        self.ensure_one()
        start, end = self._tma_period_bounds(date_from, date_to)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT count(*) FILTER (WHERE status = 'met'),
                          count(*) FILTER (WHERE status = 'breached')
                     FROM tma_sla_timer
                    WHERE contract_id = %s
                      AND status IN ('met', 'breached')
                      AND COALESCE(breach_date, reached_date) >= %s
                      AND COALESCE(breach_date, reached_date) < %s""",
                self.id,
                start,
                end,
            )
        )
        return self._compliance_figures(*self.env.cr.fetchone())

    @staticmethod
    def _compliance_figures(met, breached):
        total = met + breached
        return {
            "met": met,
            "breached": breached,
            "compliance": round(100.0 * met / total, 1) if total else 100.0,
        }

    def _tma_export_sheets(self):
        """Add the SLA timers of the contract's tickets (those the client
        sees: archived tickets stay out)."""
        sheets = super()._tma_export_sheets()
        env = self.env
        sheets.append(
            (
                _("SLA timers"),
                [
                    _("Ticket"),
                    _("Commitment"),
                    _("Criticality"),
                    _("Status"),
                    _("Deadline"),
                    _("Reached"),
                    _("Business minutes"),
                ],
                SQL(
                    """SELECT t.number, %s, %s, %s,
                              COALESCE(s.breach_date, s.deadline), s.reached_date,
                              s.elapsed_minutes
                         FROM tma_sla_timer s
                         JOIN helpdesk_ticket t ON t.id = s.ticket_id
                        WHERE s.contract_id = %s AND t.active
                        ORDER BY s.id""",
                    sql_selection(env, "tma.sla.timer", "metric", SQL("s.metric")),
                    sql_selection(
                        env, "tma.sla.timer", "criticality", SQL("s.criticality")
                    ),
                    sql_selection(env, "tma.sla.timer", "status", SQL("s.status")),
                    self.id,
                ),
            )
        )
        return sheets

    def _tma_export_kpi_rows(self, date_from, date_to):
        """Add the service-level indicators of each month to the contract's
        exported indicators (the KPI sheet of the reversibility package)."""
        rows = super()._tma_export_kpi_rows(date_from, date_to)
        metrics = dict(
            self.env["tma.sla.timer"]._fields["metric"]._description_selection(self.env)
        )
        month = date_from.replace(day=1)
        while month <= date_to:
            end = min(month + relativedelta(months=1, days=-1), date_to)
            kpis = self._tma_sla_kpis(max(month, date_from), end)
            rows += [
                (month, _("Backlog at the end of the month"), kpis["backlog"]),
                (month, _("Closure rate (%)"), kpis["closure_rate"]),
                (month, _("First-contact resolution (%)"), kpis["first_contact_rate"]),
                (month, _("Commitments met"), kpis["met"]),
                (month, _("Commitments breached"), kpis["breached"]),
                (month, _("SLA compliance (%)"), kpis["compliance_rate"]),
                (month, _("Recurring incidents"), kpis["recurring"]),
            ]
            rows += [
                (
                    month,
                    # self.env._: in a comprehension, _() finds no language
                    self.env._(
                        "%(metric)s: mean (business hours)", metric=metrics[metric]
                    ),
                    figures["mean_hours"],
                )
                for metric, figures in kpis["durations"].items()
            ]
            if kpis["satisfaction"] is not None:
                rows.append(
                    (month, _("Customer satisfaction (out of 5)"), kpis["satisfaction"])
                )
            if kpis["satisfaction_rate"] is not None:
                rows.append(
                    (month, _("Satisfied clients (%)"), kpis["satisfaction_rate"])
                )
            if kpis["response_rate"] is not None:
                rows.append(
                    (month, _("Rating response rate (%)"), kpis["response_rate"])
                )
            month += relativedelta(months=1)
        return rows

    def _tma_sla_kpis(self, date_from, date_to):
        """Every figure of the monthly service report, computed by SQL
        aggregates (bounded cost whatever the number of tickets)."""
        self.ensure_one()
        self.env.flush_all()
        cr = self.env.cr
        start, end = self._tma_period_bounds(date_from, date_to)
        kpis = {
            "contract": self.display_name,
            "date_from": fields.Date.to_string(date_from),
            "date_to": fields.Date.to_string(date_to),
        }
        cr.execute(
            SQL(
                """SELECT count(*) FILTER (WHERE t.create_date >= %(s)s
                                             AND t.create_date < %(e)s),
                          count(*) FILTER (WHERE t.closed_date >= %(s)s
                                             AND t.closed_date < %(e)s),
                          count(*) FILTER (WHERE t.create_date < %(e)s
                                             AND (t.closed_date IS NULL
                                                  OR t.closed_date >= %(e)s)),
                          count(*) FILTER (
                            WHERE t.closed_date >= %(s)s
                              AND t.closed_date < %(e)s
                              AND COALESCE(t.tma_staff_response_count, 0) <= 1
                              AND t.tma_reassigned IS NOT TRUE
                              AND t.tma_reopened IS NOT TRUE)
                     FROM helpdesk_ticket t
                    WHERE t.tma_contract_id = %(c)s AND t.active""",
                s=start,
                e=end,
                c=self.id,
            )
        )
        opened, closed, backlog, first_contact = cr.fetchone()
        kpis.update(
            opened=opened,
            closed=closed,
            backlog=backlog,
            closure_rate=round(100.0 * closed / opened, 1) if opened else 0.0,
            first_contact_rate=round(100.0 * first_contact / closed, 1)
            if closed
            else 0.0,
        )
        # Time to acknowledge / resolve, business hours.
        cr.execute(
            SQL(
                """SELECT metric, count(*), avg(elapsed_minutes),
                          percentile_cont(0.9) WITHIN GROUP (ORDER BY elapsed_minutes)
                     FROM tma_sla_timer
                    WHERE contract_id = %s AND reached_date >= %s
                      AND reached_date < %s
                    GROUP BY metric""",
                self.id,
                start,
                end,
            )
        )
        durations = {
            metric: {
                "count": n,
                "mean_hours": round((mean or 0) / 60, 2),
                "p90_hours": round((p90 or 0) / 60, 2),
            }
            for metric, n, mean, p90 in cr.fetchall()
        }
        kpis["durations"] = {
            metric: durations.get(
                metric, {"count": 0, "mean_hours": 0.0, "p90_hours": 0.0}
            )
            for metric, _label in METRICS
        }
        # Compliance per metric and criticality.
        cr.execute(
            SQL(
                """SELECT metric, criticality,
                          count(*) FILTER (WHERE status = 'met'),
                          count(*) FILTER (WHERE status = 'breached')
                     FROM tma_sla_timer
                    WHERE contract_id = %s AND status IN ('met', 'breached')
                      AND COALESCE(breach_date, reached_date) >= %s
                      AND COALESCE(breach_date, reached_date) < %s
                    GROUP BY metric, criticality""",
                self.id,
                start,
                end,
            )
        )
        rows = {(m, c): (met, br) for m, c, met, br in cr.fetchall()}
        compliance = []
        for metric, _label in METRICS:
            for criticality, _clabel in CRITICALITIES:
                met, breached = rows.get((metric, criticality), (0, 0))
                if met + breached:
                    compliance.append(
                        {
                            "metric": metric,
                            "criticality": criticality,
                            "met": met,
                            "breached": breached,
                            "rate": round(100.0 * met / (met + breached), 1),
                        }
                    )
        kpis["compliance"] = compliance
        # The same commitments as _tma_sla_compliance(), summed from the rows
        # above instead of queried again.
        overall = self._compliance_figures(
            sum(met for met, _br in rows.values()),
            sum(br for _met, br in rows.values()),
        )
        kpis.update(
            met=overall["met"],
            breached=overall["breached"],
            compliance_rate=overall["compliance"],
        )
        # Escalations per level reached.
        cr.execute(
            SQL(
                """SELECT l.code, count(*)
                     FROM tma_sla_escalation x
                     JOIN tma_support_level l ON l.id = x.to_level_id
                    WHERE x.contract_id = %s AND x.direction = 'up'
                      AND x.date >= %s AND x.date < %s
                    GROUP BY l.code, l.sequence ORDER BY l.sequence""",
                self.id,
                start,
                end,
            )
        )
        kpis["escalations"] = [{"level": code, "count": n} for code, n in cr.fetchall()]
        # Recurring incidents: corrective tickets with the same application
        # and category as an earlier corrective ticket of the contract within
        # the policy's window (evolutions and questions are no incidents).
        window = self.sla_policy_id.recurrence_days or 30
        cr.execute(
            SQL(
                """SELECT count(*) FROM helpdesk_ticket t
                     JOIN tma_maintenance_type m
                       ON m.id = t.tma_maintenance_type_id
                      AND m.code = 'corrective'
                    WHERE t.tma_contract_id = %(c)s
                      AND t.create_date >= %(s)s AND t.create_date < %(e)s
                      AND t.tma_application_id IS NOT NULL
                      AND t.category_id IS NOT NULL
                      AND EXISTS (
                        SELECT 1 FROM helpdesk_ticket p
                          JOIN tma_maintenance_type pm
                            ON pm.id = p.tma_maintenance_type_id
                           AND pm.code = 'corrective'
                         WHERE p.tma_contract_id = t.tma_contract_id
                           AND p.tma_application_id = t.tma_application_id
                           AND p.category_id = t.category_id
                           AND p.id != t.id
                           AND p.create_date < t.create_date
                           AND p.create_date
                               >= t.create_date - %(w)s * interval '1 day')""",
                c=self.id,
                s=start,
                e=end,
                w=window,
            )
        )
        kpis["recurring"] = cr.fetchone()[0]
        # Units consumed against the monthly estimate.
        cr.execute(
            SQL(
                """SELECT COALESCE(sum(consumed_units), 0) FROM tma_unit_entry
                    WHERE contract_id = %s AND date >= %s AND date < %s
                      AND scope != 'billed'""",
                self.id,
                start,
                end,
            )
        )
        months = month_count(date_from, date_to)
        kpis["units_consumed"] = round(cr.fetchone()[0], 2)
        kpis["units_estimate"] = round(self._get_monthly_volume_units() * months, 2)
        # Satisfaction, where tickets are rated (rating module installed).
        kpis["satisfaction"] = None
        if "rating.rating" in self.env:
            cr.execute(
                SQL(
                    """SELECT avg(r.rating), count(*) FROM rating_rating r
                        JOIN helpdesk_ticket t ON t.id = r.res_id
                       WHERE r.res_model = 'helpdesk.ticket' AND r.consumed
                         AND r.rating > 0 AND t.tma_contract_id = %s
                         AND r.tma_rated_on >= %s AND r.tma_rated_on < %s
                         AND %s""",
                    self.id,
                    start,
                    end,
                    LATEST_RATING,
                )
            )
            avg, count = cr.fetchone()
            if count:
                kpis["satisfaction"] = round(avg, 2)
        self._tma_review_kpis(kpis, start, end, date_from, date_to)
        return kpis

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _tma_sla_action(self, xmlid, domain):
        self.ensure_one()
        return self._action_open(xmlid, domain, {"default_contract_id": self.id})

    def action_view_sla_timers(self):
        return self._tma_sla_action(
            "tma_sla.tma_sla_timer_action", [("contract_id", "=", self.id)]
        )

    def action_view_sla_breaches(self):
        return self._tma_sla_action(
            "tma_sla.tma_sla_timer_action",
            [("contract_id", "=", self.id), ("status", "=", "breached")],
        )

    def action_view_sla_escalations(self):
        return self._tma_sla_action(
            "tma_sla.tma_sla_escalation_action", [("contract_id", "=", self.id)]
        )

    def action_view_sla_reports(self):
        return self._tma_sla_action(
            "tma_sla.tma_sla_service_report_action", [("contract_id", "=", self.id)]
        )

    def action_view_sla_penalties(self):
        return self._tma_sla_action(
            "tma_sla.tma_sla_penalty_period_action", [("contract_id", "=", self.id)]
        )

    def _tma_sla_build_monthly_report(self):
        """Build the monthly service report of the contracts for the month in
        the context's ``tma_sla_month_start`` (the monthly cron's batch)."""
        Report = self.env["tma.sla.service.report"]
        for contract in self:
            Report._generate_for(contract, self.env.context["tma_sla_month_start"])

    def action_tma_sla_report_last_month(self):
        """Build (or rebuild) last month's service report and open it."""
        self.ensure_one()
        if not self.sla_policy_id:
            raise UserError(
                _(
                    "Contract %(contract)s has no SLA policy: there is nothing "
                    "to report.",
                    contract=self.display_name,
                )
            )
        first = self._tma_today().replace(day=1)
        report = self.env["tma.sla.service.report"]._generate_for(
            self, first - relativedelta(months=1)
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "tma.sla.service.report",
            "res_id": report.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Service review loop: satisfaction, improvement actions, reviews
    # ------------------------------------------------------------------
    review_type_ids = fields.One2many(
        "tma.review.type", "contract_id", string="Review types"
    )
    review_ids = fields.One2many("tma.review", "contract_id", string="Reviews")
    improvement_action_ids = fields.One2many(
        "tma.improvement.action", "contract_id", string="Improvement actions"
    )
    review_count = fields.Integer(compute="_compute_review_loop_counts")
    sla_trend_html = fields.Html(
        string="Trends",
        compute="_compute_sla_trend_html",
        sanitize=False,
        help="The last 12 months of the contract, as in its service reports.",
    )
    improvement_action_count = fields.Integer(
        string="Open improvement actions", compute="_compute_review_loop_counts"
    )

    def _compute_sla_trend_html(self):
        """The contract's dashboard: the trend charts of the last 12 months
        (six grouped queries per contract, computed when the tab is shown)."""
        Report = self.env["tma.sla.service.report"]
        for contract in self:
            if not contract.id or not contract.sla_policy_id:
                contract.sla_trend_html = False
                continue
            charts = Report._trend_charts_of(
                contract._tma_sla_trends(contract._tma_today())
            )
            contract.sla_trend_html = Markup("").join(
                Markup('<div class="mb-3">%s</div>') % chart for chart in charts
            )

    def _compute_review_loop_counts(self):
        reviews = dict(
            self.env["tma.review"]._read_group(
                [("contract_id", "in", self.ids)], ["contract_id"], ["__count"]
            )
        )
        actions = dict(
            self.env["tma.improvement.action"]._read_group(
                [
                    ("contract_id", "in", self.ids),
                    ("state", "in", ("proposed", "open")),
                ],
                ["contract_id"],
                ["__count"],
            )
        )
        for contract in self:
            contract.review_count = reviews.get(contract, 0)
            contract.improvement_action_count = actions.get(contract, 0)

    # ------------------------------------------------------------------
    # KPIs
    # ------------------------------------------------------------------
    def _tma_review_kpis(self, kpis, start, end, date_from, date_to):
        """Add to ``kpis`` (of ``_tma_sla_kpis``) the satisfaction figures
        (ratings of the contract's tickets) and the state of the improvement
        actions:

        - ``satisfaction_rate``: ratings at 4 or more per 100 ratings given
          in the period (None without rating);
        - ``rating_requests``, ``rating_answers`` and ``response_rate``:
          requests sent in the period and how many were answered;
        - ``actions``: improvement actions open, overdue and done in the
          period."""
        # Ratings count on the moment they were given (``tma_rated_on``, the
        # code's clock, as the period's bounds); requests on their creation
        # (``create_date``, the transaction's clock: the same clock in
        # production, and in the tests, whose transaction follows a frozen
        # clock).
        cr = self.env.cr
        cr.execute(
            SQL(
                """SELECT count(*) FILTER (WHERE r.consumed AND r.rating > 0
                                             AND r.tma_rated_on >= %(s)s
                                             AND r.tma_rated_on < %(e)s
                                             AND %(latest)s),
                          count(*) FILTER (WHERE r.consumed AND r.rating >= %(ok)s
                                             AND r.tma_rated_on >= %(s)s
                                             AND r.tma_rated_on < %(e)s
                                             AND %(latest)s),
                          count(*) FILTER (WHERE r.create_date >= %(s)s
                                             AND r.create_date < %(e)s),
                          count(*) FILTER (WHERE r.create_date >= %(s)s
                                             AND r.create_date < %(e)s
                                             AND r.consumed AND r.rating > 0)
                     FROM rating_rating r
                     JOIN helpdesk_ticket t ON t.id = r.res_id
                    WHERE r.res_model = 'helpdesk.ticket'
                      AND t.tma_contract_id = %(c)s""",
                s=start,
                e=end,
                ok=RATING_SATISFIED,
                c=self.id,
                latest=LATEST_RATING,
            )
        )
        rated, satisfied, requests, answers = cr.fetchone()
        kpis.update(
            ratings=rated,
            satisfaction_rate=round(100.0 * satisfied / rated, 1) if rated else None,
            rating_requests=requests,
            rating_answers=answers,
            response_rate=round(100.0 * answers / requests, 1) if requests else None,
        )
        cr.execute(
            SQL(
                """SELECT count(*) FILTER (WHERE state IN ('proposed', 'open')
                                             AND create_date < %(e)s),
                          count(*) FILTER (WHERE state IN ('proposed', 'open')
                                             AND date_due < %(d)s),
                          count(*) FILTER (WHERE state = 'done'
                                             AND date_done >= %(df)s
                                             AND date_done <= %(d)s)
                     FROM tma_improvement_action WHERE contract_id = %(c)s""",
                e=end,
                d=date_to,
                df=date_from,
                c=self.id,
            )
        )
        open_count, overdue, done = cr.fetchone()
        kpis["actions"] = {"open": open_count, "overdue": overdue, "done": done}
        return kpis

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_tma_setup_reviews(self):
        """Create the contract's operational (monthly) and steering
        (quarterly) review types that it does not have yet, the account
        manager and the client attending, first reviews next month."""
        first = fields.Datetime.now().replace(
            day=1, hour=9, minute=0, second=0, microsecond=0
        ) + relativedelta(months=1, days=7)
        labels = dict(REVIEW_KINDS)
        Type = self.env["tma.review.type"]
        for contract in self:
            kinds = set(contract.review_type_ids.mapped("kind"))
            for kind, _label in REVIEW_KINDS:
                if kind in kinds:
                    continue
                Type.create(
                    {
                        "name": labels[kind],
                        "contract_id": contract.id,
                        "kind": kind,
                        "cadence_months": REVIEW_DEFAULT_CADENCE[kind],
                        "next_date": first,
                        "provider_user_ids": [Command.set(contract.user_id.ids)],
                        "client_partner_ids": [
                            Command.set(contract.partner_id.child_ids[:3].ids)
                        ],
                    }
                )
        return True

    def action_view_reviews(self):
        self.ensure_one()
        return self._action_open(
            "tma_sla.tma_review_action", [("contract_id", "=", self.id)], {}
        )

    def action_view_improvement_actions(self):
        self.ensure_one()
        return self._action_open(
            "tma_sla.tma_improvement_action_action",
            [("contract_id", "=", self.id)],
            {"default_contract_id": self.id, "search_default_filter_open": 1},
        )

    # ------------------------------------------------------------------
    # Trends
    # ------------------------------------------------------------------
    def _tma_sla_trends(self, date_to, months=TREND_MONTHS):
        """{"months": ["2026-01", ...], series: [value per month]} for the
        ``months`` calendar months ending with the one of ``date_to``:
        tickets opened and closed, compliance %, mean and 90th percentile
        resolution time (business hours), average rating, units consumed
        and estimated. Months are those of the contract's time zone. Six
        queries whatever the number of months."""
        self.ensure_one()
        last = date_to.replace(day=1)
        first = last - relativedelta(months=months - 1)
        labels = [
            (first + relativedelta(months=i)).strftime("%Y-%m") for i in range(months)
        ]
        start, end = self._tma_period_bounds(
            first, last + relativedelta(months=1, days=-1)
        )

        def month_of(column):
            return SQL("to_char(%s, 'YYYY-MM')", self._tma_month_sql(column))

        self.env.flush_all()
        cr = self.env.cr

        def grouped(query):
            cr.execute(query)
            return {row[0]: row[1:] for row in cr.fetchall()}

        opened = grouped(
            SQL(
                """SELECT %s, count(*) FROM helpdesk_ticket t
                    WHERE t.tma_contract_id = %s AND t.active
                      AND t.create_date >= %s AND t.create_date < %s
                    GROUP BY 1""",
                month_of(SQL("t.create_date")),
                self.id,
                start,
                end,
            )
        )
        closed = grouped(
            SQL(
                """SELECT %s, count(*) FROM helpdesk_ticket t
                    WHERE t.tma_contract_id = %s AND t.active
                      AND t.closed_date >= %s AND t.closed_date < %s
                    GROUP BY 1""",
                month_of(SQL("t.closed_date")),
                self.id,
                start,
                end,
            )
        )
        compliance = grouped(
            SQL(
                """SELECT %s, count(*) FILTER (WHERE status = 'met'),
                          count(*) FILTER (WHERE status = 'breached')
                     FROM tma_sla_timer
                    WHERE contract_id = %s AND status IN ('met', 'breached')
                      AND COALESCE(breach_date, reached_date) >= %s
                      AND COALESCE(breach_date, reached_date) < %s
                    GROUP BY 1""",
                month_of(SQL("COALESCE(breach_date, reached_date)")),
                self.id,
                start,
                end,
            )
        )
        resolution = grouped(
            SQL(
                """SELECT %s, avg(elapsed_minutes),
                          percentile_cont(0.9) WITHIN GROUP (ORDER BY elapsed_minutes)
                     FROM tma_sla_timer
                    WHERE contract_id = %s AND metric = 'resolution'
                      AND reached_date >= %s AND reached_date < %s
                    GROUP BY 1""",
                month_of(SQL("reached_date")),
                self.id,
                start,
                end,
            )
        )
        ratings = grouped(
            SQL(
                """SELECT %s, avg(r.rating) FROM rating_rating r
                     JOIN helpdesk_ticket t ON t.id = r.res_id
                    WHERE r.res_model = 'helpdesk.ticket' AND r.consumed
                      AND r.rating > 0 AND t.tma_contract_id = %s
                      AND r.tma_rated_on >= %s AND r.tma_rated_on < %s
                      AND %s
                    GROUP BY 1""",
                month_of(SQL("r.tma_rated_on")),
                self.id,
                start,
                end,
                LATEST_RATING,
            )
        )
        units = grouped(
            SQL(
                """SELECT %s, COALESCE(sum(consumed_units), 0) FROM tma_unit_entry
                    WHERE contract_id = %s AND date >= %s AND date < %s
                      AND scope != 'billed'
                    GROUP BY 1""",
                month_of(SQL("date")),
                self.id,
                start,
                end,
            )
        )
        estimate = round(self._get_monthly_volume_units(), 2)

        def rate(month):
            met, breached = compliance.get(month, (0, 0))
            return round(100.0 * met / (met + breached), 1) if met + breached else None

        def hours(month, index):
            value = resolution.get(month, (None, None))[index]
            return round(value / 60, 2) if value is not None else None

        return {
            "months": labels,
            "opened": [opened.get(m, (0,))[0] for m in labels],
            "closed": [closed.get(m, (0,))[0] for m in labels],
            "compliance": [rate(m) for m in labels],
            "resolution_mean": [hours(m, 0) for m in labels],
            "resolution_p90": [hours(m, 1) for m in labels],
            "satisfaction": [
                round(ratings[m][0], 2) if m in ratings else None for m in labels
            ],
            "units_consumed": [round(units.get(m, (0.0,))[0], 2) for m in labels],
            "units_estimate": [estimate for _m in labels],
        }
