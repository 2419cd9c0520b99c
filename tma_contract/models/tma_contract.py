# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .tma_contract_forecast import FORECAST_WINDOW_DAYS
from .utils import (
    CONTRACT_MODES,
    CONTRACT_STATES,
    CONTRACT_TRANSITIONS,
    MANAGER_ONLY_STATES,
    SCOPE_SUMMARY_ORDER,
    sql_translated,
)


class TmaContract(models.Model):
    _name = "tma.contract"
    _description = "TMA Contract"
    _inherit = [
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "tma.ledger.protected.mixin",
        "tma.contract.clock",
        "tma.ledger.engine",
        "tma.contract.billing",
        "tma.contract.forecast",
    ]
    _order = "date_start desc, id desc"
    _tma_protected_fields = ("balance", "ledger_seq", "entry_seq")

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    name = fields.Char(
        string="Reference", required=True, copy=False, default="/", tracking=True
    )
    title = fields.Char(help="Short description shown to the client.")
    partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        required=True,
        tracking=True,
        index=True,
        domain=[("is_company", "=", True)],
    )
    company_id = fields.Many2one(
        "res.company",
        string="Provider",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    company_tz = fields.Selection(
        related="company_id.partner_id.tz",
        store=True,
        string="Provider's time zone",
        help="The contract's monthly figures count the months of this time "
        "zone, unless its SLA calendar has one.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Account manager",
        default=lambda self: self.env.user,
        tracking=True,
        domain=[("share", "=", False)],
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Sale order",
        copy=False,
        tracking=True,
        index="btree_not_null",
        help="The order that sold the contract; consumed units and overage are "
        "delivered on its lines.",
    )
    sale_order_ids = fields.One2many(
        "sale.order", "tma_contract_id", string="Sale orders"
    )
    team_ids = fields.Many2many(
        "helpdesk.ticket.team",
        string="Helpdesk teams",
        help="Tickets of these teams are attached to the contract automatically. "
        "Leave empty to match every team.",
    )
    mode = fields.Selection(
        CONTRACT_MODES, required=True, default="ticket_book", tracking=True
    )
    state = fields.Selection(
        CONTRACT_STATES,
        required=True,
        default="draft",
        tracking=True,
        copy=False,
        index=True,
    )
    date_start = fields.Date(
        string="Start date", default=fields.Date.context_today, tracking=True
    )
    date_end = fields.Date(string="End date", tracking=True)
    # Renewal and termination
    tacit_renewal = fields.Boolean(
        string="Tacit renewal",
        help="The contract renews itself for another period unless one side "
        "gives notice.",
    )
    renewal_period = fields.Integer(string="Renewal period (months)", default=12)
    auto_renew = fields.Boolean(
        string="Renew automatically",
        help="Extend the end date by itself at term. Otherwise the account "
        "manager gets an activity to decide.",
    )
    notice_period_days = fields.Integer(string="Notice period (days)", default=90)
    termination_reason = fields.Text(tracking=True, copy=False)
    termination_notice_date = fields.Date(copy=False, tracking=True)
    termination_date = fields.Date(
        string="Effective termination date", copy=False, tracking=True
    )
    # Scope
    application_ids = fields.Many2many(
        "tma.application",
        string="Applications",
        domain="[('partner_id', '=', partner_id)]",
    )
    maintenance_type_ids = fields.Many2many(
        "tma.maintenance.type", string="Maintenance types"
    )
    support_level_ids = fields.Many2many("tma.support.level", string="Support levels")
    out_of_scope_policy = fields.Selection(
        [
            ("refuse", "Refuse"),
            ("bill", "Bill"),
            ("count", "Count in the volume"),
        ],
        string="Out-of-scope tickets",
        default="count",
        required=True,
        help="What happens with a ticket outside the scope (a maintenance type "
        "or an application the contract does not cover): refused, counted in the "
        "volume like any other ticket, or billed on top of the contract.",
    )
    out_of_scope_free_count = fields.Integer(
        string="Out-of-scope tickets counted a month",
        help="With the Bill policy: the first out-of-scope tickets of each month "
        "are counted in the volume; the next ones are billed.",
    )
    monthly_volume = fields.Float(string="Monthly volume estimate", digits="TMA Units")
    volume_uom = fields.Selection(
        [("units", "Units of work"), ("hours", "Hours")],
        string="Volume unit",
        default="units",
        required=True,
    )
    volume_carryover_months = fields.Integer(
        string="Carry unused volume over (months)",
        help="Capped time and materials: volume left unused in the previous "
        "months (up to this many) can be used this month. 0: each month stands "
        "alone.",
    )
    volume_alert_deviation = fields.Float(
        string="Alert deviation (%)",
        default=20.0,
        help="An activity is raised when a month's consumption exceeds the "
        "estimate by more than this share.",
    )
    volume_alert_month = fields.Date(copy=False, readonly=True)
    # Clauses
    ip_clause = fields.Html(string="Intellectual property")
    confidentiality_clause = fields.Html(string="Confidentiality")
    # Units of work
    valuation_method = fields.Selection(
        [("grid", "Valuation grid"), ("timesheet", "Time spent")],
        default="grid",
        required=True,
        help="How a ticket's consumption is valued: a grid of units per ticket "
        "category and complexity, or the hours timesheeted on the ticket.",
    )
    units_per_hour = fields.Float(digits="TMA Units", default=1.0)
    valuation_rule_ids = fields.One2many(
        "tma.valuation.rule", "contract_id", string="Valuation grid", copy=True
    )
    overdraft_policy = fields.Selection(
        [("block", "Block consumption"), ("allow", "Allow up to a limit")],
        default="block",
        required=True,
        tracking=True,
    )
    overdraft_limit = fields.Float(
        digits="TMA Units",
        help="Ticket book: units that may be consumed beyond the books and "
        "invoiced as overage. Capped time and materials: units allowed beyond "
        "the monthly estimate.",
    )
    low_balance_threshold = fields.Float(digits="TMA Units", default=5.0)
    overage_product_id = fields.Many2one(
        "product.product",
        domain=[("tma_product_type", "in", ("overage", "regie"))],
        help="Product used to invoice overage or consumed units. Defaults to "
        "the company's.",
    )
    balance = fields.Float(
        digits="TMA Units",
        readonly=True,
        default=0.0,
        copy=False,
        help="Units left: the sum of the ledger. For capped time and materials "
        "and fixed price contracts it is minus the units consumed.",
    )
    ledger_seq = fields.Integer(readonly=True, copy=False, default=0)
    entry_seq = fields.Integer(
        string="Last entry number",
        readonly=True,
        copy=False,
        default=0,
        help="Number of the contract's last ledger entry: entries are numbered "
        "per contract, without gaps.",
    )
    consume_on_close = fields.Boolean(
        string="Record units when a ticket closes",
        compute="_compute_consume_on_close",
        store=True,
        readonly=False,
        help="A ticket reaching a closing stage records its valuation when it "
        "has no consumption yet; closing is refused when the contract cannot "
        "take the units.",
    )
    book_ids = fields.One2many("tma.unit.book", "contract_id", string="Unit books")
    entry_ids = fields.One2many("tma.unit.entry", "contract_id", string="Ledger")
    ticket_ids = fields.One2many("helpdesk.ticket", "tma_contract_id", string="Tickets")
    units_credited = fields.Float(
        string="Units credited", compute="_compute_ledger_figures", digits="TMA Units"
    )
    units_consumed = fields.Float(
        string="Units consumed", compute="_compute_ledger_figures", digits="TMA Units"
    )
    units_overage = fields.Float(
        string="Overage units", compute="_compute_ledger_figures", digits="TMA Units"
    )
    units_month = fields.Float(
        string="Consumed this month",
        compute="_compute_ledger_figures",
        digits="TMA Units",
    )
    units_window = fields.Float(
        string="Consumed over the forecast window",
        compute="_compute_ledger_figures",
        digits="TMA Units",
        help="Units consumed over the last days the consumption forecast "
        "reads (reversals deduct).",
    )
    balance_ratio = fields.Float(compute="_compute_ledger_figures")
    ticket_count = fields.Integer(compute="_compute_counts")
    book_count = fields.Integer(compute="_compute_counts")
    entry_count = fields.Integer(compute="_compute_counts")
    credit_note_pending = fields.Boolean(
        compute="_compute_credit_note_pending",
        help="Units that were already invoiced have been reversed: a credit note "
        "is due.",
    )
    recurring_contract_id = fields.Many2one(
        "contract.contract",
        string="Recurring invoicing",
        copy=False,
        help="OCA contract that invoices the fixed fee periodically.",
    )
    fee_product_id = fields.Many2one(
        "product.product",
        string="Fee product",
        domain=[("tma_product_type", "=", "forfait")],
    )
    fee_amount = fields.Monetary(string="Periodic fee", currency_field="currency_id")
    fee_period = fields.Selection(
        [("monthly", "Monthly"), ("quarterly", "Quarterly"), ("yearly", "Yearly")],
        default="monthly",
    )
    color = fields.Integer()

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "A contract with this reference already exists.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------------
    @api.depends("balance", "entry_ids.units")
    def _compute_ledger_figures(self):
        """Credited, consumed, overage, this month's units and the forecast
        window's consumption of each contract, in one query whatever the
        ledger's size."""
        credited, consumed, overage, month, window = {}, {}, {}, {}, {}
        if self.ids:
            self.env["tma.unit.entry"].flush_model(
                ["contract_id", "entry_type", "units", "consumed_units"]
                + ["overage_units", "date"]
            )
            # Each contract's month and forecast window start at local
            # midnight in its own time zone.
            ids, month_starts, window_starts = [], [], []
            for contract in self.filtered("id"):
                today = contract._tma_today()
                since = today - timedelta(days=FORECAST_WINDOW_DAYS)
                ids.append(contract.id)
                month_starts.append(contract._tma_month_bounds(today)[0])
                window_starts.append(contract._tma_period_bounds(since, since)[0])
            self.env.cr.execute(
                SQL(
                    """
                    SELECT e.contract_id,
                           GREATEST(COALESCE(SUM(e.units) FILTER (
                               WHERE e.entry_type = 'credit'), 0), 0)
                           + GREATEST(COALESCE(SUM(e.units) FILTER (
                               WHERE e.entry_type = 'adjustment'), 0), 0),
                           COALESCE(SUM(e.consumed_units), 0),
                           COALESCE(SUM(e.overage_units), 0),
                           COALESCE(SUM(e.consumed_units) FILTER (
                               WHERE e.date >= b.month_start), 0),
                           COALESCE(SUM(e.consumed_units) FILTER (
                               WHERE e.date >= b.window_start), 0)
                      FROM tma_unit_entry e
                      JOIN unnest(%s::int[], %s::timestamp[], %s::timestamp[])
                           AS b(contract_id, month_start, window_start)
                        ON b.contract_id = e.contract_id
                  GROUP BY e.contract_id
                    """,
                    ids,
                    month_starts,
                    window_starts,
                )
            )
            for cid, cred, cons, over, mon, win in self.env.cr.fetchall():
                credited[cid], consumed[cid] = cred, cons
                overage[cid], month[cid], window[cid] = over, mon, win
        for contract in self:
            contract.units_credited = credited.get(contract.id, 0.0)
            contract.units_consumed = consumed.get(contract.id, 0.0)
            contract.units_overage = overage.get(contract.id, 0.0)
            contract.units_month = month.get(contract.id, 0.0)
            contract.units_window = window.get(contract.id, 0.0)
            total = contract.units_credited
            contract.balance_ratio = (
                max(0.0, min(100.0, 100.0 * contract.balance / total)) if total else 0.0
            )

    @api.depends("mode")
    def _compute_consume_on_close(self):
        for contract in self:
            contract.consume_on_close = contract.mode == "ticket_book"

    def _compute_counts(self):
        def count_by(model, field):
            groups = self.env[model]._read_group(
                [(field, "in", self.ids)], [field], ["__count"]
            )
            return {record.id: count for record, count in groups}

        tickets = count_by("helpdesk.ticket", "tma_contract_id")
        books = count_by("tma.unit.book", "contract_id")
        entries = count_by("tma.unit.entry", "contract_id")
        for contract in self:
            contract.ticket_count = tickets.get(contract.id, 0)
            contract.book_count = books.get(contract.id, 0)
            contract.entry_count = entries.get(contract.id, 0)

    def _compute_credit_note_pending(self):
        lines = self.env["sale.order.line"].search(
            [("tma_contract_id", "in", self.ids), ("qty_to_invoice", "<", 0)]
        )
        pending = set(lines.tma_contract_id.ids)
        for contract in self:
            contract.credit_note_pending = contract.id in pending

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for contract in self:
            contract.access_url = f"/my/tma/contracts/{contract.id}"
        return result

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for contract in self:
            contract._raise_if_bad_dates(contract.date_start, contract.date_end)

    def _raise_if_bad_dates(self, date_start, date_end):
        date_start = fields.Date.to_date(date_start)
        date_end = fields.Date.to_date(date_end)
        if date_start and date_end and date_end < date_start:
            raise ValidationError(
                _(
                    "The end date of contract %(name)s cannot be before its "
                    "start date.",
                    name=self.display_name or _("New"),
                )
            )

    @api.constrains(
        "overdraft_limit",
        "low_balance_threshold",
        "monthly_volume",
        "units_per_hour",
        "renewal_period",
        "notice_period_days",
        "out_of_scope_free_count",
        "volume_carryover_months",
    )
    def _check_positive_figures(self):
        for contract in self:
            if (
                contract.overdraft_limit < 0
                or contract.low_balance_threshold < 0
                or contract.monthly_volume < 0
                or contract.notice_period_days < 0
                or contract.out_of_scope_free_count < 0
                or contract.volume_carryover_months < 0
            ):
                raise ValidationError(
                    _(
                        "Overdraft limit, low-balance threshold, monthly volume, "
                        "notice period, free out-of-scope tickets and carry-over "
                        "months cannot be negative."
                    )
                )
            if contract.units_per_hour <= 0:
                raise ValidationError(_("Units per hour must be positive."))
            if contract.tacit_renewal and contract.renewal_period <= 0:
                raise ValidationError(
                    _("A tacitly renewed contract needs a renewal period.")
                )

    @api.constrains("termination_notice_date", "termination_date")
    def _check_termination_dates(self):
        for contract in self:
            if contract.termination_date and not contract.termination_notice_date:
                raise ValidationError(
                    _("A termination date needs the date notice was given.")
                )
            if contract.termination_date:
                contract._raise_if_early_termination(
                    contract.termination_notice_date, contract.termination_date
                )

    def _raise_if_early_termination(self, notice_date, termination_date):
        """Refuse an effective date that does not respect the notice period."""
        self.ensure_one()
        earliest = self._get_earliest_termination_date(notice_date)
        if termination_date < earliest:
            raise ValidationError(
                _(
                    "With a notice period of %(days)s days, notice given on "
                    "%(notice)s ends the contract on %(earliest)s at the earliest.",
                    days=self.notice_period_days,
                    notice=notice_date,
                    earliest=earliest,
                )
            )

    def _get_earliest_termination_date(self, notice_date):
        self.ensure_one()
        return notice_date + relativedelta(days=self.notice_period_days)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._tma_check_protected(vals)
            self._raise_if_bad_dates(vals.get("date_start"), vals.get("date_end"))
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("tma.contract")
            partner = self.env["res.partner"].browse(vals.get("partner_id"))
            if partner:
                vals["partner_id"] = partner.commercial_partner_id.id
        return super().create(vals_list)

    def write(self, vals):
        self._tma_check_protected(vals)
        if "date_start" in vals or "date_end" in vals:
            for contract in self:
                contract._raise_if_bad_dates(
                    vals.get("date_start", contract.date_start),
                    vals.get("date_end", contract.date_end),
                )
        if "state" in vals and not self.env.context.get("tma_transition"):
            raise UserError(_("Use the contract's buttons to change its state."))
        if "partner_id" in vals and self.entry_ids:
            raise UserError(
                _("The client of a contract with ledger entries cannot change.")
            )
        if "mode" in vals and any(c.entry_ids for c in self):
            raise UserError(
                _("The mode of a contract with ledger entries cannot change.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        for contract in self:
            if contract.state not in ("draft", "cancelled") or contract.entry_ids:
                raise UserError(
                    _(
                        "Only draft or cancelled contracts without ledger entries "
                        "can be deleted. Cancel or close %(name)s instead.",
                        name=contract.display_name,
                    )
                )

    @api.depends("name", "title")
    def _compute_display_name(self):
        for contract in self:
            contract.display_name = (
                f"{contract.name} - {contract.title}"
                if contract.title
                else contract.name
            )

    # ------------------------------------------------------------------
    # State machine
    # ------------------------------------------------------------------
    def _check_transition(self, new_state):
        """Raise when a contract may not move to ``new_state``.

        Override to add business conditions (the reversibility gate does); call
        super first.
        """
        labels = dict(self._fields["state"]._description_selection(self.env))
        if (
            new_state in MANAGER_ONLY_STATES
            and not self.env.su
            and not self.env.user.has_group("tma_contract.group_tma_manager")
        ):
            raise UserError(
                _(
                    "Only TMA managers can move a contract to %(state)s.",
                    state=labels[new_state],
                )
            )
        for contract in self:
            if new_state not in CONTRACT_TRANSITIONS[contract.state]:
                raise UserError(
                    _(
                        "Contract %(name)s cannot go from %(from)s to %(to)s.",
                        name=contract.display_name,
                        **{"from": labels[contract.state], "to": labels[new_state]},
                    )
                )
            if new_state == "active":
                if not contract.date_start:
                    raise UserError(_("Set a start date before activating."))
                if contract.mode == "forfait" and (
                    not contract.fee_product_id or contract.fee_amount <= 0
                ):
                    raise UserError(
                        _(
                            "A fixed price contract needs a fee product and a "
                            "positive periodic fee before activation."
                        )
                    )

    def _set_state(self, new_state):
        self._check_transition(new_state)
        labels = dict(self._fields["state"]._description_selection(self.env))
        for contract in self:
            old = contract.state
            contract.with_context(tma_transition=True).write({"state": new_state})
            contract.message_post(
                body=_(
                    "Contract moved from %(from)s to %(to)s.",
                    **{"from": labels[old], "to": labels[new_state]},
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_activate(self):
        self._set_state("active")
        self.filtered(lambda c: c.mode == "forfait")._ensure_recurring_contract()
        return True

    def action_start_reversibility(self):
        return self._set_state("reversibility")

    def action_resume(self):
        return self._set_state("active")

    def action_close(self):
        self._set_state("closed")
        self.recurring_contract_id.filtered(lambda c: not c.date_end).write(
            {"date_end": fields.Date.context_today(self)}
        )
        return True

    def action_cancel(self):
        return self._set_state("cancelled")

    def action_draft(self):
        return self._set_state("draft")

    def action_terminate(self):
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "res_model": "tma.contract.terminate",
            "view_mode": "form",
            "target": "new",
            "context": {"default_contract_id": self.id},
        }

    def _terminate(self, reason, notice_date, termination_date=None):
        """Record a termination notice; the contract ends at the effective date."""
        self.ensure_one()
        if not self.env.su and not self.env.user.has_group(
            "tma_contract.group_tma_manager"
        ):
            raise UserError(_("Only TMA managers can terminate a contract."))
        if self.state not in ("active", "reversibility"):
            raise UserError(_("Only a running contract can be terminated."))
        if not reason:
            raise UserError(_("Give a reason for the termination."))
        termination_date = termination_date or self._get_earliest_termination_date(
            notice_date
        )
        # Checked before writing, so a refusal leaves the contract untouched.
        self._raise_if_early_termination(notice_date, termination_date)
        self.write(
            {
                "termination_reason": reason,
                "termination_notice_date": notice_date,
                "termination_date": termination_date,
                "date_end": termination_date,
                "tacit_renewal": False,
            }
        )
        self.message_post(
            body=_(
                "Termination notified on %(notice)s, effective on %(date)s: %(reason)s",
                notice=notice_date,
                date=termination_date,
                reason=reason,
            )
        )
        return True

    # ------------------------------------------------------------------
    # Scope
    # ------------------------------------------------------------------
    def _get_scope_summary(self):
        """What the contract covers, as the client reads it: its applications
        with their environments, its maintenance types and its support levels
        (codes), each in its display order, in one query. Archived records are
        left out."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                "SELECT kind, name, environments FROM (%s) AS scope %s",
                self._get_scope_summary_sql(),
                SQL(SCOPE_SUMMARY_ORDER),
            )
        )
        return self._get_scope_summary_from_rows(self.env.cr.fetchall())

    def _get_scope_summary_sql(self):
        """The rows of :meth:`_get_scope_summary` (kind, name, environments
        and the columns of ``SCOPE_SUMMARY_ORDER``), unordered: a subquery
        the portal reads with its other sections."""
        self.ensure_one()
        env = self.env
        self.flush_recordset(
            ["application_ids", "maintenance_type_ids", "support_level_ids"]
        )
        for model in (
            "tma.application",
            "tma.application.environment",
            "tma.maintenance.type",
            "tma.support.level",
        ):
            env[model].flush_model()
        return SQL(
            """
            SELECT 'application' AS kind, app.name AS name, (
                       SELECT array_agg(e.name ORDER BY e.sequence, e.id)
                         FROM tma_application_environment e
                        WHERE e.application_id = app.id AND e.active
                   ) AS environments, 0 AS sequence, app.name AS sort_name,
                   app.id AS rid
              FROM tma_application_tma_contract_rel rel
              JOIN tma_application app ON app.id = rel.tma_application_id
             WHERE rel.tma_contract_id = %(id)s AND app.active
             UNION ALL
            SELECT 'maintenance', %(mt_name)s, NULL, mt.sequence, '', mt.id
              FROM tma_contract_tma_maintenance_type_rel rel
              JOIN tma_maintenance_type mt
                ON mt.id = rel.tma_maintenance_type_id
             WHERE rel.tma_contract_id = %(id)s AND mt.active
             UNION ALL
            SELECT 'level', sl.code, NULL, sl.sequence, '', sl.id
              FROM tma_contract_tma_support_level_rel rel
              JOIN tma_support_level sl ON sl.id = rel.tma_support_level_id
             WHERE rel.tma_contract_id = %(id)s AND sl.active
            """,
            id=self.id,
            mt_name=sql_translated(env, SQL("mt.name")),
        )

    @api.model
    def _get_scope_summary_from_rows(self, rows):
        """The summary of :meth:`_get_scope_summary` from its rows (kind,
        name, environments), in their order."""
        summary = {"applications": [], "maintenance_types": [], "support_levels": []}
        for kind, name, environments in rows:
            if kind == "application":
                summary["applications"].append((name, environments or []))
            elif kind == "maintenance":
                summary["maintenance_types"].append(name)
            else:
                summary["support_levels"].append(name)
        return summary

    def _get_scope_gaps(self, maintenance_type, application):
        """What the contract's scope does not cover among ``maintenance_type``
        and ``application`` (records, possibly empty): a list of labels, empty
        when the ticket is in scope. An empty list of types or applications on
        the contract covers them all."""
        self.ensure_one()
        gaps = []
        if (
            maintenance_type
            and self.maintenance_type_ids
            and maintenance_type not in self.maintenance_type_ids
        ):
            gaps.append(
                _("maintenance type %(type)s", type=maintenance_type.display_name)
            )
        if (
            application
            and self.application_ids
            and application not in self.application_ids
        ):
            gaps.append(
                _("application %(application)s", application=application.display_name)
            )
        return gaps

    def _check_scope(self, maintenance_type, application, ticket_name=None):
        """Refuse a ticket outside the scope of a contract whose policy refuses
        out-of-scope tickets.

        :raise ValidationError: in the user's language
        """
        self.ensure_one()
        gaps = self._get_scope_gaps(maintenance_type, application)
        if gaps and self.out_of_scope_policy == "refuse":
            raise ValidationError(
                _(
                    "%(ticket)s is outside the scope of contract %(contract)s "
                    "(%(gaps)s), which refuses out-of-scope tickets.",
                    ticket=ticket_name or _("This ticket"),
                    contract=self.display_name,
                    gaps=", ".join(gaps),
                )
            )
        return gaps

    def _get_portal_applications(self):
        """(application, in scope) pairs the portal's ticket form offers on
        this contract: the applications in its scope (all the client's when
        the scope names none) and, unless the contract refuses out-of-scope
        tickets, the client's other applications."""
        self.ensure_one()
        applications = (
            self.env["tma.application"]
            .sudo()
            .search([("partner_id", "=", self.partner_id.id)])
        )
        in_scope = self.application_ids.sudo() or applications
        offered = [(app, True) for app in in_scope]
        if self.out_of_scope_policy != "refuse":
            offered += [(app, False) for app in applications - in_scope]
        return offered

    def _get_scope_treatment(self, ticket):
        """How a consumption of ``ticket`` counts (read under the ledger lock):
        ``in`` scope, out of scope and ``counted`` in the volume, or out of
        scope and ``billed`` on top of the contract. With the Bill policy, the
        first ``out_of_scope_free_count`` out-of-scope tickets of the month are
        counted, the next ones billed."""
        self.ensure_one()
        if not ticket:
            return "in"
        gaps = self._check_scope(
            ticket.tma_maintenance_type_id,
            ticket.tma_application_id,
            ticket.display_name,
        )
        if not gaps:
            return "in"
        if self.out_of_scope_policy == "count":
            return "counted"
        month_start = self._tma_month_bounds(self._tma_today())[0]
        self.env.cr.execute(
            SQL(
                """
                SELECT COUNT(*) FROM tma_unit_entry
                 WHERE contract_id = %s AND entry_type = 'consumption'
                   AND scope IN ('counted', 'billed') AND NOT is_reversed
                   AND date >= %s AND ticket_id != %s
                """,
                self.id,
                month_start,
                ticket.id,
            )
        )
        already = self.env.cr.fetchone()[0]
        return "counted" if already < self.out_of_scope_free_count else "billed"

    # ------------------------------------------------------------------
    # Ticket matching
    # ------------------------------------------------------------------
    @api.model
    def _find_for_tickets(self, tickets):
        """Map ticket id -> the only active contract that fits it, if any."""
        partners = tickets.commercial_partner_id
        if not partners:
            return {}
        contracts = self.sudo().search(
            [("state", "=", "active"), ("partner_id", "in", partners.ids)]
        )
        result = {}
        for ticket in tickets:
            fits = contracts.filtered(
                lambda c, t=ticket: (
                    c.partner_id == t.commercial_partner_id
                    and (not c.team_ids or t.team_id in c.team_ids)
                    and (not t.company_id or c.company_id == t.company_id)
                )
            )
            if len(fits) == 1:
                result[ticket.id] = fits.id
        return result

    # ------------------------------------------------------------------
    # Exports
    # ------------------------------------------------------------------
    def _tma_export_sheets(self):
        """Hook: the sheets an addon adds to the contract's exports (the
        workbook of the reversibility package), in the language of the
        environment.

        Return a list of ``(title, header, rows)``: ``header`` a list of
        column titles, ``rows`` either an ``odoo.tools.SQL`` query (streamed
        through a server-side cursor, so memory stays flat whatever the
        contract's size) or a callable returning an iterator of tuples. The
        rows hold what the client may see in its portal, nothing internal.
        An addon calls super and extends the list with its own sheets, built
        from its own tables (``utils.sql_selection`` and
        ``utils.sql_translated`` give labels in the language of the
        environment).
        """
        self.ensure_one()
        return []

    def _tma_export_kpi_rows(self, date_from, date_to):
        """Hook: the contract's indicators per month, for the exports that
        list them (the KPI sheet of the reversibility package).

        Return a list of ``(month, indicator, value)``, ``month`` being the
        first day of a month from ``date_from`` to ``date_to`` and
        ``indicator`` a label in the language of the environment. An addon
        adds its own indicators: call super and extend the list (tma_sla adds
        its service-level figures). This one gives what tma_contract records:
        tickets opened and closed, units consumed; one query for the whole
        period, whatever its length.
        """
        self.ensure_one()
        first = date_from.replace(day=1)
        # Local months of the contract: a ticket opened at 00:30 on the 1st
        # in its time zone counts in the new month.
        start, end = self._tma_period_bounds(first, date_to)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT %(month_created)s, 'opened', count(*)
                     FROM helpdesk_ticket
                    WHERE tma_contract_id = %(c)s AND active
                      AND create_date >= %(s)s AND create_date < %(e)s
                    GROUP BY 1
                    UNION ALL
                   SELECT %(month_closed)s, 'closed', count(*)
                     FROM helpdesk_ticket
                    WHERE tma_contract_id = %(c)s AND active
                      AND closed_date >= %(s)s AND closed_date < %(e)s
                    GROUP BY 1
                    UNION ALL
                   SELECT %(month_consumed)s, 'units', sum(consumed_units)
                     FROM tma_unit_entry
                    WHERE contract_id = %(c)s AND date >= %(s)s AND date < %(e)s
                    GROUP BY 1""",
                month_created=self._tma_month_sql(SQL("create_date")),
                month_closed=self._tma_month_sql(SQL("closed_date")),
                month_consumed=self._tma_month_sql(SQL("date")),
                c=self.id,
                s=start,
                e=end,
            )
        )
        values = {(month, kind): value for month, kind, value in self.env.cr.fetchall()}
        indicators = [
            ("opened", _("Tickets opened")),
            ("closed", _("Tickets closed")),
            ("units", _("Units consumed")),
        ]
        rows = []
        month = first
        while month <= date_to:
            rows += [
                (month, label, values.get((month, kind), 0))
                for kind, label in indicators
            ]
            month += relativedelta(months=1)
        return rows

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _action_open(self, xmlid, domain, context=None):
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = domain
        action["context"] = context or {}
        return action

    def action_view_tickets(self):
        self.ensure_one()
        return self._action_open(
            "helpdesk_mgmt.helpdesk_ticket_action",
            [("tma_contract_id", "=", self.id)],
            {
                "default_tma_contract_id": self.id,
                "default_partner_id": self.partner_id.id,
            },
        )

    def action_view_books(self):
        self.ensure_one()
        return self._action_open(
            "tma_contract.tma_unit_book_action",
            [("contract_id", "=", self.id)],
            {"default_contract_id": self.id},
        )

    def action_view_entries(self):
        self.ensure_one()
        return self._action_open(
            "tma_contract.tma_unit_entry_action", [("contract_id", "=", self.id)]
        )

    def action_adjust_balance(self):
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "res_model": "tma.unit.adjustment",
            "view_mode": "form",
            "target": "new",
            "context": {"default_contract_id": self.id},
        }

    # ------------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------------
    @api.model
    def _cron_renew_contracts(self, batch_size=200):
        """Apply tacit renewal to contracts whose end date has passed.

        Idempotent: a contract is extended only while its end date is past,
        and a renewal activity is scheduled once per term.
        """
        today = fields.Date.context_today(self)
        contracts = self.search(
            [
                ("state", "=", "active"),
                ("tacit_renewal", "=", True),
                ("date_end", "!=", False),
                ("date_end", "<", today),
            ],
            limit=batch_size,
        )
        for contract in contracts:
            if contract.auto_renew:
                new_end = contract.date_end
                while new_end < today:
                    new_end += relativedelta(months=contract.renewal_period)
                contract.date_end = new_end
                contract.message_post(
                    body=_("Contract renewed tacitly until %(date)s.", date=new_end)
                )
            elif not contract.activity_ids.filtered(
                lambda a: a.summary == _("Renewal decision")
            ):
                contract.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=_("Renewal decision"),
                    note=_("The contract reached its end date: renew or close it."),
                    user_id=(contract.user_id or self.env.user).id,
                )
        return True

    def action_preview(self):
        """Open the contract's portal page, as the client sees it."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "target": "self",
            "url": self.get_portal_url(),
        }
