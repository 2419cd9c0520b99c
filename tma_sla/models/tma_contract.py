# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The contract's service levels: its policy, coverage and calendar (its
time zone), its penalty settings, the counters and buttons of its SLA
records. The figures are in ``tma_contract_kpi.py``, the service reports in
``tma_contract_report.py``, the review loop in ``tma_contract_review.py``,
the exports in ``tma_contract_export.py``."""

from pytz import timezone

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

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

    def _tma_posting_fields(self):
        # What _tma_tz reads.
        return [*super()._tma_posting_fields(), "sla_calendar_id", "sla_policy_id"]

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
