# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The contract: its fields, its checks, its life cycle (the state machine)
and its views. Its other concerns extend it in files of their own
(``tma_contract_<concern>.py``)."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .utils import (
    CONTRACT_MODES,
    CONTRACT_STATES,
    CONTRACT_TRANSITIONS,
    MANAGER_ONLY_STATES,
    reader_env,
)


class TmaContract(models.Model):
    _name = "tma.contract"
    _description = "TMA Contract"
    _inherit = [
        "tma.portal.mixin",
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
    # The reader's language
    # ------------------------------------------------------------------
    def _tma_reader_env(self):
        """The environment in which the suite writes a text for the
        contract's client (a ticket's title, a ledger reason, a register's
        document, an agenda): the client's language, whoever triggers it. A
        stored text both parties read (a ticket's title, read by the provider
        too) is written for the client, so the client's language wins.
        Without a contract (an empty recordset), the environment itself."""
        return reader_env(self.env, self.partner_id)

    # ------------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------------
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
        self._check_terms_by_amendment(vals)
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

    def action_preview(self):
        """Open the contract's portal page, as the client sees it."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "target": "self",
            "url": self.get_portal_url(),
        }
