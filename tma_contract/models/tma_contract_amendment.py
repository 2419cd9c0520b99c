# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Amendments (avenants): a change of a contract's terms from an effective
date, drafted by the provider, approved by the client, applied on its date.

The client's approval or refusal is its act (``tma.party.act.mixin``): made
by a user of the client, or recorded on its behalf by a TMA manager with a
reason and a piece of evidence; journaled; immutable afterwards. A refused
amendment stays refused: a new amendment is a new act."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .utils import (
    AMENDMENT_LIVE_STATES,
    AMENDMENT_STATES,
    AMENDMENT_TERMS,
    reader_date,
)

# Fields only the amendment's own methods write (never over RPC).
WORKFLOW_FIELDS = (
    "state",
    "previous_values",
    "date_applied",
)

# Where an amendment the client decided on may still go: an approved one is
# applied on its date (by the engine), a refused one stays refused.
DECIDED_TRANSITIONS = {"approved": ("applied",), "refused": (), "applied": ()}


class TmaContractAmendment(models.Model):
    _name = "tma.contract.amendment"
    _description = "TMA Contract Amendment"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "tma.ledger.protected.mixin",
        "tma.party.act.mixin",
    ]
    _order = "date_effective desc, id desc"
    _tma_protected_fields = WORKFLOW_FIELDS
    _tma_act_fields = (
        "approved_by_id",
        "date_approved",
        "date_refused",
        "refusal_comment",
    )

    name = fields.Char(string="Reference", readonly=True, copy=False, default="/")
    contract_id = fields.Many2one(
        "tma.contract",
        required=True,
        ondelete="cascade",
        index=True,
        tracking=True,
    )
    partner_id = fields.Many2one(related="contract_id.partner_id", store=True)
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    currency_id = fields.Many2one(related="contract_id.currency_id")
    contract_mode = fields.Selection(related="contract_id.mode")
    state = fields.Selection(
        AMENDMENT_STATES,
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    date_effective = fields.Date(
        string="Effective date",
        required=True,
        tracking=True,
        help="The new terms apply from this date on.",
    )
    description = fields.Text(
        string="Reason", help="Why the contract changes; the client reads it."
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Sale order",
        domain="[('partner_id', 'child_of', partner_id)]",
        help="The order that sells the change, when it changes what is sold.",
    )
    # Terms
    change_scope = fields.Boolean(string="Change the scope")
    application_ids = fields.Many2many(
        "tma.application",
        string="Applications",
        domain="[('partner_id', '=', partner_id)]",
    )
    maintenance_type_ids = fields.Many2many(
        "tma.maintenance.type", string="Maintenance types"
    )
    change_volume = fields.Boolean(string="Change the volume")
    monthly_volume = fields.Float(string="Monthly volume estimate", digits="TMA Units")
    change_price = fields.Boolean(string="Change the price")
    fee_amount = fields.Monetary(string="Periodic fee", currency_field="currency_id")
    change_dates = fields.Boolean(string="Change the end date")
    date_end = fields.Date(string="End date")
    terms_summary = fields.Char(
        string="Changes", compute="_compute_terms_summary", store=True
    )
    # Workflow
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    date_approved = fields.Datetime(readonly=True, copy=False)
    date_refused = fields.Datetime(readonly=True, copy=False)
    refusal_comment = fields.Text(
        readonly=True, copy=False, help="Why the client refused the amendment."
    )
    date_applied = fields.Date(readonly=True, copy=False)
    previous_values = fields.Json(
        readonly=True,
        copy=False,
        help="The contract's terms this amendment replaced, recorded when it "
        "applied: what the contract said before its effective date.",
    )

    # ------------------------------------------------------------------
    # Terms
    # ------------------------------------------------------------------
    @api.model
    def _get_amendment_terms(self):
        """Hook: {term: (flag field, contract fields)} of the terms an
        amendment may change. An addon adding a term (tma_sla: the SLA
        policy) adds its flag and fields to both models and extends the dict.
        """
        return dict(AMENDMENT_TERMS)

    def _changed_terms(self):
        self.ensure_one()
        return [
            term
            for term, (flag, _fields) in self._get_amendment_terms().items()
            if self[flag]
        ]

    @api.depends("change_scope", "change_volume", "change_price", "change_dates")
    def _compute_terms_summary(self):
        for amendment in self:
            env = amendment.contract_id._tma_reader_env()
            labels = {
                term: self._fields[flag]._description_string(env)
                for term, (flag, _f) in self._get_amendment_terms().items()
            }
            amendment.terms_summary = ", ".join(
                labels[term] for term in amendment._changed_terms()
            )

    def _get_new_values(self):
        """{contract field: value in ``write`` form} this amendment sets."""
        self.ensure_one()
        values = {}
        terms = self._get_amendment_terms()
        for term in self._changed_terms():
            for name in terms[term][1]:
                values[name] = self._field_to_json(self, name)
        return values

    @api.model
    def _field_to_json(self, record, name):
        """The value of ``record[name]`` as JSON (ids, ISO dates)."""
        field = record._fields[name]
        value = record[name]
        if field.type in ("many2many", "one2many"):
            return sorted(value.ids)
        if field.type == "many2one":
            return value.id or False
        if field.type == "date":
            return fields.Date.to_string(value) if value else False
        return value

    @api.model
    def _json_to_write(self, contract, values):
        """``values`` (JSON, from ``_field_to_json``) as ``write`` values."""
        vals = {}
        for name, value in values.items():
            if contract._fields[name].type == "many2many":
                vals[name] = [fields.Command.set(value or [])]
            else:
                vals[name] = value
        return vals

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("date_effective", "contract_id")
    def _check_date_effective(self):
        for amendment in self:
            start = amendment.contract_id.date_start
            if start and amendment.date_effective < start:
                raise ValidationError(
                    _(
                        "Amendment %(name)s takes effect on %(date)s, before the "
                        "start of contract %(contract)s (%(start)s).",
                        name=amendment.name,
                        date=amendment.date_effective,
                        contract=amendment.contract_id.display_name,
                        start=start,
                    )
                )

    @api.constrains(
        "change_scope",
        "change_volume",
        "change_price",
        "change_dates",
        "date_effective",
        "state",
    )
    def _check_terms(self):
        for amendment in self:
            terms = amendment._changed_terms()
            if not terms:
                raise ValidationError(
                    _("An amendment changes at least one term of the contract.")
                )
            if amendment.state not in AMENDMENT_LIVE_STATES:
                continue
            others = self.search(
                [
                    ("id", "!=", amendment.id),
                    ("contract_id", "=", amendment.contract_id.id),
                    ("date_effective", "=", amendment.date_effective),
                    ("state", "in", AMENDMENT_LIVE_STATES),
                ]
            )
            for other in others:
                common = set(terms) & set(other._changed_terms())
                if common:
                    raise ValidationError(
                        _(
                            "Amendments %(name)s and %(other)s both change "
                            "%(terms)s of contract %(contract)s on %(date)s.",
                            name=amendment.name,
                            other=other.name,
                            terms=other.terms_summary,
                            contract=amendment.contract_id.display_name,
                            date=amendment.date_effective,
                        )
                    )

    @api.constrains("change_dates", "date_end", "date_effective")
    def _check_date_end(self):
        for amendment in self.filtered("change_dates"):
            if amendment.date_end and amendment.date_end < amendment.date_effective:
                raise ValidationError(
                    _("The new end date comes before the amendment's effective date.")
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._tma_check_protected(vals)
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "tma.contract.amendment"
                )
        return super().create(vals_list)

    def write(self, vals):
        # The client's act first: its fields are written by the act only.
        if not self._tma_is_act_writer() and set(vals) & self._tma_all_act_fields():
            self._tma_refuse_act_edit()
        if "state" in vals:
            self._check_decided_transition(vals["state"])
        self._tma_check_protected(vals)
        if (
            not self._tma_is_engine()
            and not self._tma_is_act_writer()
            and set(vals) - {"description", "sale_order_id"}
        ):
            locked = self.filtered(lambda a: a.state != "draft")
            if locked:
                raise UserError(
                    _(
                        "Amendment %(name)s is no longer a draft: its terms "
                        "cannot change. Cancel it and draft another one.",
                        name=locked[0].name,
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_draft(self):
        if any(a.state not in ("draft", "cancelled") for a in self):
            raise UserError(_("Only draft or cancelled amendments can be deleted."))

    def _set_workflow(self, vals):
        return self._tma_engine().write(vals)

    def _check_decided_transition(self, state):
        """The client's decision stands: an approved amendment only moves on
        to applied (the engine applies it), a refused one stays refused. For
        everybody, administrator and superuser included."""
        for amendment in self.sudo():
            allowed = DECIDED_TRANSITIONS.get(amendment.state)
            if allowed is None or amendment.state == state:
                continue
            if state not in allowed or not self._tma_is_engine():
                self._tma_refuse_act_edit()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_submit(self):
        """Send the draft to the client for approval."""
        for amendment in self:
            if amendment.state != "draft":
                raise UserError(_("Only a draft amendment can be sent to the client."))
            if amendment.contract_id.state in ("closed", "cancelled"):
                raise UserError(_("The contract has ended: it cannot be amended."))
        self._set_workflow({"state": "to_approve"})
        for amendment in self:
            env = amendment.contract_id._tma_reader_env()
            amendment.contract_id.message_post(
                body=env._(
                    "Amendment %(name)s (%(terms)s, from %(date)s) awaits your "
                    "approval.",
                    name=amendment.name,
                    terms=amendment.terms_summary,
                    date=reader_date(env, amendment.date_effective),
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        return True

    def action_cancel(self):
        if any(a.state in DECIDED_TRANSITIONS for a in self):
            raise UserError(
                _(
                    "The client has decided on this amendment: it cannot be "
                    "cancelled. Draft another one."
                )
            )
        self._set_workflow({"state": "cancelled"})
        return True

    def action_draft(self):
        if any(a.state != "cancelled" for a in self):
            raise UserError(
                _(
                    "Only cancelled amendments go back to draft: a refused "
                    "amendment stays refused, draft another one."
                )
            )
        self._set_workflow({"state": "draft"})
        self._check_terms()
        return True

    # ------------------------------------------------------------------
    # The client's decision: a party's act
    # ------------------------------------------------------------------
    def _tma_act_party(self):
        return self.partner_id.commercial_partner_id

    def _tma_act_contract(self):
        return self.contract_id

    def _tma_act_label(self, code):
        if code == "amendment_refusal":
            return _("refuse the amendments of its contracts")
        return _("approve the amendments of its contracts")

    def _decide(self, code, state, values, partner, on_behalf_reason, evidence):
        """Record the client's decision ``code`` (moving the amendment to
        ``state``): check who decides, lock the amendment, check it still
        awaits the decision, move it and record the act, all or nothing.
        Returns the partner the decision is attributed to."""
        self.ensure_one()
        act = {
            "partner": partner,
            "on_behalf_reason": on_behalf_reason,
            "evidence": evidence,
        }
        actor = self._tma_check_act(code, **act)
        # Two decisions at once: the second waits for the first, then finds
        # the amendment decided.
        self._tma_lock_awaiting(
            "to_approve",
            _("Amendment %(name)s does not await approval.", name=self.name),
        )
        with self.env.cr.savepoint():
            self._set_workflow({"state": state})
            self._tma_record_act(code, values, **act)
        return actor

    def _approve(self, partner, on_behalf_reason=None, evidence=None):
        """The client approves, through ``partner`` (one of its contacts):
        the amendment applies on its effective date (now, when that date has
        come). Made by the current user when it is ``partner``'s, or recorded
        on the client's behalf by a TMA manager with ``on_behalf_reason``
        and ``evidence`` (an attachment)."""
        self.ensure_one()
        user = self._tma_act_user(partner)
        actor = self._decide(
            "amendment_approval",
            "approved",
            {"approved_by_id": user.id, "date_approved": fields.Datetime.now()},
            partner,
            on_behalf_reason,
            evidence,
        )
        self.contract_id.sudo().message_post(
            body=self._decision_message(
                self.contract_id._tma_reader_env()._(
                    "Amendment %(name)s approved by %(partner)s.",
                    name=self.name,
                    partner=actor.name,
                )
            ),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        if self.date_effective <= fields.Date.context_today(self):
            self.contract_id.sudo()._apply_due_amendments()
        return True

    def _refuse(self, partner, comment=None, on_behalf_reason=None, evidence=None):
        """The client refuses, through ``partner``, with an optional
        ``comment``; same rules as :meth:`_approve`."""
        self.ensure_one()
        comment = (comment or "").strip() or False
        actor = self._decide(
            "amendment_refusal",
            "refused",
            {"date_refused": fields.Datetime.now(), "refusal_comment": comment},
            partner,
            on_behalf_reason,
            evidence,
        )
        self.contract_id.sudo().message_post(
            body=self._decision_message(
                self.contract_id._tma_reader_env()._(
                    "Amendment %(name)s refused by %(partner)s. %(comment)s",
                    name=self.name,
                    partner=actor.name,
                    comment=comment or "",
                )
            ),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return True

    def _decision_message(self, body):
        record = self.sudo()
        if record.tma_act_reason:
            record = record.with_env(record._tma_act_reader_env())
            body = record.env._(
                "%(body)s (%(recorded_as)s)",
                body=body,
                recorded_as=record.tma_act_recorded_as,
            )
        return f"{body} {self._tma_act_receipt()}"

    def action_approve(self, on_behalf_reason=None, evidence=None):
        """Record the client's approval on its behalf (given on paper, by
        email): a TMA manager only, with a reason and the evidence (an
        ``ir.attachment`` or its id)."""
        for amendment in self:
            amendment._approve(
                None,
                on_behalf_reason=on_behalf_reason,
                evidence=self._evidence_record(evidence),
            )
        return True

    def action_refuse(self, comment=None, on_behalf_reason=None, evidence=None):
        """Record the client's refusal on its behalf; see :meth:`action_approve`."""
        for amendment in self:
            amendment._refuse(
                None,
                comment,
                on_behalf_reason=on_behalf_reason,
                evidence=self._evidence_record(evidence),
            )
        return True

    def action_open_decision_on_behalf(self):
        """Backend: the wizard where a TMA manager records the client's
        decision (``tma_decision`` in the context) on its behalf."""
        decision = (
            "refuse" if self.env.context.get("tma_decision") == "refuse" else "approve"
        )
        return self._tma_open_on_behalf(
            "tma.amendment.decision",
            {"default_amendment_id": self.id, "default_decision": decision},
        )

    def _tma_act_on_behalf(self, act, on_behalf_reason, evidence, **details):
        """``act``: "approve" or "refuse" (with the client's ``comment``)."""
        act_on_behalf = {"on_behalf_reason": on_behalf_reason, "evidence": evidence}
        if act == "approve":
            return self.action_approve(**act_on_behalf)
        if act == "refuse":
            return self.action_refuse(details.get("comment"), **act_on_behalf)
        return super()._tma_act_on_behalf(act, on_behalf_reason, evidence, **details)

    def _evidence_record(self, evidence):
        if isinstance(evidence, int) and not isinstance(evidence, bool):
            return self.env["ir.attachment"].browse(evidence)
        return evidence or None

    def _apply(self):
        """Write the new terms on the contract and keep the old ones. Called
        under the contract's lock, in effective date order."""
        self.ensure_one()
        contract = self.contract_id
        new_values = self._get_new_values()
        previous = {name: self._field_to_json(contract, name) for name in new_values}
        contract.sudo()._tma_write_terms(self._json_to_write(contract, new_values))
        if "fee_amount" in new_values:
            contract.sudo()._apply_fee_change(self.date_effective, self)
        self._set_workflow(
            {
                "state": "applied",
                "previous_values": previous,
                "date_applied": fields.Date.context_today(self),
            }
        )
        env = contract._tma_reader_env()
        contract.message_post(
            body=env._(
                "Amendment %(name)s applied from %(date)s: %(terms)s.",
                name=self.name,
                date=reader_date(env, self.date_effective),
                terms=self.terms_summary,
            ),
            subtype_xmlid="mail.mt_note",
        )

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------
    @api.model
    def _cron_apply_amendments(self, batch_size=100):
        """Apply the approved amendments whose effective date has come.

        Contracts are taken one by one under ``FOR UPDATE SKIP LOCKED``, so
        parallel workers never apply the same contract's amendments, which
        apply in date order. Idempotent: only ``approved`` amendments apply,
        and applying moves them to ``applied``. Re-arms itself while work is
        left.
        """
        today = fields.Date.context_today(self)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT c.id FROM tma_contract c
                    WHERE EXISTS (SELECT 1 FROM tma_contract_amendment a
                                   WHERE a.contract_id = c.id
                                     AND a.state = 'approved'
                                     AND a.date_effective <= %s)
                    ORDER BY c.id LIMIT %s
                    FOR UPDATE OF c SKIP LOCKED""",
                today,
                batch_size + 1,
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        contracts = self.env["tma.contract"].browse(ids[:batch_size])
        contracts._apply_due_amendments()
        cron = self.env.ref(
            "tma_contract.ir_cron_tma_apply_amendments", raise_if_not_found=False
        )
        if cron and len(ids) > batch_size:
            self.env["ir.cron"]._notify_progress(done=len(contracts), remaining=1)
            cron._trigger()
        return True
