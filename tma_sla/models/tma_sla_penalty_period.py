# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import math

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_is_zero

from odoo.addons.tma_contract.models.utils import reader_date

from .utils import FEE_MONTHS, month_count


class TmaSlaPenaltyPeriod(models.Model):
    """The breaches of a contract over a period and the penalties they cost,
    capped; validating it issues the credit note finance books."""

    _name = "tma.sla.penalty.period"
    _description = "TMA SLA Penalty Period"
    _inherit = ["mail.thread"]
    _order = "date_from desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    contract_id = fields.Many2one(
        "tma.contract", required=True, ondelete="restrict", index=True
    )
    partner_id = fields.Many2one(related="contract_id.partner_id", store=True)
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    currency_id = fields.Many2one(related="contract_id.currency_id")
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    state = fields.Selection(
        [("draft", "Draft"), ("validated", "Validated"), ("cancel", "Cancelled")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    line_ids = fields.One2many(
        "tma.sla.penalty.line", "period_id", string="Breaches", readonly=True
    )
    amount_uncapped = fields.Monetary(
        string="Penalties before cap", readonly=True, currency_field="currency_id"
    )
    cap_amount = fields.Monetary(
        string="Cap", readonly=True, currency_field="currency_id"
    )
    amount_total = fields.Monetary(
        string="Penalty", readonly=True, currency_field="currency_id", tracking=True
    )
    move_id = fields.Many2one("account.move", string="Credit note", readonly=True)

    @api.depends("contract_id", "date_from", "date_to")
    def _compute_name(self):
        for period in self:
            env = period.contract_id._tma_reader_env()
            period.name = env._(
                "%(contract)s: %(start)s → %(end)s",
                contract=period.contract_id.display_name or "",
                start=reader_date(env, period.date_from),
                end=reader_date(env, period.date_to),
            )

    @api.constrains("date_from", "date_to", "contract_id", "state")
    def _check_period(self):
        for period in self:
            if period.date_to < period.date_from:
                raise ValidationError(_("A penalty period ends after it starts."))
            overlap = self.search_count(
                [
                    ("id", "!=", period.id),
                    ("contract_id", "=", period.contract_id.id),
                    ("state", "!=", "cancel"),
                    ("date_from", "<=", period.date_to),
                    ("date_to", ">=", period.date_from),
                ]
            )
            if overlap and period.state != "cancel":
                raise ValidationError(
                    _(
                        "Contract %(contract)s already has a penalty period "
                        "overlapping %(start)s → %(end)s.",
                        contract=period.contract_id.display_name,
                        start=period.date_from,
                        end=period.date_to,
                    )
                )

    def _period_fee(self):
        """The contract's fee over the period (for caps in % of the fee)."""
        self.ensure_one()
        contract = self.contract_id
        per_month = contract.fee_amount / FEE_MONTHS.get(contract.fee_period, 1)
        return per_month * month_count(self.date_from, self.date_to)

    def action_compute(self):
        for period in self:
            if period.state != "draft":
                raise UserError(_("Only a draft penalty period can be recomputed."))
            period._compute_penalties()
        return True

    def _compute_penalties(self):
        self.ensure_one()
        contract = self.contract_id
        start, end = contract._tma_period_bounds(self.date_from, self.date_to)
        timers = self.env["tma.sla.timer"].search(
            [
                ("contract_id", "=", contract.id),
                ("status", "=", "breached"),
                ("breach_date", ">=", start),
                ("breach_date", "<", end),
            ]
        )
        delays = timers._penalty_delay_minutes(min(end, fields.Datetime.now()))
        lines = [fields.Command.clear()]
        total = 0.0
        for timer in timers:
            amount = 0.0
            rules = [r for r in contract.penalty_rule_ids if r._matches(timer)]
            for rule in rules:
                if rule.kind == "breach":
                    amount += rule.amount
                else:
                    amount += rule.amount * max(1, math.ceil(delays[timer.id] / 60))
            total += amount
            lines.append(
                fields.Command.create(
                    {
                        "timer_id": timer.id,
                        "delay_minutes": delays[timer.id],
                        "amount": amount,
                    }
                )
            )
        availability_lines, availability_total = self._availability_penalty_lines(
            start, end
        )
        lines += availability_lines
        total += availability_total
        cap = 0.0
        capped = total
        if contract.penalty_cap_type == "amount":
            cap = contract.penalty_cap_amount
            capped = min(total, cap)
        elif contract.penalty_cap_type == "percent":
            cap = self._period_fee() * contract.penalty_cap_percent / 100.0
            capped = min(total, cap)
        self.write(
            {
                "line_ids": lines,
                "amount_uncapped": total,
                "cap_amount": cap,
                "amount_total": capped,
            }
        )

    def _availability_penalty_lines(self, start, end):
        """Penalty lines of the contract's availability commitments under
        target between ``start`` and ``end`` (naive UTC): the rules *per
        started point under target* times the started points. Returns the
        line commands and their total."""
        self.ensure_one()
        contract = self.contract_id
        rules = contract.penalty_rule_ids.filtered(lambda r: r.kind == "availability")
        commitments = self.env["tma.sla.availability.target"].search(
            [("contract_id", "=", contract.id)]
        )
        if not rules or not commitments:
            return [], 0.0
        figures = commitments._get_availability(start, min(end, fields.Datetime.now()))
        lines, total = [], 0.0
        for commitment in commitments:
            availability = figures[commitment.id]["availability"]
            shortfall = commitment.target - availability
            if shortfall <= 0:
                continue
            amount = sum(rules.mapped("amount")) * math.ceil(round(shortfall, 6))
            total += amount
            lines.append(
                fields.Command.create(
                    {
                        "availability_target_id": commitment.id,
                        "availability": availability,
                        "amount": amount,
                    }
                )
            )
        return lines, total

    def action_validate(self):
        for period in self:
            if period.state != "draft":
                raise UserError(_("Only a draft penalty period can be validated."))
            period._compute_penalties()
            if not float_is_zero(
                period.amount_total, precision_rounding=period.currency_id.rounding
            ):
                period.move_id = period._create_credit_note()
            period.state = "validated"
        return True

    def _create_credit_note(self):
        self.ensure_one()
        product = self.company_id.tma_penalty_product_id or self.env.ref(
            "tma_sla.product_tma_sla_penalty", raise_if_not_found=False
        )
        if not product:
            raise UserError(_("Set the SLA penalty product in the TMA settings first."))
        contract = self.contract_id
        env = contract._tma_reader_env()
        start, end = reader_date(env, self.date_from), reader_date(env, self.date_to)
        move = (
            self.env["account.move"]
            .with_company(self.company_id)
            .create(
                {
                    "move_type": "out_refund",
                    "partner_id": contract.partner_id.id,
                    "invoice_origin": contract.name,
                    "ref": self.name,
                    "invoice_line_ids": [
                        fields.Command.create(
                            {
                                "product_id": product.id,
                                "name": env._(
                                    "Service-level penalties %(start)s → %(end)s "
                                    "(%(count)s breaches)",
                                    start=start,
                                    end=end,
                                    count=len(self.line_ids),
                                ),
                                "quantity": 1,
                                "price_unit": self.amount_total,
                            }
                        )
                    ],
                }
            )
        )
        contract.message_post(
            body=env._(
                "Service-level penalties of %(start)s → %(end)s: credit note "
                "%(move)s drafted.",
                start=start,
                end=end,
                move=move.display_name,
            )
        )
        return move

    def action_cancel(self):
        for period in self:
            if period.move_id.state == "posted":
                raise UserError(
                    _(
                        "The credit note %(move)s is posted: reverse it in "
                        "accounting before cancelling the period.",
                        move=period.move_id.display_name,
                    )
                )
            period.move_id.unlink()
        self.write({"state": "cancel"})
        return True

    def action_view_move(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_refund_type"
        )
        action.update(res_id=self.move_id.id, view_mode="form", views=[(False, "form")])
        return action
